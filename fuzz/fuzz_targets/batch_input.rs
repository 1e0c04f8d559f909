//! `batch::input::parse` (the `gong-privacy erase --from FILE` reader) on arbitrary bytes: no
//! panic, and the file either is refused whole or every row is a subject read from that row's
//! own value: the value, parsed again by its kind's parser, gives the same subject, so nothing
//! is sent that the file does not hold. Line numbers only grow and stay within the file.
#![no_main]

use gong_privacy::batch::input::{InputOptions, parse};
use gong_api_ext::{EmailAddress, PhoneNumber, Subject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(batch) = parse(data, &InputOptions::default()) else {
        return;
    };
    // A line ends in \n, \r\n or (refused) a bare \r; UTF-16 has two bytes a unit.
    let max_line = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut last_line = 0;
    for row in &batch.rows {
        assert!(row.line >= 1 && row.line <= max_line, "line {} of {max_line}", row.line);
        assert!(row.line >= last_line, "rows out of file order");
        last_line = row.line;
        let Ok(subject) = &row.subject else { continue };
        let again = match subject {
            Subject::Email(_) => EmailAddress::parse(&row.input).map(Subject::Email),
            Subject::Phone(_) => PhoneNumber::parse(&row.input).map(Subject::Phone),
        };
        assert_eq!(again.as_ref().ok(), Some(subject), "{:?}", row.input);
        assert_eq!(Subject::parse(subject.as_str()).as_ref().ok(), Some(subject));
    }
});

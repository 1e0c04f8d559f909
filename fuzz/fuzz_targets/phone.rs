//! `PhoneNumber::parse` and `Subject::parse` on arbitrary text: no panic, and whatever is
//! accepted is canonical E.164 that parses to itself; a suggestion is itself accepted.
#![no_main]

use gong_api_ext::{PhoneNumber, Subject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Subject::parse(input);
    match PhoneNumber::parse(input) {
        Ok(number) => {
            let text = number.as_str();
            // libphonenumber allows 17 digits after a country code of at most 3.
            assert!(text.len() <= 21, "{input:?} -> {text}");
            assert!(text.starts_with('+') && text[1..].bytes().all(|b| b.is_ascii_digit()));
            let again = PhoneNumber::parse(text).expect("the canonical form parses");
            assert_eq!(again, number, "{input:?}");
        }
        Err(error) => {
            if let Some(suggestion) = error.suggestion() {
                let number = PhoneNumber::parse(suggestion)
                    .unwrap_or_else(|e| panic!("{input:?}: suggestion {suggestion} refused: {e}"));
                assert_eq!(number.as_str(), suggestion);
            }
        }
    }
});

use proptest::prelude::*;

use super::header::may_hold_identity;
use super::is_spreadsheet_number;
use super::*;

fn read(text: &str) -> Result<BatchInput, InputError> {
    parse(text.as_bytes(), &InputOptions::default())
}

/// `(line, column, subject or "error: …")` per row.
fn rows(input: &BatchInput) -> Vec<(u64, String, String)> {
    input
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.column.clone().unwrap_or_default(),
                match &r.subject {
                    Ok(s) => s.as_str().to_owned(),
                    Err(e) => format!("error: {e}"),
                },
            )
        })
        .collect()
}

fn refused(text: &[u8]) -> (Option<u64>, InputErrorKind, String) {
    let err = parse(text, &InputOptions::default()).expect_err("refused");
    (err.line(), err.kind(), err.to_string())
}

#[test]
fn a_plain_list_detects_each_subject_and_skips_comments() {
    let input = read("# queue 42\njane@example.com\n\n+1 (425) 555-2671\r\nnobody\n").unwrap();
    assert_eq!(input.layout, Layout::List);
    assert_eq!(
        rows(&input),
        [
            (2, "".into(), "jane@example.com".into()),
            (4, "".into(), "+14255552671".into()),
            (5, "".into(), "error: invalid subject \"nobody\": it is neither an email address (no @) nor a phone number (no leading +)".into()),
        ]
    );
}

#[test]
fn csv_headers_are_matched_loosely_and_unknown_columns_ignored() {
    let input = read("Name,E-Mail Address , Phone_Number\nJane,jane@example.com,+1 425 555 2671\nJoe,,\"+44 20 7946 0958\"\n").unwrap();
    let Layout::Csv {
        delimiter, columns, ..
    } = &input.layout
    else {
        panic!("{:?}", input.layout)
    };
    assert_eq!(*delimiter, b',');
    assert_eq!(
        columns
            .iter()
            .map(|c| (c.index, c.kind))
            .collect::<Vec<_>>(),
        [(1, ColumnKind::Email), (2, ColumnKind::Phone)]
    );
    assert_eq!(
        rows(&input),
        [
            (2, "E-Mail Address".into(), "jane@example.com".into()),
            (2, "Phone_Number".into(), "+14255552671".into()),
            (3, "Phone_Number".into(), "+442079460958".into()),
        ]
    );
}

#[test]
fn delimiters_are_detected_or_given() {
    for (text, delimiter) in [
        ("email;phone\njane@example.com;\n", b';'),
        ("email\tphone\njane@example.com\t\n", b'\t'),
        // A comma inside a quoted header cell does not make it comma-separated.
        ("\"Name, full\";Email\nJane;jane@example.com\n", b';'),
    ] {
        let input = read(text).unwrap();
        assert!(
            matches!(input.layout, Layout::Csv { delimiter: d, .. } if d == delimiter),
            "{text:?}: {:?}",
            input.layout
        );
        assert_eq!(rows(&input)[0].2, "jane@example.com");
    }
    let options = InputOptions {
        delimiter: Some(b'|'),
        ..InputOptions::default()
    };
    let input = parse(b"email|name\njane@example.com|Jane\n", &options).unwrap();
    assert_eq!(rows(&input)[0].2, "jane@example.com");
}

#[test]
fn named_columns_are_read_and_missing_ones_refused() {
    let options = InputOptions {
        columns: vec!["contact".into()],
        ..InputOptions::default()
    };
    // The email column is not read: refused, unless left out knowingly.
    let err = parse(
        b"email,Contact\nignored@example.com,+1 425 555 2671\n",
        &options,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 1: \"email\" (column 1) looks like email addresses"),
        "{err}"
    );
    let options = InputOptions {
        ignore_columns: vec!["EMAIL".into()],
        ..options
    };
    let input = parse(
        b"email,Contact\nignored@example.com,+1 425 555 2671\n",
        &options,
    )
    .unwrap();
    assert_eq!(rows(&input), [(2, "Contact".into(), "+14255552671".into())]);
    let err = parse(b"email,name\na@example.com,A\n", &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: no column named \"contact\" in the header; it has \"email\", \"name\""
    );
}

#[test]
fn structural_problems_refuse_the_whole_file_with_the_line() {
    for (text, line, kind, reason) in [
        (
            &b"email\n\"jane@example.com\njoe@example.com\n"[..],
            Some(2),
            InputErrorKind::Quote,
            "a quoted field runs on to line 4",
        ),
        (
            // The csv crate would glue the x onto the value: another, valid address.
            &b"email,name\n\"joe@example.com\"x,y\n"[..],
            Some(2),
            InputErrorKind::Quote,
            "text follows the closing quote of field 1",
        ),
        (
            b"subject,name\n,\n\",\"Smith, J\"\n+1 425 555 2672,\n",
            Some(3),
            InputErrorKind::Quote,
            "text follows the closing quote of field 1",
        ),
        (
            b"email,phone\na@example.com,+14255552671,extra\n",
            Some(2),
            InputErrorKind::FieldCount,
            "3 fields where the header (line 1) has 2",
        ),
        (
            b"name,email\nJane\n",
            Some(2),
            InputErrorKind::FieldCount,
            "1 field where the header (line 1) has 2",
        ),
        (
            b"email\na@example.com\nb@exa\0mple.com\n",
            Some(3),
            InputErrorKind::Control,
            "NUL character",
        ),
        (
            b"email\ra@example.com\r",
            Some(1),
            InputErrorKind::Control,
            "carriage return",
        ),
        (
            b"email\nj\xE9r\xF4me@example.com\n",
            Some(2),
            InputErrorKind::Encoding,
            "not UTF-8: byte 0xE9 at offset 7",
        ),
        (b"", None, InputErrorKind::Empty, "empty"),
        (
            b"# only a comment\n\n",
            None,
            InputErrorKind::Empty,
            "empty",
        ),
        (
            b"email,phone\n\n",
            None,
            InputErrorKind::Empty,
            "only a header (line 1)",
        ),
        (
            b"name;company\nJane;Acme\n",
            Some(1),
            InputErrorKind::Header,
            "no column this tool reads; the header has \"name\", \"company\" (separated by ';')",
        ),
        (
            b"jane@example.com,+14255552671\n",
            Some(1),
            InputErrorKind::Header,
            "the first line looks like data, not a header",
        ),
        (
            b"Customers to erase\njane@example.com\n",
            Some(1),
            InputErrorKind::Header,
            "\"Customers to erase\" is neither a column this tool reads",
        ),
        (
            b"email,phone;mobile\n",
            Some(1),
            InputErrorKind::Header,
            "choose one with --delimiter",
        ),
    ] {
        let (got_line, got_kind, message) = refused(text);
        assert_eq!(
            (got_line, got_kind),
            (line, kind),
            "{:?}: {message}",
            String::from_utf8_lossy(text)
        );
        assert!(message.contains(reason), "{message}");
    }
}

#[test]
fn quoted_fields_may_end_with_spaces_and_hold_doubled_quotes() {
    let input = read("email,name\n\"jane@example.com\" ,\"Doe, \"\"JJ\"\"\"\n").unwrap();
    assert_eq!(
        rows(&input),
        [(2, "email".into(), "jane@example.com".into())]
    );
}

#[test]
fn encodings_utf8_bom_and_utf16_with_bom_are_read_others_named() {
    let text = "email\r\njürgen@example.com\r\n";
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend_from_slice(text.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    for (bytes, encoding) in [
        (text.as_bytes().to_vec(), TextEncoding::Utf8),
        (utf8_bom, TextEncoding::Utf8Bom),
        (le.clone(), TextEncoding::Utf16Le),
        (be, TextEncoding::Utf16Be),
    ] {
        let input = parse(&bytes, &InputOptions::default()).unwrap();
        assert_eq!(input.encoding, encoding);
        assert_eq!(
            rows(&input),
            [(2, "email".into(), "jürgen@example.com".into())]
        );
    }
    // The same UTF-16 without its byte-order mark.
    let (line, kind, message) = refused(&le[2..]);
    assert_eq!((line, kind), (None, InputErrorKind::Encoding));
    assert!(
        message.contains("UTF-16 without a byte-order mark"),
        "{message}"
    );
    // An odd byte count after a UTF-16 BOM.
    let (_, kind, message) = refused(&le[..le.len() - 1]);
    assert_eq!(kind, InputErrorKind::Encoding);
    assert!(message.contains("not valid UTF-16LE"), "{message}");
    let (_, _, message) = refused(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]);
    assert!(message.contains("UTF-32"), "{message}");
}

#[test]
fn an_over_long_line_is_refused_without_echoing_it() {
    let mut text = String::from("email\n");
    text.push_str(&"x".repeat(DEFAULT_MAX_LINE_BYTES + 1));
    text.push('\n');
    let err = read(&text).unwrap_err();
    assert_eq!(
        (err.line(), err.kind()),
        (Some(2), InputErrorKind::LineTooLong)
    );
    assert!(err.to_string().len() < 200, "{err}");
}

#[test]
fn row_problems_stay_per_row() {
    let long = format!("{}@example.com", "a".repeat(400));
    let text = format!(
        "name,email,phone\nJane,,4.25555E+10\nJoe,{long},\nAnn,,\n,,\nBob,bob@example.com,\n"
    );
    let input = read(&text).unwrap();
    let got = rows(&input);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(
        got[0].2.contains("spreadsheet's scientific notation"),
        "{got:?}"
    );
    assert_eq!(got[1].0, 3);
    assert!(
        got[1]
            .2
            .contains("a value of 412 characters is not a subject")
    );
    assert_eq!(input.rows[1].input.chars().count(), MAX_VALUE_CHARS);
    // A row with data but no subject is reported; a row of empty fields is a blank line.
    assert_eq!(
        got[2],
        (
            4,
            "".into(),
            "error: the row has no value in the email or phone column".into()
        )
    );
    assert_eq!(got[3], (6, "email".into(), "bob@example.com".into()));
}

#[test]
fn spreadsheet_numbers_are_recognised() {
    for yes in ["4.25555E+10", "1.2e11", "+4.4207946E+11", "42E10"] {
        assert!(is_spreadsheet_number(yes), "{yes}");
    }
    for no in [
        "+14255552671",
        "4.2",
        "E+10",
        "4.E+10",
        "4.2E",
        "jane@e.com",
    ] {
        assert!(!is_spreadsheet_number(no), "{no}");
    }
}

#[test]
fn the_hash_is_of_the_bytes() {
    let a = read("email\na@example.com\n").unwrap();
    let b = read("email\r\na@example.com\r\n").unwrap();
    assert_ne!(a.sha256, b.sha256);
    assert_eq!(a.sha256.len(), 64);
    // printf 'email\na@example.com\n' | sha256sum
    assert_eq!(
        a.sha256,
        "04476e00c6b804315c8d8c5b1a61ef8f16cb586a73b03cbcc1139fe0b1f2893a"
    );
}

#[test]
fn two_hundred_thousand_rows_each_keep_their_line() {
    let mut text = String::from("id,email\n");
    for i in 0..200_000 {
        text.push_str(&format!("{i},user{i}@example.com\n"));
    }
    let input = read(&text).unwrap();
    assert_eq!(input.rows.len(), 200_000);
    for (i, row) in input.rows.iter().enumerate() {
        assert_eq!(row.line, i as u64 + 2);
        assert_eq!(
            row.subject.as_ref().map(Subject::as_str),
            Ok(format!("user{i}@example.com").as_str())
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the bytes: no panic, and an accepted file's rows are in file order, on lines
    /// the file has.
    #[test]
    fn never_panics_and_rows_point_into_the_file(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(input) = parse(&bytes, &InputOptions::default()) {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            prop_assert!(!input.rows.is_empty());
            prop_assert!(input.rows.windows(2).all(|w| w[0].line <= w[1].line));
            prop_assert!(input.rows.iter().all(|r| (1..=lines).contains(&r.line)));
        }
    }

    /// Text made of CSV-ish pieces (quotes, delimiters, line breaks, subjects) exercises the
    /// structural checks far more often than random bytes.
    #[test]
    fn csvish_text_never_panics(pieces in proptest::collection::vec(
        prop_oneof![
            Just("email"), Just("phone"), Just("name"), Just(","), Just(";"), Just("\t"),
            Just("\""), Just("\n"), Just("\r\n"), Just("#"), Just("jane@example.com"),
            Just("+1 425 555 2671"), Just(" "), Just("\u{feff}"), Just("4.2E+10"),
        ],
        0..40,
    )) {
        let text: String = pieces.concat();
        let _ = read(&text);
    }
}

/// A line starting with `#` is a comment, but `#` may also start an email address
/// (`#jane@example.com` is valid) or a row's first field (`#42,jane@example.com`). Such a line
/// must not be skipped silently: the person in it would never be erased, and nothing would
/// say so. The file is refused instead, naming the line.
#[test]
fn a_comment_line_that_holds_a_subject_is_refused_not_skipped() {
    for (text, line, reason) in [
        (
            "email\njane@example.com\n#joe@example.com\n",
            3,
            "holds the subject \"#joe@example.com\"",
        ),
        (
            "jane@example.com\n#joe@example.com\n",
            2,
            "holds the subject \"#joe@example.com\"",
        ),
        (
            "id,email\n1,jane@example.com\n#2,joe@example.com\n3,ann@example.com\n",
            3,
            "holds the subject \"joe@example.com\" in its email column",
        ),
        (
            "id;phone\n#7;+1 425 555 2671\n",
            2,
            "holds the subject \"+1 425 555 2671\" in its phone column",
        ),
    ] {
        let err = read(text).expect_err(text);
        assert_eq!(
            (err.line(), err.kind()),
            (Some(line), InputErrorKind::Comment),
            "{text:?}: {err}"
        );
        assert!(err.to_string().contains(reason), "{text:?}: {err}");
    }
    // Comments that hold no subject stay comments.
    let input = read(
        "# queue 42, from jane@example.com\nid,email\n# done: joe@example.com\n#,\n1,ann@example.com\n",
    )
    .unwrap();
    assert_eq!(
        rows(&input),
        [(5, "email".into(), "ann@example.com".into())]
    );
    let input = read("# jane@example.com (done)\n#+1 425\nann@example.com\n").unwrap();
    assert_eq!(rows(&input), [(3, "".into(), "ann@example.com".into())]);
}

#[test]
fn identity_columns_not_read_refuse_the_file_unless_ignored_knowingly() {
    let text = "Name,Email,Secondary Email,Notes,Customer Id,Alt. Phone2\nJane,jane@example.com,j@example.org,,7,+1 425 555 2671\n";
    let err = read(text).unwrap_err();
    assert_eq!(err.kind(), InputErrorKind::Header);
    assert_eq!(
        err.to_string(),
        "line 1: \"Secondary Email\" (column 3) and \"Alt. Phone2\" (column 6) look like email \
         addresses or phone numbers but are not read (the columns read: \"Email\"): a person's \
         address there would not be erased. Read them too with --column (naming every column \
         to read), or leave each out knowingly with --ignore-column NAME (repeatable)"
    );
    // Named columns: the others are checked the same way.
    let options = InputOptions {
        columns: vec!["email".into(), "secondary email".into()],
        ..InputOptions::default()
    };
    let err = parse(text.as_bytes(), &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"Alt. Phone2\" (column 6) looks like"),
        "{err}"
    );
    let options = InputOptions {
        ignore_columns: vec!["alt phone2".into()],
        ..options
    };
    let input = parse(text.as_bytes(), &options).unwrap();
    assert_eq!(
        rows(&input)
            .iter()
            .map(|r| r.2.as_str())
            .collect::<Vec<_>>(),
        ["jane@example.com", "j@example.org"]
    );
    // An ignored name must be in the header (a typo would leave the column unread), and not
    // also be read.
    let options = InputOptions {
        ignore_columns: vec!["Secundary Email".into()],
        ..InputOptions::default()
    };
    let err = parse(text.as_bytes(), &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("no column named \"Secundary Email\""),
        "{err}"
    );
    let options = InputOptions {
        columns: vec!["email".into()],
        ignore_columns: vec!["Email".into()],
        ..InputOptions::default()
    };
    let err = parse(text.as_bytes(), &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("both --column and --ignore-column"),
        "{err}"
    );
    // Headers that plainly hold no address do not trip it.
    for header in [
        "Name",
        "Notes",
        "Customer Id",
        "Mailing address",
        "Hotel",
        "Cancellation",
        "Ticket",
        "Company",
        // Words that only contain or end like one: a car, a mobility score, an e-post office.
        "Automobile",
        "Automobil",
        "Mobility",
        "Telemetry",
        "Postcode",
        "Portal",
        "Cellar",
    ] {
        assert!(!looks_like_identity(header), "{header}");
    }
    for header in [
        "Secondary Email",
        "E-mail 2",
        "workPhone",
        "homephone",
        "Email2",
        "Alt Tel",
        "Cell #",
        "MSISDN",
        "Personal e-mails",
        "Mail 2",
        "EmailAddress2",
        "Automobile Phone",
        // Other languages' exports (German, Spanish, French, Portuguese, Italian, Dutch, the
        // Nordics, Japanese, Chinese, Korean).
        "E-Mail-Adresse",
        "Mailadresse",
        "Telefon",
        "Telefonnummer",
        "Mobiltelefon",
        "Handy",
        "Handynummer",
        "Mobil",
        "Mobilnummer",
        "Rufnummer",
        "Correo electrónico",
        "Teléfono",
        "Teléfono móvil",
        "Móvil",
        "Courriel",
        "Adresse courriel",
        "Numéro de téléphone",
        "Tél.",
        "Portable",
        "Telefone",
        "Celular",
        "Cellulare",
        "Telefono",
        "Telefoonnummer",
        "Mobiel",
        "E-post",
        "Epostadress",
        "Tlf",
        "メールアドレス",
        "電話番号",
        "携帯電話",
        "手机",
        "邮箱",
        "전화번호",
        "이메일",
    ] {
        assert!(looks_like_identity(header), "{header}");
    }
}

#[test]
fn unread_identity_columns_holding_no_address_do_not_refuse_the_file() {
    // A Salesforce contact export: the other phone columns are empty, `Email Opt Out` holds
    // only yes/no flags. Nothing there can be an address or a number, so nothing is missed.
    let text = "First Name,Last Name,Email,Mobile Phone,Other Phone,Email Opt Out,Do Not Call\n\
                Jane,Roe,jane@example.com,,,false,0\n\
                Joe,Bloggs,joe@example.com,, ,TRUE,1\n";
    let input = read(text).unwrap();
    assert_eq!(
        rows(&input)
            .iter()
            .map(|r| r.2.as_str())
            .collect::<Vec<_>>(),
        ["jane@example.com", "joe@example.com"]
    );
    // One value in one row of such a column is enough to refuse the file, wherever it is.
    let text = format!("{text}Ann,Lee,ann@example.com,,+1 425 555 2671,false,0\n");
    let err = read(&text).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 1: \"Other Phone\" (column 5) looks like"),
        "{err}"
    );
    // A value that is not a flag counts, even when it is not an address (a bounce date).
    let err = read("Email,Email Bounced Date\na@example.com,2026-01-05\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("\"Email Bounced Date\" (column 2)"),
        "{err}"
    );
    for value in ["", " ", "No", "y", "N/A", "x", "-", "null"] {
        assert!(!may_hold_identity(value), "{value:?}");
    }
    for value in [
        "jane@example.com",
        "+1 425 555 2671",
        "4255552671",
        "2026-01-05",
        "?",
    ] {
        assert!(may_hold_identity(value), "{value:?}");
    }
}

#[test]
fn a_header_naming_a_column_twice_is_refused_with_both_positions() {
    for (text, reason) in [
        (
            "Email,Name,Email\na@example.com,A,b@example.com\n",
            "line 1: the header names the column \"Email\" 2 times, as \"Email\", \"Email\" \
             (columns 1 and 3): rename them so that each name is used once (the tool reads \
             columns by name)",
        ),
        (
            "Name;Note;E-mail;email\nA;;a@example.com;b@example.com\n",
            "line 1: the header names the column \"E-mail\" 2 times, as \"E-mail\", \"email\" \
             (columns 3 and 4): rename them so that each name is used once (the tool reads \
             columns by name)",
        ),
    ] {
        let err = read(text).unwrap_err();
        assert_eq!(err.kind(), InputErrorKind::Header, "{text}");
        assert_eq!(err.to_string(), reason, "{text}");
    }
    // Empty header cells (a spreadsheet's trailing separators) are not names.
    assert!(read("email,,\na@example.com,,\n").is_ok());
}

#[test]
fn unread_columns_holding_addresses_refuse_the_file_whatever_their_header() {
    // A work address under a header that names no address, a login that is one, a column
    // with no header at all: the person's address there would never be erased.
    for (text, named) in [
        (
            "Name,Email,Work Address\nJane,jane@example.com,\nJoe,joe@example.com,joe@work.example\n",
            "\"Work Address\" (column 3, one at line 3)",
        ),
        (
            "Name,Email,Login\nJane,jane@example.com, +1 425 555 2671 \n",
            "\"Login\" (column 3, one at line 2)",
        ),
        (
            "Email,\njane@example.com,jane.roe@example.org\n",
            "\"\" (column 2, one at line 2)",
        ),
    ] {
        let err = read(text).unwrap_err();
        assert_eq!(err.kind(), InputErrorKind::Header, "{text}");
        assert!(
            err.to_string().starts_with(&format!(
                "line 1: {named} looks like email addresses or phone numbers but is not read"
            )),
            "{text}: {err}"
        );
    }
    let options = InputOptions {
        ignore_columns: vec!["work address".into()],
        ..InputOptions::default()
    };
    let text = "Name,Email,Work Address\nJane,jane@example.com,jane@work.example\n";
    assert_eq!(parse(text.as_bytes(), &options).unwrap().rows.len(), 1);
    // Cells that only mention or resemble one do not: notes, ids, dates, amounts, a half
    // address, a number without its +.
    let text = "Email,Notes,Id,Date,Amount,Ref\n\
                jane@example.com,call at noon re: jane@,7,2026-11-25,+5,4255552671\n\
                joe@example.com,\"wrote from home, @joe\",+12,1/2/26,-3.5,x@\n";
    assert_eq!(read(text).unwrap().rows.len(), 2);
}

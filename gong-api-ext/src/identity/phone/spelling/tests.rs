use super::*;

#[test]
fn every_supported_digit_set_maps_to_ascii() {
    for zero in DIGIT_ZEROS {
        for value in 0..10 {
            let c = char::from_u32(zero + value).unwrap();
            assert_eq!(digit(c), char::from_digit(value, 10), "{c:?}");
            assert!(c.is_numeric(), "{c:?} is a digit in Unicode");
        }
        assert_eq!(digit(char::from_u32(zero + 10).unwrap()), None);
    }
    assert_eq!(digit('²'), None, "superscripts are not decimal digits");
}

#[test]
fn breaks_are_counted_in_digits() {
    let written = read("+44 (20)\u{a0}7946-0018").unwrap();
    assert_eq!(written.digits, "442079460018");
    assert_eq!(written.breaks, [2, 4, 8]);
    assert!(!written.zeros_in_parentheses);
    assert!(read("+44 (0) 20").unwrap().zeros_in_parentheses);
}

#[test]
fn spreadsheet_artefacts_are_named() {
    for (input, name) in [
        ("'+12015550123", "apostrophe"),
        ("'+1 201 555 0123'", "single quotes"),
        ("=\"+12015550123\"", "formula"),
        ("=+12015550123", "formula"),
        ("\"+1 201 555 0123\"", "quotes"),
        ("+1 201 555 0123,", "comma"),
        ("4.25555E+10", "scientific"),
        ("+4.42079E+11", "scientific"),
        ("+12015550123.0", "decimal"),
        ("+12015550123.00", "decimal"),
    ] {
        let rule = read(input).unwrap_err();
        assert!(rule.contains(name), "{input:?}: {rule}");
    }
    // A dotted spelling is not a decimal.
    assert!(read("+1.201.555.0123").is_ok());
    assert!(read("+299.32.10.00").is_ok());
    assert!(!is_scientific("+1E"));
    assert!(!is_scientific("+1.2E+"));
}

#[test]
fn tel_uris_are_read_without_parameters() {
    assert_eq!(read("tel:+1-201-555-0123").unwrap().digits, "12015550123");
    assert_eq!(read("TEL:+1-201-555-0123").unwrap().digits, "12015550123");
    assert!(
        read("tel:+1-201-555-0123;ext=12")
            .unwrap_err()
            .contains("extension")
    );
    assert!(
        read("tel:+1-201-555-0123;isub=12")
            .unwrap_err()
            .contains("parameters")
    );
    assert!(
        read("tel:2015550123")
            .unwrap_err()
            .contains("must start with +")
    );
}

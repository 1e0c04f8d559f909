use super::*;
use proptest::prelude::*;

#[test]
fn accepts_every_form_gong_documents() {
    // Seed 000: "examples of permitted phone numbers".
    for input in [
        "+1 425 555 2671",
        "+1-425-555-2671",
        "+1 425 5552671",
        "+14255552671",
        "+1 425 555 26 71",
        "+1(425) 555-2671",
        "+1.425.555.2671",
        "  +1 (425) 555-2671\t",
        "+1 (425)-555.2671",
        // Unambiguous Unicode spellings, normalised.
        "+1\u{a0}425\u{3000}555\u{2010}2671",
        "+1 ٤٢٥ ٥٥٥ ٢٦٧١",
        "＋１ ４２５ ５５５ ２６７１",
        "+1\u{200b}425\u{2060}555\u{ad}2671",
        "\u{feff}+1 425 555 2671",
        "tel:+1-425-555-2671",
    ] {
        assert_eq!(
            PhoneNumber::parse(input).map(|p| p.0),
            Ok("+14255552671".to_owned()),
            "{input}"
        );
    }
    assert_eq!(
        PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(),
        "+442079460958"
    );
}

#[test]
fn rejects_instead_of_guessing() {
    for (input, rule) in [
        ("", "empty"),
        ("   ", "empty"),
        ("14255552671", "must start with +"),
        ("(425) 555-2671", "must start with +"),
        ("+1 425 555 2671 ext 33", "extensions"),
        ("+1 425 555 2671 x33", "extensions"),
        ("+1 425 555 2671 X33", "extensions"),
        ("+1 425 555 2671#33", "extensions"),
        ("+1 425 555 2671;ext=33", "extensions"),
        ("+1 800 FLOWERS", "letters"),
        ("+1 425 555 2671 +1", "second +"),
        ("++14255552671", "second +"),
        ("+0 425 555 2671", "cannot start with 0"),
        ("+1 425", "too short"),
        ("+", "no digits"),
        ("+1234567890123456", "too long"),
        ("+1 (425 555 2671", "unbalanced"),
        ("+1 425) 555 2671", "unbalanced"),
        ("+1 ((425)) 555 2671", "unbalanced"),
        ("+44 (0) 20 7946 0958", "trunk"),
        ("+49 (0)30 1234567", "trunk"),
        ("+\u{feff}1 425 555 2671", "contains"),
        ("+1\u{2009}425 555 2671", "contains"),
        ("+1/425/555/2671", "contains '/'"),
        ("+1 425 555 2671,", "comma"),
        ("+1 425 555 2671,33", "extensions"),
        ("'+1 425 555 2671", "apostrophe"),
        ("4.25555E+10", "scientific"),
        ("+14255552671.0", "decimal .0"),
        (
            "0014255552671",
            "instead of the international dialling prefix 00",
        ),
    ] {
        let err = PhoneNumber::parse(input).expect_err(input);
        assert!(err.to_string().contains(rule), "{input:?}: {err}");
        assert_eq!(err.input(), input);
    }
}

#[test]
fn error_names_input_and_rule() {
    let err = PhoneNumber::parse("+1 425 555 2671 ext 3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid phone number \"+1 425 555 2671 ext 3\": extensions are not accepted: \
             erase the number without its extension"
    );
}

#[test]
fn numbering_plan_check_only_with_its_feature() {
    // Syntactically fine, but area code 123 does not exist in the North American plan.
    let result = PhoneNumber::parse("+1 123 456 7890");
    if cfg!(feature = "numbering-plan") {
        let err = result.unwrap_err();
        assert!(err.rule().contains("numbering plan"), "{err}");
        assert!(PhoneNumber::parse("+1 650 253 0000").is_ok());
    } else {
        assert_eq!(result.unwrap().as_str(), "+11234567890");
    }
}

#[test]
fn a_trunk_prefix_is_refused_with_a_suggestion_only_with_the_plan() {
    let result = PhoneNumber::parse("+44 020 7946 0018");
    if cfg!(feature = "numbering-plan") {
        let err = result.unwrap_err();
        assert_eq!(err.suggestion(), Some("+442079460018"));
        assert!(err.rule().contains("+442079460018"), "{err}");
        // Found by fuzzing: the suggestion for a 16-digit German number (valid in the plan,
        // longer than E.164's 15 digits) must itself be accepted.
        let err = PhoneNumber::parse("+490 3 9 30 45252 30 123").unwrap_err();
        let suggestion = err.suggestion().unwrap();
        assert_eq!(PhoneNumber::parse(suggestion).unwrap().as_str(), suggestion);
        // Valid Russian 800 numbers start with the digit of Russia's trunk prefix, 8: the
        // `phonenumber` crate strips it (and refuses the number); libphonenumber does not.
        assert_eq!(
            PhoneNumber::parse("+7 800 555-35-35").unwrap().as_str(),
            "+78005553535"
        );
    } else {
        // Without a plan, the 0 cannot be told from the number's own first digit.
        assert_eq!(result.unwrap().as_str(), "+4402079460018");
    }
    assert_eq!(
        PhoneNumber::parse("+1 425 555 2671 ext 3")
            .unwrap_err()
            .suggestion(),
        None
    );
}

proptest! {
    #[test]
    fn never_panics_and_accepted_numbers_round_trip(input in "\\PC{0,40}") {
        if let Ok(number) = PhoneNumber::parse(&input) {
            let again = PhoneNumber::parse(number.as_str()).expect("canonical form parses");
            prop_assert_eq!(&again, &number);
            prop_assert!(number.as_str().starts_with('+'));
            prop_assert!(number.as_str()[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }

    // Random digits are seldom assigned numbers, so this runs on the syntactic rules alone.
    #[cfg(not(feature = "numbering-plan"))]
    #[test]
    fn formatted_numbers_parse_to_their_digits(
        digits in "[1-9][0-9]{6,14}",
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just(".")], 15),
    ) {
        let mut formatted = String::from("+");
        for (i, d) in digits.chars().enumerate() {
            formatted.push(d);
            formatted.push_str(seps[i]);
        }
        // Digits, a dot and one or two zeros at the end read as a spreadsheet's decimal
        // (`+12015550123.0`), which is refused, not guessed at.
        let decimal = formatted
            .trim_end()
            .rsplit_once('.')
            .is_some_and(|(whole, zeros)| {
                whole[1..].bytes().all(|b| b.is_ascii_digit())
                    && (1..=2).contains(&zeros.len())
                    && zeros.bytes().all(|b| b == b'0')
            });
        let parsed = PhoneNumber::parse(&formatted);
        if decimal {
            prop_assert!(parsed.is_err(), "{formatted:?} read as {parsed:?}");
        } else {
            let number = parsed.unwrap();
            prop_assert_eq!(number.as_str(), format!("+{digits}"));
        }
    }
}

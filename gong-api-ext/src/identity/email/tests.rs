use super::*;
use proptest::prelude::*;

#[test]
fn accepts_plain_addresses() {
    for (input, canonical) in [
        ("jane@example.com", "jane@example.com"),
        ("  jane@example.com\n", "jane@example.com"),
        (
            "Jane.Doe+gdpr@Sub.Example.CO.UK",
            "Jane.Doe+gdpr@sub.example.co.uk",
        ),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("jürgen@müller.de", "jürgen@müller.de"),
        // NFC for the whole address; the local part's case kept.
        ("Ju\u{308}rgen@Mu\u{308}nchen.DE", "Jürgen@münchen.de"),
        // Ideographic and fullwidth full stops, fullwidth letters, the Kelvin sign.
        ("jane.doe@acme\u{3002}io", "jane.doe@acme.io"),
        ("jane@acme\u{ff0e}io", "jane@acme.io"),
        ("user@ｅｘａｍｐｌｅ.com", "user@example.com"),
        ("user@\u{212a}elvin.com", "user@kelvin.com"),
        // Scripts whose words keep combining marks after NFC.
        ("ติดต่อ@ตัวอย่าง.ไทย", "ติดต่อ@ตัวอย่าง.ไทย"),
        ("सम्पर्क@उदाहरण.भारत", "सम्पर्क@उदाहरण.भारत"),
        // Each domain is sent in the form it was given in.
        ("jane@XN--MNCHEN-3YA.de", "jane@xn--mnchen-3ya.de"),
    ] {
        assert_eq!(EmailAddress::parse(input).unwrap().as_str(), canonical);
    }
}

#[test]
fn rejects_ambiguous_or_malformed_input() {
    let long_local = format!("{}@example.com", "a".repeat(65));
    let long = format!(
        "{}@{}.com",
        "a".repeat(64),
        vec!["b".repeat(60); 4].join(".")
    );
    for (input, rule) in [
        ("", "empty"),
        ("jane.example.com", "no @"),
        ("jane@doe@example.com", "more than one @"),
        ("@example.com", "before the @ is empty"),
        ("jane@localhost", "no dot"),
        ("jane@example..com", "empty label"),
        ("jane@.example.com", "empty label"),
        ("jane@example.com.", "empty label"),
        ("jane doe@example.com", "whitespace"),
        ("jane@exa\u{7}mple.com", "whitespace or a control"),
        ("Jane Doe <jane@example.com>", "whitespace"),
        ("<jane@example.com>", "'<'"),
        ("jane@example.com,joe@example.com", "more than one @"),
        ("jane,joe@example.com", "','"),
        ("\"jane\"@example.com", "'\"'"),
        (".jane@example.com", "misplaced dot"),
        ("\u{feff}jane@example.com", "U+FEFF"),
        ("joe\u{200b}@example.com", "U+200B"),
        ("jo\u{ad}e@example.com", "U+00AD"),
        ("jane@exam\u{2060}ple.com", "U+2060"),
        (long_local.as_str(), "at most 64"),
        (long.as_str(), "at most 254"),
        // Domains that cannot exist.
        ("jane@ac!me.io", "'!'"),
        ("jane@acme.io/path", "'/'"),
        ("jane@acme.io?subject=x", "'?'"),
        ("jane@acme.io:25", "':'"),
        ("jane@my_acme.io", "'_'"),
        ("jane@-acme.io", "hyphen"),
        ("jane@acme-.io", "hyphen"),
        ("jane@ab--acme.io", "IDNA"),
        ("jane@xn--zz.io", "IDNA"),
        ("jane@acme.123", "top-level domain .123"),
        ("jane@\u{2615}acme.io", "U+2615"),
        ("jane@acme.test", ".test"),
        ("jane@printer.local", ".local"),
        ("jane@localhost.localhost", ".localhost"),
        ("jane@acme\u{3002}", "empty label"),
        // Found by fuzzing: a Punycode label whose Unicode form has a `«`.
        ("user%@xn--mnchexn--mnchen-0yn-5ya.d", "U+00AB"),
    ] {
        let err = EmailAddress::parse(input).expect_err(input);
        assert!(err.to_string().contains(rule), "{input:?}: {err}");
    }
}

#[test]
fn the_other_domain_form_is_offered_for_idns_only() {
    let unicode = EmailAddress::parse("jane@münchen.de").unwrap();
    assert_eq!(
        unicode.other_domain_form().as_deref(),
        Some("jane@xn--mnchen-3ya.de")
    );
    let punycode = EmailAddress::parse("jane@xn--mnchen-3ya.de").unwrap();
    assert_eq!(
        punycode.other_domain_form().as_deref(),
        Some("jane@münchen.de")
    );
    let ascii = EmailAddress::parse("jane@example.com").unwrap();
    assert_eq!(ascii.other_domain_form(), None);
    // Found by fuzzing: a long Punycode domain whose Unicode form takes more bytes than the
    // 254 allowed is one address in both forms.
    let long = EmailAddress::parse(
            "jaoe@acYYm.xn--m93OtcntttttYm.xn--m93OtcnttttttttttttttttttttttttttttttttttttttttttttthYYYY",
        )
        .unwrap();
    let unicode = long.other_domain_form().unwrap();
    assert!(unicode.len() > MAX_LEN);
    assert_eq!(
        EmailAddress::parse(&unicode)
            .unwrap()
            .other_domain_form()
            .as_deref(),
        Some(long.as_str())
    );
    // Found by fuzzing: the Unicode form of a Punycode label with letters newer than the
    // standard library's Unicode tables must parse too.
    let recent = EmailAddress::parse("usr@xn--yd0sta.de").unwrap();
    let other = recent.other_domain_form().unwrap();
    assert_eq!(
        EmailAddress::parse(&other)
            .unwrap()
            .other_domain_form()
            .as_deref(),
        Some("usr@xn--yd0sta.de")
    );
}

proptest! {
    #[test]
    fn never_panics_and_accepted_addresses_round_trip(input in "\\PC{0,60}") {
        if let Ok(address) = EmailAddress::parse(&input) {
            prop_assert_eq!(EmailAddress::parse(address.as_str()).unwrap(), address.clone());
            prop_assert_eq!(address.as_str().matches('@').count(), 1);
        }
    }
}

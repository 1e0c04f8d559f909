//! Unit tests of `EmailAddress`: the rules, the mapping policy, both forms, properties.

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

#[test]
fn a_domain_valid_only_after_mapping_is_sent_mapped_and_its_spelling_kept() {
    for (input, sent) in [
        ("user@ⓐcme.io", "user@acme.io"),
        ("user@ǅungla.hr", "user@džungla.hr"),
        ("user@ℌacme.com", "user@hacme.com"),
        ("user@ﬁle.com", "user@file.com"),
        ("user@ac－me.io", "user@ac-me.io"),
        ("user@①acme.io", "user@1acme.io"),
        ("jane@acme\u{3002}io", "jane@acme.io"),
        (" user@ＡＣＭＥ.io ", "user@acme.io"),
    ] {
        let address = EmailAddress::parse(input).unwrap();
        assert_eq!(address.as_str(), sent, "{input:?}");
        assert_eq!(address.written_as(), Some(input.trim()), "{input:?}");
        // The identity is what is sent: the same as the address written plainly.
        assert_eq!(address, EmailAddress::parse(sent).unwrap());
        assert_eq!(EmailAddress::parse(sent).unwrap().written_as(), None);
    }
    // Case, NFC and Punycode are not a different spelling.
    for input in [
        "Jane@Example.COM",
        "jane@MÜNCHEN.de",
        "jane@mu\u{308}nchen.de",
        "jane@XN--MNCHEN-3YA.de",
        "jane@\u{212a}elvin.com",
        // Found by fuzzing: UTS 46 maps Cherokee small letters to the capitals.
        "s@x-\u{abaa}\u{aba3}.de",
        "s@x-\u{13da}\u{13d3}.de",
    ] {
        assert_eq!(
            EmailAddress::parse(input).unwrap().written_as(),
            None,
            "{input:?}"
        );
    }
}

#[test]
fn mappings_that_change_the_meaning_are_refused_with_the_reason() {
    for (input, rule) in [
        ("user@acme™.com", "U+2122 (™), a superscript"),
        ("user@ca².com", "superscript"),
        ("user@ªcme.com", "ordinal"),
        ("user@h₂o.com", "subscript"),
        ("user@½acme.com", "fraction"),
        ("user@㎞.com", "square"),
        ("user@℡acme.com", "as letters"),
        ("user@ⅻ.com", "as letters"),
        ("user@ac\u{fe0f}me.com", "delete"),
        ("user@\u{345}cme.io", "starts with a combining mark"),
        // IDNA2008 disallows conjoining Hangul jamo, which UTS 46 makes of compatibility
        // jamo, and the tatweel.
        ("user@acㄱme.io", "not a letter"),
        ("user@\u{628}\u{640}\u{628}.com", "U+0640"),
        ("user@ac\u{b7}me.io", "not a letter"),
    ] {
        let err = EmailAddress::parse(input).expect_err(input);
        assert!(err.rule().contains(rule), "{input:?}: {err}");
    }
    // The tsheg is valid by IDNA2008's exception, and its no-break form maps to it.
    assert_eq!(
        EmailAddress::parse("user@ac\u{f0c}me.io").unwrap().as_str(),
        "user@ac\u{f0b}me.io"
    );
}

#[test]
fn both_forms_of_an_internationalised_domain() {
    let unicode = EmailAddress::parse("Jürgen@Bücher.de").unwrap();
    let ascii = unicode.ascii_form().unwrap();
    assert_eq!(ascii.as_str(), "Jürgen@xn--bcher-kva.de");
    assert_eq!(unicode.unicode_form().as_ref(), Some(&unicode));
    assert_eq!(ascii.unicode_form().as_ref(), Some(&unicode));
    assert_eq!(ascii.ascii_form().as_ref(), Some(&ascii));
    assert!(unicode.is_internationalised() && ascii.is_internationalised());
    // Each form is an address the parser accepts as itself.
    for form in [&unicode, &ascii] {
        assert_eq!(&EmailAddress::parse(form.as_str()).unwrap(), form);
    }
    // A domain mapped to plain ASCII has one form only.
    let mapped = EmailAddress::parse("user@ⓐcme.io").unwrap();
    assert!(!mapped.is_internationalised());
    assert_eq!((mapped.ascii_form(), mapped.unicode_form()), (None, None));
    // Mapped to a Unicode domain: both forms, neither keeping the spelling given.
    let mapped = EmailAddress::parse("user@ǅungla.hr").unwrap();
    let ascii = mapped.ascii_form().unwrap();
    assert_eq!(ascii.as_str(), "user@xn--dungla-3pb.hr");
    assert_eq!(ascii.written_as(), None);
}

proptest! {
    /// Mapping is idempotent: what is sent parses to itself, spelled as written.
    #[test]
    fn mapping_is_idempotent(
        local in "[a-z]{1,8}",
        label in proptest::collection::vec(
            prop_oneof![
                "[a-z0-9]",
                Just("ⓐ".to_owned()), Just("ǅ".to_owned()), Just("ｅ".to_owned()),
                Just("ü".to_owned()), Just("u\u{308}".to_owned()), Just("Ä".to_owned()),
                Just("ℌ".to_owned()), Just("ﬁ".to_owned()), Just("①".to_owned()),
                Just("™".to_owned()), Just("²".to_owned()), Just("ㄱ".to_owned()),
                Just("\u{3002}".to_owned()), Just("－".to_owned()),
            ],
            1..8,
        ),
        tld in prop_oneof![Just("io"), Just("de"), Just("ＣＯＭ")],
    ) {
        let input = format!("{local}@{}.{tld}", label.concat());
        if let Ok(address) = EmailAddress::parse(&input) {
            let again = EmailAddress::parse(address.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), address.as_str());
            prop_assert_eq!(again.written_as(), None);
            for form in [address.ascii_form(), address.unicode_form()].into_iter().flatten() {
                let parsed = EmailAddress::parse(form.as_str()).unwrap();
                prop_assert_eq!(parsed.as_str(), form.as_str());
            }
        }
    }

    #[test]
    fn never_panics_and_accepted_addresses_round_trip(input in "\\PC{0,60}") {
        if let Ok(address) = EmailAddress::parse(&input) {
            prop_assert_eq!(EmailAddress::parse(address.as_str()).unwrap(), address.clone());
            prop_assert_eq!(address.as_str().matches('@').count(), 1);
        }
    }
}

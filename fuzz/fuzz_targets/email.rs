//! `EmailAddress::parse` on arbitrary text: no panic; an accepted address has one `@`, fits
//! RFC 5321 (in its ASCII form), parses to itself as written (mapping is idempotent), and its
//! other domain form (Unicode/Punycode) round-trips.
#![no_main]

use gong_api_ext::EmailAddress;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(address) = EmailAddress::parse(input) else {
        return;
    };
    let text = address.as_str();
    assert_eq!(text.matches('@').count(), 1, "{input:?} -> {text}");
    // RFC 5321's 254 octets hold with the domain in ASCII form; its Unicode form may be longer.
    let domain_is_ascii = text.rsplit_once('@').is_some_and(|(_, d)| d.is_ascii());
    let ascii_form = if domain_is_ascii {
        text.to_owned()
    } else {
        address
            .other_domain_form()
            .expect("a Unicode domain has an ASCII form")
    };
    assert!(ascii_form.len() <= 254, "{input:?} -> {text}");
    let again = EmailAddress::parse(text).expect("the canonical form parses");
    assert_eq!(again, address, "{input:?}");
    // Mapping is idempotent: the form sent parses to itself, as written.
    assert_eq!(again.as_str(), text, "{input:?}");
    assert_eq!(again.written_as(), None, "{input:?}: {text} is not written as sent");
    if let Some(written) = address.written_as() {
        assert_eq!(written, input.trim(), "{input:?}");
    }
    // Both forms of an internationalised domain are addresses that parse to themselves.
    assert_eq!(address.ascii_form().is_some(), address.unicode_form().is_some());
    for form in [address.ascii_form(), address.unicode_form()]
        .into_iter()
        .flatten()
    {
        let parsed = EmailAddress::parse(form.as_str())
            .unwrap_or_else(|e| panic!("{input:?}: form {form} refused: {e}"));
        assert_eq!(parsed.as_str(), form.as_str(), "{input:?}");
    }
    if let Some(other) = address.other_domain_form() {
        let other = EmailAddress::parse(&other)
            .unwrap_or_else(|e| panic!("{input:?}: other form {other} refused: {e}"));
        assert_eq!(
            other.other_domain_form().as_deref(),
            Some(text),
            "{input:?}"
        );
    }
});

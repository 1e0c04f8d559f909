use super::*;
use proptest::prelude::*;

fn email_request() -> Sensitive {
    Sensitive::of_url(
            &Url::parse("https://api.gong.io/v2/data-privacy/erase-data-for-email-address?emailAddress=Jane.Doe%40example.com")
                .unwrap(),
        )
}

fn phone_request() -> Sensitive {
    Sensitive::of_url(
            &Url::parse("https://api.gong.io/v2/data-privacy/erase-data-for-phone-number?phoneNumber=%2B14255552671")
                .unwrap(),
        )
}

#[test]
fn excerpt_table() {
    let email = email_request();
    let phone = phone_request();
    let none = Sensitive::default();
    let cases: [(&str, &Sensitive, &str); 14] = [
        ("", &none, ""),
        ("Service Unavailable", &none, "Service Unavailable"),
        (
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>h1{color:red}</style>\
                 <script>var x = '<b>';</script></head><body><h1>Bad  Gateway</h1><!-- jane --></body></html>",
            &none,
            "502 Bad Gateway Bad Gateway",
        ),
        // The proxy echoes the request line: the subject and any address go.
        (
            "<html><body>Blocked: POST /erase?emailAddress=jane.doe%40example.com&amp;x=bob@acme.io</body></html>",
            &email,
            "Blocked: POST /erase?emailAddress=[subject]&amp;[email]",
        ),
        (
            "no such user JANE.DOE in this tenant",
            &email,
            "no such user [subject] in this tenant",
        ),
        (
            "user Jane.Doe@Example.com unknown",
            &email,
            "user [subject] unknown",
        ),
        (
            "user jane.doe&#64;example.com unknown",
            &email,
            "user [subject]&#64;example.com unknown",
        ),
        (
            "contact bob@acme.io for help",
            &none,
            "contact [email] for help",
        ),
        (
            "contact bob%40acme.io for help",
            &none,
            "contact [email] for help",
        ),
        (
            "number +1 (425) 555-2671 refused",
            &none,
            "number [number] refused",
        ),
        (
            "number %2B14255552671 refused",
            &phone,
            "number [subject] refused",
        ),
        ("digits 14255552671.", &phone, "digits [subject]."),
        (
            "error 502 at 10:30, retry 3",
            &none,
            "error 502 at 10:30, retry 3",
        ),
        ("ticket 2026-11-24 ok", &none, "ticket [number] ok"),
    ];
    for (body, sensitive, expected) in cases {
        assert_eq!(excerpt(body.as_bytes(), sensitive), expected, "{body}");
    }
}

#[test]
fn excerpts_are_short_and_survive_bad_utf8() {
    let long = "x".repeat(10_000);
    let text = excerpt(long.as_bytes(), &Sensitive::default());
    assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
    assert!(text.ends_with('…'));
    assert_eq!(
        excerpt(b"ok \xff\xfe done", &Sensitive::default()),
        "ok \u{fffd}\u{fffd} done"
    );
    // A cut never leaves half a mask.
    let sensitive = email_request();
    let body = format!("{}jane.doe@example.com", "y".repeat(EXCERPT_CHARS - 4));
    assert_eq!(
        excerpt(body.as_bytes(), &sensitive),
        format!("{}…", "y".repeat(EXCERPT_CHARS - 4))
    );
    // An unclosed tag ends the text.
    assert_eq!(
        excerpt(b"<p>Gateway <a href=\"", &Sensitive::default()),
        "Gateway"
    );
}

#[test]
fn urls_lose_query_credentials_and_subjects() {
    let email = email_request();
    let url = Url::parse("http://user:pw@other.example:8080/jane.doe@example.com/x?emailAddress=jane.doe%40example.com#f").unwrap();
    assert_eq!(
        url_text(&url, &email),
        "http://other.example:8080/[subject]/x"
    );
    let url =
        Url::parse("https://us-55616.api.gong.io/v2/data-privacy/erase-data-for-email-address")
            .unwrap();
    assert_eq!(
        url_text(&url, &email),
        "https://us-55616.api.gong.io/v2/data-privacy/erase-data-for-email-address"
    );
}

#[test]
fn sensitive_values_do_not_show_in_debug() {
    assert_eq!(format!("{:?}", email_request()), "Sensitive([redacted])");
    let forms: Vec<String> = email_request()
        .forms(true)
        .into_iter()
        .map(|(form, _)| form)
        .collect();
    assert_eq!(
        forms,
        ["jane.doe%40example.com", "jane.doe@example.com", "jane.doe"]
    );
}

/// The ways a page may spell an address it echoes.
fn spell(local: &str, domain: &str, how: u8) -> String {
    match how % 6 {
        0 => format!("{local}@{domain}"),
        1 => format!("{local}@{domain}").to_ascii_uppercase(),
        2 => format!("{local}%40{domain}"),
        3 => format!("{local}&#64;{domain}"),
        4 => format!("<b>{local}</b>@{domain}"),
        _ => format!("emailAddress={local}%40{domain}&x=1"),
    }
}

proptest! {
    /// Whatever surrounds it and however it is spelled, the subject's local part never
    /// reaches an excerpt.
    #[test]
    fn the_subject_never_shows(
        local in "[a-z][a-z0-9._+-]{1,20}",
        domain in "[a-z]{2,10}\\.(com|io|de)",
        how in 0u8..6,
        before in "[ -~]{0,60}",
        after in "[ -~]{0,60}",
        html in any::<bool>(),
    ) {
        let url = Url::parse_with_params(
            "https://api.gong.io/v2/data-privacy/erase-data-for-email-address",
            [("emailAddress", format!("{local}@{domain}"))],
        ).unwrap();
        let sensitive = Sensitive::of_url(&url);
        let echoed = spell(&local, &domain, how);
        let body = if html {
            format!("<html><body><p>{before}</p>{echoed}<p>{after}</p></body></html>")
        } else {
            format!("{before} {echoed} {after}")
        };
        let text = excerpt(body.as_bytes(), &sensitive).to_ascii_lowercase();
        // The masks' own letters could spell a short local part.
        let unmasked = [SUBJECT_MASK, EMAIL_MASK, NUMBER_MASK]
            .iter()
            .fold(text.clone(), |t, mask| t.replace(mask, " "));
        prop_assert!(!unmasked.contains(&local), "{} -> {}", body, text);
        prop_assert!(text.chars().count() <= EXCERPT_CHARS + 1);
    }

    /// A phone number, in any grouping, never reaches an excerpt.
    #[test]
    fn phone_numbers_never_show(
        digits in "[1-9][0-9]{6,14}",
        groups in proptest::collection::vec(1usize..5, 1..6),
        separator in "[ .()/-]",
        before in "[a-zA-Z ]{0,40}",
    ) {
        let mut spelled = String::from("+");
        let mut rest = digits.as_str();
        for size in groups {
            if rest.is_empty() { break; }
            let (group, tail) = rest.split_at(size.min(rest.len()));
            spelled.push_str(group);
            spelled.push_str(&separator);
            rest = tail;
        }
        spelled.push_str(rest);
        let text = excerpt(format!("{before} {spelled} end").as_bytes(), &Sensitive::default());
        let kept: String = text.chars().filter(char::is_ascii_digit).collect();
        prop_assert!(kept.len() < MASKED_DIGITS, "{} -> {}", spelled, text);
    }
}

//! The lifecycle API erases an address in every form Gong may hold it in: an internationalised
//! domain's Unicode and Punycode forms, against a mock that holds each separately.

mod common;

use common::{client, error_body, json};
use gong_api_ext::Subject;
use gong_api_ext::lifecycle::{Erasure, Guard, GuardOutcome, VerifyResult};
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UNICODE: &str = "jürgen@münchen.de";
const PUNYCODE: &str = "jürgen@xn--mnchen-3ya.de";

/// Each form's lookup answers `found` emails, its erasure the receipt (or response) given.
async fn mount(server: &MockServer, form: &str, found: usize, erase: ResponseTemplate) {
    let emails: Vec<String> = (0..found).map(|i| format!(r#"{{"id":"{i}"}}"#)).collect();
    Mock::given(method("GET"))
        .and(query_param("emailAddress", form))
        .respond_with(json(&format!(
            r#"{{"requestId":"look-{form}","emails":[{}]}}"#,
            emails.join(",")
        )))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(query_param("emailAddress", form))
        .respond_with(erase)
        .mount(server)
        .await;
}

async fn erased(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .flat_map(|r| {
            r.url
                .query_pairs()
                .map(|(_, v)| v.into_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn both_forms_are_looked_up_checked_erased_and_verified() {
    let server = MockServer::start().await;
    mount(&server, UNICODE, 1, json(r#"{"requestId":"r-unicode"}"#)).await;
    mount(&server, PUNYCODE, 2, json(r#"{"requestId":"r-punycode"}"#)).await;
    let client = client(&server);

    let mut erasure = Erasure::new(Subject::parse(UNICODE).unwrap());
    assert_eq!(erasure.forms.len(), 1);
    assert_eq!(erasure.forms[0].subject.as_str(), PUNYCODE);
    assert_eq!(
        Erasure::calls_of(&erasure.subject, true),
        4,
        "a lookup and an erasure per form"
    );
    let sent = erasure
        .run(&client, &Guard::default(), true)
        .await
        .unwrap()
        .cloned();
    assert_eq!(sent.unwrap().request_id, "r-unicode");
    assert_eq!(
        erasure.forms[0].request.as_ref().unwrap().request_id,
        "r-punycode"
    );
    assert_eq!(erasure.before.as_ref().unwrap().counts.emails, 1);
    assert_eq!(erasure.forms[0].before.as_ref().unwrap().counts.emails, 2);
    assert_eq!(erasure.before_all().unwrap().counts.emails, 3);
    assert_eq!(erased(&server).await, [UNICODE, PUNYCODE]);

    // Stored and resumed, it still knows both forms; verifying looks both up, and the data
    // left under either is not clean.
    let stored = serde_json::to_string(&erasure).unwrap();
    let mut erasure: Erasure = serde_json::from_str(&stored).unwrap();
    let verification = erasure.verify(&client).await.unwrap();
    assert_eq!(verification.result, VerifyResult::StillPresent);
    assert_eq!(verification.found.as_ref().unwrap().counts.emails, 3);
}

#[tokio::test]
async fn the_guard_counts_every_form_and_a_resumed_erasure_sends_only_what_is_left() {
    let server = MockServer::start().await;
    mount(
        &server,
        PUNYCODE,
        150,
        json(r#"{"requestId":"r-punycode"}"#),
    )
    .await;
    // The Unicode form's erasure fails once, then succeeds.
    Mock::given(method("POST"))
        .and(query_param("emailAddress", UNICODE))
        .respond_with(error_body(400, "refused"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(&server, UNICODE, 100, json(r#"{"requestId":"r-unicode"}"#)).await;
    let client = client(&server);

    // 250 objects in all, over the default 200: held back, though each form alone is under.
    let mut erasure = Erasure::new(Subject::parse(PUNYCODE).unwrap());
    assert!(
        erasure
            .run(&client, &Guard::default(), true)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(erasure.guard, Some(GuardOutcome::HeldBack { .. })));
    assert!(erased(&server).await.is_empty());

    // Allowed: the Punycode form is erased, the Unicode form refused; erased again, only the
    // form left is sent.
    let allow = Guard {
        allow: true,
        ..Guard::default()
    };
    erasure.check(&allow);
    assert!(erasure.erase(&client).await.is_err());
    assert_eq!(erasure.request.as_ref().unwrap().request_id, "r-punycode");
    assert!(erasure.forms[0].request.is_none());
    erasure.erase(&client).await.unwrap();
    assert_eq!(
        erasure.forms[0].request.as_ref().unwrap().request_id,
        "r-unicode"
    );
    assert_eq!(erased(&server).await, [PUNYCODE, UNICODE, UNICODE]);
}

#[tokio::test]
async fn plain_addresses_and_phone_numbers_have_one_form() {
    for subject in ["jane@example.com", "Jane@Example.com", "+14255552671"] {
        let subject = Subject::parse(subject).unwrap();
        assert!(Erasure::new(subject.clone()).forms.is_empty(), "{subject}");
        assert_eq!(Erasure::calls_of(&subject, true), 2);
    }
}

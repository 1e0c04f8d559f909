use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::client::GongClient;
use crate::lifecycle::Guard;

/// The operation a request was, by Gong's paths (written out here, not from the table).
fn sent(request: &wiremock::Request) -> Operation {
    match (request.method.as_str(), request.url.path()) {
        ("GET", "/v2/data-privacy/data-for-email-address") => Operation::FindReferencesByEmail,
        ("GET", "/v2/data-privacy/data-for-phone-number") => Operation::FindReferencesByPhone,
        ("POST", "/v2/data-privacy/erase-data-for-email-address") => Operation::EraseEmailAddress,
        ("POST", "/v2/data-privacy/erase-data-for-phone-number") => Operation::ErasePhoneNumber,
        other => panic!("unexpected request {other:?}"),
    }
}

/// What `run` and `verify` really send is what they plan, for both kinds, with and without
/// the preview.
#[tokio::test]
async fn the_plan_is_what_the_steps_send() {
    for text in ["jane@example.com", "+14255552671"] {
        let subject = Subject::parse(text).unwrap();
        for preview in [true, false] {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(serde_json::json!({"requestId": "r1"})),
                )
                .mount(&server)
                .await;
            let client = GongClient::builder()
                .base_url(server.uri())
                .basic_auth("key", "secret")
                .no_rate_limit()
                .build()
                .unwrap();
            let mut erasure = Erasure::new(subject.clone());
            erasure
                .run(&client, &Guard::default(), preview)
                .await
                .unwrap();
            let ran: Vec<Operation> = server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .map(sent)
                .collect();
            let planned = Erasure::planned_operations(&subject, preview);
            assert_eq!(ran, planned, "{text}, preview {preview}");
            assert_eq!(planned.len() as u32, Erasure::calls(preview));

            erasure.verify(&client).await.unwrap();
            let all = server.received_requests().await.unwrap();
            let verified: Vec<Operation> = all[ran.len()..].iter().map(sent).collect();
            assert_eq!(verified, Erasure::verify_operations(&subject), "{text}");
        }
    }
}

//! The executor carried in `Inner` sees every request; the undocumented `api-version` header
//! never reaches the wire.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use gong_api::{BoxFuture, Client, Executor, Inner};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Default)]
struct Recording {
    calls: AtomicUsize,
    seen: Mutex<Vec<(String, &'static str)>>,
}

impl Executor for Recording {
    fn execute<'a>(
        &'a self,
        client: &'a gong_api::reqwest::Client,
        request: gong_api::reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, gong_api::reqwest::Result<gong_api::reqwest::Response>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.seen
            .lock()
            .unwrap()
            .push((request.url().to_string(), operation_id));
        Box::pin(client.execute(request))
    }
}

#[tokio::test]
async fn every_request_goes_through_the_executor() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/data-privacy/erase-data-for-phone-number"))
        .and(query_param("phoneNumber", "+14255552671"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"requestId": "r1"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let executor = Arc::new(Recording::default());
    let client = Client::new(
        &format!("{}/v2", server.uri()),
        Inner::with_executor(executor.clone()),
    );
    let receipt = client.purge_phone_number("+14255552671").await.unwrap();
    assert_eq!(receipt.request_id.as_deref(), Some("r1"));

    let seen = executor.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1, "purge_phone_number");
    // `+` is percent-encoded on the wire; a literal `+` would decode as a space.
    assert!(
        seen[0].0.ends_with("?phoneNumber=%2B14255552671"),
        "{}",
        seen[0].0
    );

    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("api-version").is_none());
}

#[tokio::test]
async fn without_an_executor_the_request_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/integrations"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Inner::default());
    let err = client.list_generic_crm_integration().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn integration_ids_stay_i64_end_to_end() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/crm/integrations"))
        .and(query_param("integrationId", "5517027188234205706"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            r#"{"requestId":"r","clientRequestId":"abc"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/integrations"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"requestId":"r","integrations":[{"integrationId":5517027188234205706,"name":"n"}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Inner::default());
    let id: gong_api::types::ClientRequestId = "abc".parse().unwrap();
    client
        .delete_generic_crm_integration(&id, 5517027188234205706)
        .await
        .unwrap();
    let list = client.list_generic_crm_integration().await.unwrap();
    assert_eq!(
        list.integrations[0].integration_id,
        Some(5517027188234205706_i64)
    );
}

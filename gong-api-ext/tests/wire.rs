//! What goes on the wire for every method: method, path, query, auth, no body.

mod common;

use common::{client, json};
use gong_api_ext::{Error, GongClient, PhoneNumber, reqwest};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const BASIC: &str = "Basic QUNDRVNTX0tFWTpzM2NyM3QtdmFsdWU="; // ACCESS_KEY:s3cr3t-value

fn only_request(requests: &[Request]) -> &Request {
    assert_eq!(requests.len(), 1, "expected exactly one request");
    &requests[0]
}

fn assert_common_headers(request: &Request, authorization: &str) {
    assert_eq!(request.headers["authorization"], authorization);
    assert_eq!(
        request.headers["user-agent"],
        format!("gong-api-ext/{}", env!("CARGO_PKG_VERSION")).as_str()
    );
    assert!(request.headers.get("api-version").is_none());
    assert!(request.body.is_empty(), "no request body");
}

#[tokio::test]
async fn lookups_send_the_subject_as_a_query_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-email-address"))
        .respond_with(json(r#"{"requestId":"r-email","emails":[{"id":"e1"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-phone-number"))
        .respond_with(json(
            r#"{"requestId":"r-phone","suppliedPhoneNumber":"+14255552671"}"#,
        ))
        .mount(&server)
        .await;
    let client = client(&server);

    let refs = client
        .find_references_by_email(" Jane@Example.com ")
        .await
        .unwrap();
    assert_eq!(refs.request_id.as_deref(), Some("r-email"));
    assert_eq!(refs.emails.len(), 1);
    let phone = client
        .find_references_by_phone("+1 (425) 555-2671")
        .await
        .unwrap();
    assert_eq!(phone.request_id.as_deref(), Some("r-phone"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(
        requests[0].url.query(),
        Some("emailAddress=Jane%40example.com")
    );
    assert_eq!(requests[1].url.query(), Some("phoneNumber=%2B14255552671"));
    for r in &requests {
        assert_common_headers(r, BASIC);
    }
}

#[tokio::test]
async fn erasures_post_with_the_subject_in_the_query_and_return_the_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/data-privacy/erase-data-for-email-address"))
        .and(query_param("emailAddress", "jane@example.com"))
        .respond_with(json(r#"{"requestId":"4al018gzaztcr8nbukw"}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/data-privacy/erase-data-for-phone-number"))
        .and(query_param("phoneNumber", "+14255552671"))
        // No requestId in the body: the x-traceid header carries the same value.
        .respond_with(json("{}").insert_header("x-traceid", "trace-77"))
        .mount(&server)
        .await;
    let client = client(&server);

    let receipt = client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    assert_eq!(receipt.request_id, "4al018gzaztcr8nbukw");
    assert_eq!(receipt.subject.as_str(), "jane@example.com");
    let number = PhoneNumber::parse("+1 425 555 2671").unwrap();
    let receipt = client.erase_phone_number(&number).await.unwrap();
    assert_eq!(receipt.request_id, "trace-77");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.query(), Some("phoneNumber=%2B14255552671"));
    for r in &requests {
        assert_eq!(r.method.as_str(), "POST");
        assert_common_headers(r, BASIC);
    }
}

#[tokio::test]
async fn crm_calls_use_int64_ids_and_one_client_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/integrations"))
        .respond_with(json(
            r#"{"requestId":"r1","integrations":[{"integrationId":5517027188234205706,"ownerEmail":"o@example.com","name":"CRM"}]}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/crm/integrations"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            r#"{"requestId":"r2","clientRequestId":"sdk-test-1"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/request-status"))
        .respond_with(json(
            r#"{"requestId":"r3","status":"IN_PROGRESS","errors":[],"totalErrorCount":0,"totalSuccessCount":12}"#,
        ))
        .mount(&server)
        .await;
    let client = client(&server);

    let list = client.list_crm_integrations().await.unwrap();
    let id = list.integrations[0].integration_id.unwrap();
    assert_eq!(id, 5517027188234205706);
    let deletion = client.delete_crm_integration(id).await.unwrap();
    assert_eq!(deletion.client_request_id, "sdk-test-1");
    assert_eq!(deletion.request_id.as_deref(), Some("r2"));
    assert!(!deletion.confirmed_by_conflict);
    let status = client
        .crm_request_status(id, &deletion.client_request_id)
        .await
        .unwrap();
    assert_eq!(status.state, gong_api_ext::CrmRequestState::InProgress);
    assert_eq!(status.response.total_success_count, Some(12));

    let requests = server.received_requests().await.unwrap();
    let shapes: Vec<(String, Option<String>)> = requests
        .iter()
        .map(|r| (r.method.to_string(), r.url.query().map(str::to_owned)))
        .collect();
    assert_eq!(
        shapes,
        [
            ("GET".into(), None),
            (
                "DELETE".into(),
                Some("clientRequestId=sdk-test-1&integrationId=5517027188234205706".into())
            ),
            (
                "GET".into(),
                Some("clientRequestId=sdk-test-1&integrationId=5517027188234205706".into())
            ),
        ]
    );
    for r in &requests {
        assert_common_headers(r, BASIC);
    }
}

#[tokio::test]
async fn bearer_auth_is_sent_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(r#"{"requestId":"r","integrations":[]}"#))
        .mount(&server)
        .await;
    let client = GongClient::builder()
        .base_url(format!("{}/v2/", server.uri()))
        .bearer_token("t0ken-value")
        .build()
        .unwrap();
    client.list_crm_integrations().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_common_headers(only_request(&requests), "Bearer t0ken-value");
}

#[tokio::test]
async fn invalid_inputs_send_nothing() {
    let server = MockServer::start().await;
    let client = client(&server);
    let errors: Vec<Error> = vec![
        client
            .find_references_by_email("jane@doe@example.com")
            .await
            .unwrap_err(),
        client
            .find_references_by_phone("425 555 2671")
            .await
            .unwrap_err(),
        client
            .erase_email_address("Jane <jane@example.com>")
            .await
            .unwrap_err(),
        client
            .erase_phone_number("+1 425 555 2671 ext 12")
            .await
            .unwrap_err(),
        client.delete_crm_integration(0).await.unwrap_err(),
        client.delete_crm_integration(-5).await.unwrap_err(),
        client
            .delete_crm_integration_with_request_id(1, "has space")
            .await
            .unwrap_err(),
        client.crm_request_status(1, "").await.unwrap_err(),
    ];
    for e in &errors {
        assert!(e.is_invalid_input(), "{e}");
    }
    assert!(errors[3].to_string().contains("ext 12"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn secrets_never_appear_in_errors_or_debug() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"requestId":"r401","errors":["missing scope api:data-privacy:delete"]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    let text = format!("{err} {err:?} {client:?} {:?}", client.raw());
    assert!(
        !text.contains("s3cr3t") && !text.contains("QUNDRVNT"),
        "{text}"
    );
    // A 401 naming a scope is told apart from bad credentials.
    let Error::MissingScope { scope, error: api } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(scope, "api:data-privacy:delete");
    assert_eq!(api.request_id.as_deref(), Some("r401"));
    assert!(err.to_string().contains("api:data-privacy:delete"));
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_subject() {
    // A port with nothing listening: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = GongClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .basic_auth("k", "s")
        .retry(gong_api_ext::RetryConfig::disabled())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("jane"), "{text}");
}

// Over 500 lines: one test per public method's wire shape, kept together so a new method is seen missing.
//! What goes on the wire for every method: method, path, query, auth, no body.

mod common;

use common::{builder, client, json};
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
        // Gong's x-traceid header carries the body's requestId.
        .respond_with(json(r#"{"requestId":"trace-77"}"#).insert_header("x-traceid", "trace-77"))
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
    // A refused connection never reached Gong: nothing may have been erased.
    let text = err.to_string();
    assert!(
        text.starts_with("could not connect to Gong (")
            && text.ends_with(") for purge_email_address after 1 attempt(s)"),
        "{text}"
    );
    assert!(!err.to_string().contains("may have been done"), "{err}");
}

// ---- Answers that are not Gong's: redirects, oversized bodies, echoed subjects ----

use common::raw::{self, RawServer, Reply};
use common::redirect;
use gong_api_ext::{AnswerFault, DEFAULT_MAX_RESPONSE_BYTES, RetryConfig};

const VICTIM: &str = "victim@example.com";

/// A client as `GongClient::builder()` makes it (its own HTTP client), without pacing.
fn sdk_client(base_url: &str) -> GongClient {
    GongClient::builder()
        .base_url(base_url)
        .basic_auth("ACCESS_KEY", "s3cr3t-value")
        .no_rate_limit()
        .build()
        .unwrap()
}

/// An erasure and a lookup through `client`, both redirected by a `redirect::cases` server;
/// both must fail.
async fn erase_and_lookup(client: &GongClient) -> [(Error, &'static str); 2] {
    let erase = client.erase_email_address(VICTIM).await;
    let lookup = client.find_references_by_phone("+14255552671").await;
    [
        (
            erase.expect_err("a redirect is never a receipt"),
            "purge_email_address",
        ),
        (
            lookup.expect_err("a redirect is never a lookup result"),
            "find_all_references_to_phone_number",
        ),
    ]
}

#[tokio::test]
async fn redirects_are_refused_never_followed_never_retried() {
    let elsewhere = redirect::elsewhere().await;
    for case in redirect::cases(&elsewhere).await {
        let (status, same_host) = (case.status, case.same_host);
        let client = sdk_client(&case.server.uri());
        for (err, operation) in erase_and_lookup(&client).await {
            let case_name = format!("{status} same_host={same_host} {operation}");
            match &err {
                Error::Redirected {
                    operation: op,
                    status: Some(s),
                    location: Some(location),
                } => {
                    assert_eq!(*op, operation, "{case_name}");
                    assert_eq!(s.as_u16(), status, "{case_name}");
                    assert_eq!(location, &case.location, "{case_name}");
                }
                other => panic!("{case_name}: {other:?}"),
            }
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            let text = err.to_string();
            for needle in [&status.to_string(), &case.location, "base URL", "proxy"] {
                assert!(text.contains(needle), "{case_name}: {text}");
            }
            assert!(
                !format!("{err} {err:?}").contains("victim"),
                "{case_name}: {text}"
            );
        }
        // The raw client underneath shares the executor: an error, never a value.
        let raw = client.raw().purge_email_address(VICTIM).await;
        let err = raw.expect_err("the raw client refuses a redirect too");
        let chain = std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        assert!(chain.contains("redirects are never followed"), "{chain}");
        assert!(
            !chain.contains("victim") && !chain.contains("no.url"),
            "{chain}"
        );
        // One request each: not followed (the /moved/ path saw nothing), not retried.
        let requests = case.server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 3, "{status} same_host={same_host}");
        assert!(
            requests
                .iter()
                .all(|r| !r.url.path().starts_with("/moved/"))
        );
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_still_gets_no_receipt() {
    let elsewhere = redirect::elsewhere().await;
    for case in redirect::cases(&elsewhere).await {
        // reqwest's default policy follows up to 10 redirects.
        let client = GongClient::builder()
            .base_url(case.server.uri())
            .basic_auth("ACCESS_KEY", "s3cr3t-value")
            .http_client(reqwest::Client::new())
            .no_rate_limit()
            .build()
            .unwrap();
        for (err, _) in erase_and_lookup(&client).await {
            match &err {
                Error::Redirected {
                    status: None,
                    location: Some(location),
                    ..
                } => assert_eq!(location, &case.location),
                other => panic!("{}: {other:?}", case.status),
            }
            let text = err.to_string();
            assert!(text.contains("Policy::none()"), "{text}");
            assert!(
                !text.contains("victim") && !text.contains("false-receipt"),
                "{text}"
            );
        }
    }
    // The followed requests did reach the other host (which is why the docs say to turn
    // redirects off), without the credentials: reqwest drops them across hosts.
    let followed = elsewhere.received_requests().await.unwrap();
    assert_eq!(followed.len(), 8);
    assert!(
        followed
            .iter()
            .all(|r| r.headers.get("authorization").is_none())
    );
}

#[tokio::test]
async fn an_endless_body_ends_with_the_size_error_and_is_not_read_further() {
    let server = RawServer::start(|_| Reply::Stream { total: 1 << 30 });
    let limit = 256 * 1024;
    let client = GongClient::builder()
        .base_url(server.uri())
        .basic_auth("k", "s")
        .no_rate_limit()
        .max_response_bytes(limit)
        .build()
        .unwrap();
    let err = client.find_references_by_email(VICTIM).await.unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit: l, status, may_have_taken_effect: false, .. } if *l == limit && status.as_u16() == 200),
        "{err:?}"
    );
    assert!(err.to_string().contains("256 KiB limit"), "{err}");
    let err = client.erase_email_address(VICTIM).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::ResponseTooLarge {
                may_have_taken_effect: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("the erasure may have been done"),
        "{err}"
    );
    // Not retried, and the client stopped reading: far less than the 2 GiB offered was sent
    // (what the kernel's socket buffers took is all that went beyond the cap).
    assert_eq!(server.requests().len(), 2);
    assert!(server.streamed() < 64 << 20, "{} bytes", server.streamed());

    // The default cap.
    let err = sdk_client(&server.uri())
        .find_references_by_email(VICTIM)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit, .. } if *limit == DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
    assert!(err.to_string().contains("8 MiB limit"), "{err}");
}

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_before_reading() {
    let server = RawServer::start(|_| {
        Reply::BytesThenStall(
            raw::http_declaring(200, &[], b"{", 1 << 30),
            std::time::Duration::from_secs(30),
        )
    });
    let client = GongClient::builder()
        .base_url(server.uri())
        .basic_auth("k", "s")
        .no_rate_limit()
        .build()
        .unwrap();
    // The server stalls after one byte: only a check of the Content-Length ends this at once.
    let err = client.find_references_by_email(VICTIM).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert!(
        GongClient::builder()
            .bearer_token("t")
            .max_response_bytes(0)
            .build()
            .unwrap_err()
            .to_string()
            .contains("max_response_bytes")
    );
}

/// The error of erasing [`VICTIM`] once (no retries) against a server answering `answer`.
async fn erase_once_answered(answer: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(answer)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.erase_email_address(VICTIM).await.unwrap_err()
}

#[tokio::test]
async fn error_messages_never_quote_the_subject_from_an_echoing_page() {
    let page = "<html><head><title>Sign in</title></head><body>Continue to \
        /v2/data-privacy/erase-data-for-email-address?emailAddress=victim%40example.com as \
        Victim@Example.com (victim), or call +1 425 555 2671</body></html>";
    for status in [200, 503, 403] {
        let err =
            erase_once_answered(ResponseTemplate::new(status).set_body_raw(page, "text/html"))
                .await;
        let excerpt = match &err {
            Error::BrokenResponse {
                fault: AnswerFault::NotJson { excerpt },
                ..
            } => excerpt.clone(),
            Error::UndecodableResponse { body_excerpt, .. } => body_excerpt.clone(),
            other => panic!("{status}: {other:?}"),
        };
        assert!(
            excerpt.starts_with("Sign in Continue to /v2/data-privacy/"),
            "{excerpt}"
        );
        let text = format!("{err} {err:?}").to_ascii_lowercase();
        assert!(
            !text.contains("victim") && !text.contains("2671"),
            "{status}: {text}"
        );
    }
}

/// An error page (or a JSON error) that echoes the request's `Authorization` header must not
/// carry the credentials into error messages, which end up in journals, logs and tickets.
#[tokio::test]
async fn error_messages_never_quote_the_credentials_an_answer_echoes() {
    struct Echo {
        json: bool,
        status: u16,
    }
    impl wiremock::Respond for Echo {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let auth = request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap();
            // Also the credential alone, form-encoded, and a Basic pair decoded.
            let bare = auth.split_once(' ').unwrap().1;
            let encoded: String = url::form_urlencoded::byte_serialize(bare.as_bytes()).collect();
            let decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, bare)
                .map(|b| String::from_utf8(b).unwrap())
                .unwrap_or_default();
            let said = format!("{auth} | {bare} | {encoded} | {decoded}");
            if self.json {
                ResponseTemplate::new(self.status)
                    .set_body_json(serde_json::json!({ "errors": [said] }))
            } else {
                ResponseTemplate::new(self.status).set_body_raw(
                    format!("<html><body>Denied: {said}</body></html>"),
                    "text/html",
                )
            }
        }
    }
    for json in [false, true] {
        for status in [200, 400, 401, 403, 503] {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(Echo { json, status })
                .mount(&server)
                .await;
            let common = |b: gong_api_ext::GongClientBuilder| {
                b.base_url(server.uri())
                    .retry(RetryConfig::disabled())
                    .no_rate_limit()
                    .build()
                    .unwrap()
            };
            for client in [
                common(GongClient::builder().bearer_token("tok-Sekret-0123456789")),
                common(GongClient::builder().basic_auth("ACCESS_KEY", "Sekret+/pass=word")),
            ] {
                let err = client.erase_email_address(VICTIM).await.unwrap_err();
                let text = format!("{err} {err:?}");
                assert!(
                    !text.to_ascii_lowercase().contains("sekret")
                        && !text.contains("QUNDRVNTX0tFWTpTZWtyZXQrL3Bhc3M9d29yZA"),
                    "json {json}, {status}: {text}"
                );
                // A JSON 200 without a requestId quotes nothing; every other case quotes
                // the echo, masked.
                if !(json && status == 200) {
                    assert!(
                        text.contains("[credential]"),
                        "json {json}, {status}: {text}"
                    );
                }
            }
        }
    }
}

/// The headers the limiter marks its own local refusals with mean nothing on a real answer: a
/// server (or proxy) sending them must not turn its 500 into "the daily budget is used up, no
/// request was sent" (which the CLI journals as deferred, not sent).
#[tokio::test]
async fn a_server_cannot_pass_its_answer_off_as_a_local_refusal() {
    for header in ["x-gong-api-ext-budget", "x-gong-api-ext-quota-store"] {
        let err = erase_once_answered(
            ResponseTemplate::new(500)
                .insert_header(header, "exhausted")
                .set_body_json(serde_json::json!({"requestId": "r1", "errors": ["boom"]})),
        )
        .await;
        assert!(
            matches!(&err, Error::Api(e) if e.status == 500 && e.request_id.as_deref() == Some("r1")),
            "{header}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_per_attempt_timeout_holds_for_a_caller_supplied_client() {
    // Stalls before the status line, and in the middle of a body.
    let server = RawServer::start(|r| {
        if r.method == "GET" {
            Reply::Stall(std::time::Duration::from_secs(30))
        } else {
            Reply::BytesThenStall(
                raw::http_declaring(200, &[], br#"{"requestId":"#, 40),
                std::time::Duration::from_secs(30),
            )
        }
    });
    let client = GongClient::builder()
        .base_url(server.uri())
        .basic_auth("k", "s")
        .http_client(reqwest::Client::new())
        // The headers before the stall must arrive within it on a loaded machine.
        .timeout(std::time::Duration::from_secs(1))
        .retry(RetryConfig::disabled())
        .no_rate_limit()
        .build()
        .unwrap();
    let err = client.find_references_by_email(VICTIM).await.unwrap_err();
    match &err {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{err:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "no answer from Gong within the per-attempt timeout for \
         find_all_references_to_email_address after 1 attempt(s)"
    );
    let err = client.erase_email_address(VICTIM).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::BrokenResponse {
                fault: AnswerFault::Stalled,
                may_have_taken_effect: true,
                ..
            }
        ),
        "{err:?}"
    );
}

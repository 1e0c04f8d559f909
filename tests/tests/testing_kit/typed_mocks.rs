//! The repository's own tests on the typed mocks: a route, a parameter or a response field
//! that does not exist in the spec is a compile error here.

use std::sync::{Arc, Mutex};

use gong_api::mock::MockServerExt;
use gong_api::mock::httpmock::MockServer;
use gong_api::types;
use gong_api_ext::testing::{RecordedRequest, RecordingServer, client_builder};

const INTEGRATION_ID: i64 = 5517027188234205706;

fn receipt(request_id: &str) -> types::RequestIdResponse {
    types::RequestIdResponse {
        request_id: Some(request_id.into()),
        extra: Default::default(),
    }
}

#[tokio::test]
async fn the_sdk_erases_an_email_address_through_a_typed_mock() {
    let server = MockServer::start_async().await;
    let erase = server.purge_email_address(|when, then| {
        // The SDK trims the address and folds its domain, keeping the local part's case.
        when.email_address("Jane@example.com");
        then.ok(&receipt("4al018gzaztcr8nbukw"));
    });
    let client = client_builder(&server.base_url()).build().unwrap();
    let receipt = client.erase_email_address(" Jane@Example.COM ").await;
    assert_eq!(receipt.unwrap().request_id, "4al018gzaztcr8nbukw");
    erase.assert_async().await;
}

#[tokio::test]
async fn a_typed_error_answer_reaches_the_caller_with_gongs_request_id() {
    let server = MockServer::start_async().await;
    let erase = server.purge_phone_number(|when, then| {
        when.phone_number("+14255552671");
        then.bad_request(&types::ErrorResponse {
            request_id: Some("r400".into()),
            errors: vec!["Invalid phone number".into()],
            extra: Default::default(),
        });
    });
    let client = client_builder(&server.base_url()).build().unwrap();
    let err = client
        .erase_phone_number("+1 (425) 555-2671")
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("r400"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // 400 is never retried.
    erase.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_crm_delete_is_matched_on_its_typed_integration_id_and_client_request_id() {
    let server = MockServer::start_async().await;
    let delete = server.delete_generic_crm_integration(|when, then| {
        when.integration_id(INTEGRATION_ID)
            .client_request_id(&"recorded-1".parse().unwrap());
        then.created(&types::DeleteIntegrationResponse {
            request_id: Some("r201".into()),
            client_request_id: Some("recorded-1".into()),
            extra: Default::default(),
        });
    });
    let client = client_builder(&server.base_url()).build().unwrap();
    let deletion = client.delete_crm_integration(INTEGRATION_ID).await.unwrap();
    assert_eq!(deletion.request_id.as_deref(), Some("r201"));
    assert_eq!(deletion.client_request_id, "recorded-1");
    assert!(!deletion.confirmed_by_conflict);
    delete.assert_async().await;
}

#[tokio::test]
async fn the_raw_client_lists_crm_integrations_through_a_typed_mock() {
    let server = MockServer::start_async().await;
    let list = server.list_generic_crm_integration(|_, then| {
        then.ok(&types::CrmIntegrations {
            request_id: Some("r200".into()),
            integrations: vec![types::CrmIntegration {
                integration_id: Some(INTEGRATION_ID),
                name: Some("Generic CRM".into()),
                owner_email: None,
                extra: Default::default(),
            }],
            extra: Default::default(),
        });
    });
    let raw = gong_api::Client::new(&server.url("/v2"), gong_api::Inner::default());
    let answer = raw
        .list_generic_crm_integration()
        .await
        .unwrap()
        .into_inner();
    // The id is beyond 2^53 and arrives exactly.
    assert_eq!(answer.integrations[0].integration_id, Some(INTEGRATION_ID));
    list.assert_async().await;
}

/// The typed mock matches and answers; the request it matched is also captured in the
/// recorder's format, and is exactly what the recorder records for the same call.
#[tokio::test]
async fn a_typed_mock_match_is_snapshotted_in_the_recorders_format() {
    let server = MockServer::start_async().await;
    let captured: Arc<Mutex<Vec<RecordedRequest>>> = Arc::default();
    let sink = captured.clone();
    let erase = server.purge_email_address(|when, then| {
        // httpmock runs `is_true` matchers after the declarative ones, so only a request the
        // typed conditions matched is captured.
        when.email_address("jane@example.com")
            .into_inner()
            .is_true(move |request| {
                let headers = request.headers_vec();
                sink.lock().unwrap().push(RecordedRequest::from_parts(
                    request.method_str(),
                    request.uri_str(),
                    headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
                    request.body_ref(),
                ));
                true
            });
        then.ok(&receipt("r1"));
    });
    let client = client_builder(&server.base_url()).build().unwrap();
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    erase.assert_async().await;
    let captured = captured.lock().unwrap().clone();
    insta::assert_yaml_snapshot!("typed_mock__purgeEmailAddress", captured);

    // The recorder records the same request identically.
    let recorder = RecordingServer::start().await;
    let client = recorder.client_builder().build().unwrap();
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    assert_eq!(captured, recorder.requests().await);
}

/// Request ids and timestamps change from run to run in real answers: insta's redactions keep
/// a snapshot of an answer stable (and the typed mock builds the answer from Gong's types).
#[tokio::test]
async fn an_answer_snapshot_redacts_request_ids_and_timestamps() {
    let server = MockServer::start_async().await;
    let lookup = server.find_all_references_to_email_address(|when, then| {
        when.email_address("jane@example.com");
        then.ok(&types::EmailAddressReferences {
            request_id: Some("7c1d2e3f4a5b".into()),
            emails: vec![types::EmailReference {
                id: Some("0123456789abcdef0123456789abcdef".into()),
                from: Some("jane@example.com".into()),
                sent_time: Some("2026-11-24T09:30:00Z".into()),
                mailbox: None,
                message_hash: None,
                extra: Default::default(),
            }],
            calls: vec![],
            meetings: vec![],
            customer_data: vec![],
            customer_engagement: vec![],
            extra: Default::default(),
        });
    });
    let client = client_builder(&server.base_url()).build().unwrap();
    let answer = client
        .find_references_by_email("jane@example.com")
        .await
        .unwrap();
    lookup.assert_async().await;
    insta::assert_yaml_snapshot!("typed_mock__lookup_redacted", answer, {
        ".requestId" => "[request-id]",
        ".emails[].sentTime" => "[timestamp]",
    });
}

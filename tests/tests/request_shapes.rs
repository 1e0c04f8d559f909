//! An insta snapshot of the exact request of every operation in the bundled spec: through the
//! raw `gong-api` client for all of them, and through `gong-api-ext` for the Gong-documented
//! ones. Review a changed shape with `cargo insta review`.

use std::collections::BTreeSet;
use std::path::Path;

use gong_api::types;
use gong_api_ext::testing::{Canned, RecordingServer};
use serde_json::json;

const INTEGRATION_ID: i64 = 5517027188234205706;

fn raw_client(server: &RecordingServer) -> gong_api::Client {
    gong_api::Client::new(&format!("{}/v2", server.uri()), gong_api::Inner::default())
}

/// Runs one raw call against a fresh recorder and snapshots its request(s) as `raw__<name>`.
macro_rules! raw_snapshot {
    ($name:literal, |$client:ident| $call:expr) => {{
        let server = RecordingServer::start().await;
        let $client = raw_client(&server);
        if let Err(e) = $call.await {
            panic!("{}: {e}", $name);
        }
        insta::assert_yaml_snapshot!(concat!("raw__", $name), server.requests().await);
    }};
}

/// The same through a `GongClient` built by `$build` (default: Basic auth).
macro_rules! ext_snapshot {
    ($name:literal, |$client:ident| $call:expr) => {
        ext_snapshot!($name, |s| s.client_builder(), |$client| $call)
    };
    ($name:literal, |$s:ident| $build:expr, |$client:ident| $call:expr) => {{
        let $s = RecordingServer::start().await;
        let $client = $build.build().unwrap();
        if let Err(e) = $call.await {
            panic!("{}: {e}", $name);
        }
        insta::assert_yaml_snapshot!(concat!("ext__", $name), $s.requests().await);
    }};
}

#[tokio::test]
async fn raw_client_request_shapes() {
    raw_snapshot!("retrieveEmailReferences", |c| c
        .retrieve_email_references("jane@example.com"));
    raw_snapshot!("retrievePhoneReferences", |c| c
        .retrieve_phone_references("+14255552671"));
    raw_snapshot!("deleteEmailAddressData", |c| c.delete_email_address_data(
        &types::EmailDeleteRequest {
            email_address: "jane@example.com".into()
        }
    ));
    raw_snapshot!("deletePhoneNumberData", |c| c.delete_phone_number_data(
        &types::PhoneDeleteRequest {
            phone_number: "+14255552671".into()
        }
    ));
    raw_snapshot!("findAllReferencesToEmailAddress", |c| c
        .find_all_references_to_email_address("jane@example.com"));
    raw_snapshot!("findAllReferencesToPhoneNumber", |c| c
        .find_all_references_to_phone_number("+14255552671"));
    raw_snapshot!("purgeEmailAddress", |c| c
        .purge_email_address("jane@example.com"));
    raw_snapshot!("purgePhoneNumber", |c| c.purge_phone_number("+14255552671"));
    raw_snapshot!("listGenericCrmIntegration", |c| c
        .list_generic_crm_integration());
    let id: types::ClientRequestId = "snapshot-1".parse().unwrap();
    raw_snapshot!("deleteGenericCrmIntegration", |c| c
        .delete_generic_crm_integration(&id, INTEGRATION_ID));
    raw_snapshot!("getRequestStatus", |c| c
        .get_request_status(&id, INTEGRATION_ID));
}

#[tokio::test]
async fn sdk_request_shapes() {
    ext_snapshot!("findAllReferencesToEmailAddress", |c| c
        .find_references_by_email(" Jane.Doe@Example.COM "));
    ext_snapshot!("findAllReferencesToPhoneNumber", |c| c
        .find_references_by_phone("+1 (425) 555-2671"));
    ext_snapshot!("purgeEmailAddress", |c| c
        .erase_email_address("jane@example.com"));
    ext_snapshot!("purgePhoneNumber", |c| c
        .erase_phone_number("+1 425 555 2671"));
    ext_snapshot!("listGenericCrmIntegration", |c| c.list_crm_integrations());
    ext_snapshot!("deleteGenericCrmIntegration", |c| c
        .delete_crm_integration(INTEGRATION_ID));
    ext_snapshot!("getRequestStatus", |c| c
        .crm_request_status(INTEGRATION_ID, "recorded-1"));
}

#[tokio::test]
async fn auth_schemes_are_redacted() {
    ext_snapshot!("auth_basic", |c| c.list_crm_integrations());
    ext_snapshot!(
        "auth_bearer",
        |s| s.client_builder().bearer_token("a-secret-oauth-token"),
        |c| c.list_crm_integrations()
    );
}

#[tokio::test(start_paused = true)]
async fn a_retried_erase_shows_every_attempt() {
    let server = RecordingServer::start().await;
    server.respond(
        "POST",
        "/data-privacy/erase-data-for-phone-number",
        [
            Canned::text(502, "text/html", "<html>Bad Gateway</html>"),
            Canned::json(
                429,
                json!({"requestId": "r429", "errors": ["API request limit exceeded"]}),
            )
            .header("Retry-After", "2"),
            Canned::json(200, json!({"requestId": "r200"})),
        ],
    );
    let client = server.client_builder().build().unwrap();
    let receipt = client.erase_phone_number("+1 425 555 2671").await.unwrap();
    assert_eq!(receipt.request_id, "r200");
    insta::assert_yaml_snapshot!("ext__purgePhoneNumber__retried", server.requests().await);
}

#[tokio::test(start_paused = true)]
async fn a_retried_crm_delete_reuses_its_client_request_id() {
    let server = RecordingServer::start().await;
    server.respond(
        "DELETE",
        "/crm/integrations",
        [
            Canned::json(503, json!({"requestId": "r503", "errors": ["unavailable"]})),
            Canned::json(
                409,
                json!({"requestId": "r409", "errors": ["Client request id has already been used"]}),
            ),
        ],
    );
    let client = server.client_builder().build().unwrap();
    let deletion = client.delete_crm_integration(INTEGRATION_ID).await.unwrap();
    assert!(deletion.confirmed_by_conflict);
    let requests = server.requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].query, requests[1].query);
    insta::assert_yaml_snapshot!("ext__deleteGenericCrmIntegration__retried_409", requests);
}

/// Every operation of the bundled spec has a raw snapshot, and every Gong-documented (not
/// deprecated) one an SDK snapshot: a regenerated spec cannot silently skip one.
#[test]
fn every_operation_has_a_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec: serde_json::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(root.join("openapi/gong-api.yaml")).unwrap(),
    )
    .unwrap();
    let snapshots: BTreeSet<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    let mut missing = Vec::new();
    let mut operations = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            operations += 1;
            let mut wanted = vec![format!("request_shapes__raw__{id}.snap")];
            if op.get("deprecated") != Some(&json!(true)) {
                wanted.push(format!("request_shapes__ext__{id}.snap"));
            }
            missing.extend(wanted.into_iter().filter(|w| !snapshots.contains(w)));
        }
    }
    assert_eq!(operations, 11);
    assert!(
        missing.is_empty(),
        "operations without a request snapshot: {missing:?}"
    );
}

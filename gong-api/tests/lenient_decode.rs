//! Gong adds fields and enum values without warning: responses must still decode.

use gong_api::types::{CrmRequestStatus, EmailAddressReferences, PhoneNumberReferences};

#[test]
fn unknown_enum_values_and_fields_decode() {
    let status: CrmRequestStatus = serde_json::from_str(
        r#"{"requestId": "r1", "status": "CANCELLED_BY_ADMIN", "brandNewField": {"x": 1},
            "errors": [{"line": 3, "description": "bad", "severity": "high"}],
            "totalErrorCount": 1, "totalSuccessCount": 0}"#,
    )
    .unwrap();
    assert_eq!(status.status.as_deref(), Some("CANCELLED_BY_ADMIN"));
    assert_eq!(status.errors[0].line, Some(3));
}

/// The quirks of Gong's own export (gong-reference.md): an `eventType` outside its enum, a
/// numeric `timestamp`, a string `fields[].value`, and a `system` outside its enum.
#[test]
fn gongs_own_examples_decode() {
    let refs: EmailAddressReferences = serde_json::from_str(
        r#"{
          "requestId": "4al018gzaztcr8nbukw",
          "emails": [{"from": "jane@example.com", "id": "0123456789abcdef0123456789abcdef",
                      "sentTime": "2018-02-18T02:30:00", "mailbox": "x", "messageHash": "h"}],
          "calls": [{"id": "7782342274025937895", "status": "COMPLETED",
                     "externalSystems": [{"system": "Pipedrive",
                                          "objects": [{"objectType": "Opportunity", "externalId": "e"}]}]}],
          "meetings": [{"id": "m1"}],
          "customerData": [{"system": "Salesforce", "objects": [{"id": "1", "objectType": "Lead",
                            "externalId": "x", "mirrorId": "y",
                            "fields": [{"name": "Email", "value": "jane@example.com"},
                                       {"name": "Score", "value": {"n": 3}}]}]}],
          "customerEngagement": [
            {"eventType": "ExternalCallViewing", "timestamp": 1547971200.0, "contentId": "c"},
            {"eventType": "contentShared", "timestamp": "2019-01-20T08:00:00Z"}
          ]
        }"#,
    )
    .unwrap();
    let events = &refs.customer_engagement;
    assert_eq!(events[0].event_type.as_deref(), Some("ExternalCallViewing"));
    assert_eq!(
        events[0].timestamp.as_ref().unwrap().to_string(),
        "1547971200"
    );
    assert_eq!(
        refs.calls[0].external_systems[0].system.as_ref().unwrap().0,
        "Pipedrive"
    );
    assert_eq!(
        refs.customer_data[0].objects[0].fields[0].value,
        Some(serde_json::json!("jane@example.com"))
    );
}

#[test]
fn empty_lookup_decodes() {
    // An unknown address answers 200 with empty arrays (gong-reference.md), or with no arrays.
    let refs: PhoneNumberReferences = serde_json::from_str(r#"{"requestId": "r"}"#).unwrap();
    assert!(refs.calls.is_empty() && refs.matching_phone_numbers.is_empty());
}

/// Gong adds fields without warning, and the access-export and evidence features need Gong's
/// whole answer: a field the spec does not name survives decoding and serialises back.
#[test]
fn unknown_fields_survive_decode_and_serialise() {
    let body = serde_json::json!({
        "requestId": "r1",
        "integrations": [{"integrationId": 5517027188234205706_i64, "name": "n",
                          "addedLater": {"nested": [1, 2.5, "x"]}}],
        "pageInfo": {"cursor": "c", "total": 12345678901234567_u64}
    });
    let decoded: gong_api::types::CrmIntegrations = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(decoded.extra["pageInfo"]["cursor"], "c");
    // Typed fields decode exactly through the flattened buffer (no float on the way).
    assert_eq!(
        decoded.integrations[0].integration_id,
        Some(5517027188234205706)
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), body);
}

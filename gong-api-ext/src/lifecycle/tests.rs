use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::*;
use crate::client::bulk::ReferenceCounts;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn snapshot(counts: ReferenceCounts, linked: &[&str]) -> Snapshot {
    Snapshot {
        at: at("2026-11-25T10:00:00Z"),
        request_id: Some("look".into()),
        counts,
        linked_email_addresses: linked.iter().map(|s| s.to_string()).collect(),
        matching_phone_numbers: Vec::new(),
        other: 0,
    }
}

fn emails(n: usize) -> ReferenceCounts {
    ReferenceCounts {
        emails: n,
        ..Default::default()
    }
}

#[test]
fn the_guard_holds_back_large_subjects_and_shared_numbers() {
    let guard = Guard::default();
    let reviewed = Guard {
        allow: true,
        ..guard
    };
    // 200 objects pass, 201 do not: the threshold is "more than".
    let spread = ReferenceCounts {
        emails: 100,
        calls: 50,
        meetings: 20,
        crm_objects: 20,
        engagement_events: 10,
    };
    assert_eq!(guard.check(&snapshot(spread, &[])), GuardOutcome::Passed);
    let over = GuardOutcome::HeldBack {
        reasons: vec![HoldReason::ManyObjects {
            objects: 201,
            max: 200,
        }],
    };
    assert_eq!(guard.check(&snapshot(emails(201), &[])), over);
    // One person's number (its addresses in any case) passes; two people's does not.
    let one = ["jane@example.com", "JANE@example.com "];
    assert_eq!(
        guard.check(&snapshot(emails(3), &one)),
        GuardOutcome::Passed
    );
    let two = ["jane@example.com", "joe@example.com"];
    let shared = guard.check(&snapshot(emails(3), &two));
    assert_eq!(
        shared.reasons(),
        [HoldReason::SeveralPeople { people: 2, max: 1 }]
    );
    assert!(shared.is_held_back());
    // Both reasons at once, and the explicit allow.
    let both = reviewed.check(&snapshot(emails(500), &two));
    assert!(!both.is_held_back());
    assert_eq!(
        both.to_string(),
        "allowed explicitly: 500 objects (more than 200); the number belongs to 2 people \
         (linked email addresses; more than 1)"
    );
    // Unknown kinds of data count as objects.
    let mut unknown = snapshot(emails(200), &[]);
    unknown.other = 1;
    assert!(guard.check(&unknown).is_held_back());
}

#[test]
fn verification_tells_clean_still_present_present_again_and_overdue() {
    let sent = Some(at("2026-11-25T09:00:00Z"));
    let found = |time: &str, n| Snapshot {
        at: at(time),
        ..snapshot(emails(n), &[])
    };
    let first = Verification::classify(found("2026-11-25T10:30:00Z", 4), sent, &[]);
    assert_eq!(first.result, VerifyResult::StillPresent);
    assert_eq!(first.since_erase(), Some(Duration::from_secs(5400)));
    assert!(!first.is_overdue());
    let late = Verification::classify(found("2026-11-27T09:00:00Z", 4), sent, &[]);
    assert!(late.is_overdue(), "48 h after the erase");
    let clean = Verification::classify(
        found("2026-11-25T15:00:00Z", 0),
        sent,
        std::slice::from_ref(&first),
    );
    assert_eq!(clean.result, VerifyResult::Clean);
    let history = [first, clean];
    let back = Verification::classify(found("2026-11-26T15:00:00Z", 1), sent, &history);
    assert_eq!(back.result, VerifyResult::PresentAgain);
    // A linked number alone is data: never called clean.
    let mut linked = found("2026-11-25T15:00:00Z", 0);
    linked.matching_phone_numbers = vec!["+14255552671".into()];
    assert_eq!(
        Verification::classify(linked, sent, &[]).result,
        VerifyResult::StillPresent
    );
    let failed = Verification::failed(at("2026-11-25T09:00:10Z"), sent, "Gong answered 500");
    assert_eq!(
        (failed.result, failed.since_erase_secs),
        (VerifyResult::Failed, Some(10))
    );
    // Without the erase time, nothing is claimed about it.
    assert_eq!(
        Verification::classify(found("2026-11-25T10:00:00Z", 1), None, &[]).since_erase_secs,
        None
    );
}

#[test]
fn snapshots_count_linked_data_and_lists_gong_added() {
    let phone: gong_api::types::PhoneNumberReferences = serde_json::from_value(json!({
        "requestId": "r1",
        "calls": [{"id": "1"}],
        "customerData": [{"system": "Salesforce", "objects": [{"id": "a"}, {"id": "b"}]}],
        "emailAddresses": ["jane@example.com", "switchboard@example.com"],
        "matchingPhoneNumbers": ["+14255552671"],
        "suppliedPhoneNumber": "+14255552671",
        "voicemails": [{"id": "v1"}, {"id": "v2"}],
        "note": "not a list"
    }))
    .unwrap();
    let s = Snapshot::of_phone(&phone, at("2026-11-25T10:00:00Z"));
    assert_eq!((s.counts.calls, s.counts.crm_objects, s.other), (1, 2, 2));
    assert_eq!((s.objects(), s.linked_people()), (5, 2));
    assert_eq!(s.request_id.as_deref(), Some("r1"));
    let empty: gong_api::types::EmailAddressReferences =
        serde_json::from_value(json!({"requestId": "r2", "emails": []})).unwrap();
    assert!(Snapshot::of_email(&empty, at("2026-11-25T10:00:00Z")).is_empty());
}

#[test]
fn an_erasure_is_stored_and_read_back_as_camel_case_json() {
    let mut erasure = Erasure::new(crate::Subject::parse("+1 425 555 2671").unwrap());
    erasure.before = Some(snapshot(emails(501), &["a@example.com"]));
    erasure.check(&Guard::default());
    erasure.request = Some(EraseRequest {
        at: at("2026-11-25T10:00:01.5Z"),
        request_id: "4al0".into(),
    });
    erasure.verifications.push(Verification::failed(
        at("2026-11-25T12:00:01.5Z"),
        Some(at("2026-11-25T10:00:01.5Z")),
        "timeout",
    ));
    let value = serde_json::to_value(&erasure).unwrap();
    assert_eq!(
        value,
        json!({
            "subject": "+14255552671",
            "before": {
                "at": "2026-11-25T10:00:00.000Z",
                "requestId": "look",
                "counts": {"emails": 501, "calls": 0, "meetings": 0, "crmObjects": 0, "engagementEvents": 0},
                "linkedEmailAddresses": ["a@example.com"]
            },
            "guard": {"decision": "heldBack", "reasons": [{"reason": "manyObjects", "objects": 501, "max": 200}]},
            "request": {"at": "2026-11-25T10:00:01.500Z", "requestId": "4al0"},
            "verifications": [{"at": "2026-11-25T12:00:01.500Z", "result": "failed", "sinceEraseSecs": 7200, "error": "timeout"}]
        })
    );
    let back: Erasure = serde_json::from_value(value).unwrap();
    assert_eq!(back, erasure);
    // A stored subject is validated again when read.
    let mut tampered = serde_json::to_value(&erasure).unwrap();
    tampered["subject"] = json!("4255552671");
    assert!(serde_json::from_value::<Erasure>(tampered).is_err());
}

/// A Gong whose data about a subject goes away some lookups after its erasure, and for
/// `returns` comes back some lookups later (a CRM re-sync).
struct FadingGong {
    state: Arc<Mutex<Fading>>,
}

#[derive(Default)]
struct Fading {
    erased: bool,
    lookups_since_erase: usize,
    gone_after: usize,
    back_after: Option<usize>,
    emails: usize,
}

impl Respond for FadingGong {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        if request.method.as_str() == "POST" {
            s.erased = true;
            return ResponseTemplate::new(200).set_body_json(json!({"requestId": "erase-1"}));
        }
        let present = if s.erased {
            s.lookups_since_erase += 1;
            let n = s.lookups_since_erase;
            n < s.gone_after || s.back_after.is_some_and(|b| n >= b)
        } else {
            true
        };
        let emails: Vec<_> = (0..if present { s.emails } else { 0 })
            .map(|i| json!({"id": format!("e{i}")}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"requestId": "look", "emails": emails}))
    }
}

async fn fading_gong(fading: Fading) -> (MockServer, Arc<Mutex<Fading>>) {
    let server = MockServer::start().await;
    let state = Arc::new(Mutex::new(fading));
    for endpoint in ["data-for-email-address", "erase-data-for-email-address"] {
        Mock::given(path(format!("/v2/data-privacy/{endpoint}")))
            .respond_with(FadingGong {
                state: state.clone(),
            })
            .mount(&server)
            .await;
    }
    (server, state)
}

fn client(server: &MockServer) -> GongClient {
    GongClient::builder()
        .base_url(server.uri())
        .basic_auth("key", "secret")
        .no_rate_limit()
        .build()
        .unwrap()
}

async fn posts(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count()
}

#[tokio::test]
async fn the_whole_lifecycle_against_a_gong_that_forgets_then_remembers() {
    let (server, _) = fading_gong(Fading {
        gone_after: 2,
        back_after: Some(3),
        emails: 3,
        ..Fading::default()
    })
    .await;
    let client = client(&server);
    let mut erasure = Erasure::new(crate::Subject::parse("jane@example.com").unwrap());
    assert_eq!(erasure.preview(&client).await.unwrap().counts.emails, 3);
    assert_eq!(erasure.check(&Guard::default()), &GuardOutcome::Passed);
    let receipt = erasure.erase(&client).await.unwrap().unwrap();
    assert_eq!(receipt.request_id, "erase-1");
    // Stored between steps, as a service would.
    let mut erasure: Erasure =
        serde_json::from_str(&serde_json::to_string(&erasure).unwrap()).unwrap();
    let results: Vec<VerifyResult> = [
        erasure.verify(&client).await.unwrap().result,
        erasure.verify(&client).await.unwrap().result,
        erasure.verify(&client).await.unwrap().result,
    ]
    .into();
    assert_eq!(
        results,
        [
            VerifyResult::StillPresent,
            VerifyResult::Clean,
            VerifyResult::PresentAgain
        ]
    );
    let still = &erasure.verifications[0];
    assert_eq!(still.found.as_ref().unwrap().counts.emails, 3);
    assert!(still.since_erase_secs.is_some());
}

#[tokio::test]
async fn a_held_back_subject_is_not_sent_until_allowed() {
    let (server, _) = fading_gong(Fading {
        gone_after: 1,
        emails: 500,
        ..Fading::default()
    })
    .await;
    let client = client(&server);
    let mut erasure = Erasure::new(crate::Subject::parse("sales@example.com").unwrap());
    erasure.preview(&client).await.unwrap();
    assert!(erasure.check(&Guard::default()).is_held_back());
    assert_eq!(erasure.erase(&client).await.unwrap(), None);
    assert_eq!(posts(&server).await, 0, "nothing sent while held back");
    // After review.
    let allowed = erasure.check(&Guard {
        allow: true,
        ..Guard::default()
    });
    assert_eq!(
        allowed,
        &GuardOutcome::Allowed {
            reasons: vec![HoldReason::ManyObjects {
                objects: 500,
                max: 200
            }]
        }
    );
    assert!(erasure.erase(&client).await.unwrap().is_some());
    assert_eq!(posts(&server).await, 1);
    assert_eq!(
        erasure.verify(&client).await.unwrap().result,
        VerifyResult::Clean
    );
}

#[tokio::test]
async fn an_erasure_without_preview_is_sent_and_says_so() {
    let (server, _) = fading_gong(Fading {
        gone_after: 1,
        emails: 900,
        ..Fading::default()
    })
    .await;
    let client = client(&server);
    let mut erasure = Erasure::new(crate::Subject::parse("jane@example.com").unwrap());
    assert!(erasure.erase(&client).await.unwrap().is_some());
    assert_eq!(erasure.guard, Some(GuardOutcome::NoPreview));
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r.method.as_str() == "POST"),
        "no lookup"
    );
}

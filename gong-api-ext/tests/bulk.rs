//! Bulk erasure: one outcome per input, invalid and duplicate subjects never sent twice.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use common::{builder, json, respond_ok};
use futures_util::StreamExt;
use gong_api_ext::{BulkOptions, BulkStatus, Error, LookupSummary, Progress};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(start_paused = true)]
async fn every_input_gets_exactly_one_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(query_param("emailAddress", "refused@example.com"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"requestId":"r400","errors":["integrity protection"]}"#,
            "application/json",
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    respond_ok(&server).await;
    let client = builder(&server).build().unwrap();

    let inputs = vec![
        "jane@example.com",      // 0 erased
        "+1 (425) 555-2671",     // 1 erased
        "Jane@EXAMPLE.com",      // 2 not a duplicate: the local part's case is kept
        "jane@Example.COM",      // 3 duplicate of 0 (domain case folds)
        "+14255552671",          // 4 duplicate of 1
        "+1 425 555 2671 ext 9", // 5 invalid
        "nobody",                // 6 invalid
        "refused@example.com",   // 7 failed (400)
    ];
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let sink = seen.clone();
    let options = BulkOptions {
        concurrency: 3,
        on_progress: Some(Arc::new(move |p: &Progress| sink.lock().unwrap().push(*p))),
    };
    let mut outcomes: Vec<_> = client.erase_many(&inputs, options).collect().await;
    outcomes.sort_by_key(|o| o.index);

    assert_eq!(outcomes.len(), inputs.len(), "outcomes in = subjects out");
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o.index, i);
        assert_eq!(o.input, inputs[i]);
    }
    let kind = |i: usize| match &outcomes[i].status {
        BulkStatus::Done(r) => format!("done {}", r.request_id),
        BulkStatus::Duplicate { first_index } => format!("duplicate of {first_index}"),
        BulkStatus::Invalid(e) => format!("invalid: {}", e.rule()),
        BulkStatus::Failed(Error::Api(e)) => format!("failed {}", e.status.as_u16()),
        BulkStatus::Failed(e) => format!("failed {e}"),
    };
    assert_eq!(kind(0), "done ok");
    assert_eq!(kind(1), "done ok");
    assert_eq!(kind(2), "done ok");
    assert_eq!(kind(3), "duplicate of 0");
    assert_eq!(kind(4), "duplicate of 1");
    assert!(kind(5).starts_with("invalid: extensions"), "{}", kind(5));
    assert!(kind(6).starts_with("invalid: it is neither"), "{}", kind(6));
    assert_eq!(kind(7), "failed 400");
    assert_eq!(
        outcomes[3].subject.as_ref().unwrap().as_str(),
        "jane@example.com"
    );

    // Each distinct valid subject was sent exactly once; nothing invalid was sent.
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap().to_owned())
        .collect();
    let distinct: BTreeSet<&String> = sent.iter().collect();
    assert_eq!(sent.len(), 4);
    assert_eq!(distinct.len(), 4);

    let progress = seen.lock().unwrap().clone();
    assert_eq!(progress.len(), inputs.len());
    let last = progress.last().unwrap();
    assert_eq!(
        (
            last.done,
            last.failed,
            last.invalid,
            last.duplicates,
            last.remaining()
        ),
        (3, 1, 2, 2, Some(0))
    );
}

#[tokio::test(start_paused = true)]
async fn the_dry_run_looks_up_and_summarises_without_erasing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-email-address"))
        .respond_with(json(
            r#"{"requestId":"r","emails":[{"id":"a"},{"id":"b"}],"calls":[{"id":"1"}],
                "customerData":[{"system":"Salesforce","objects":[{"id":"x"},{"id":"y"}]}],
                "customerEngagement":[{"eventType":"contentViewed"}]}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-phone-number"))
        .respond_with(json(r#"{"requestId":"r","emails":[],"calls":[]}"#))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let outcomes: Vec<_> = client
        .lookup_many(
            ["jane@example.com", "+14255552671", "bad"],
            BulkOptions::default(),
        )
        .collect()
        .await;
    let summary = LookupSummary::of(&outcomes);
    assert_eq!(summary.progress.done, 2);
    assert_eq!(summary.progress.invalid, 1);
    assert_eq!(summary.subjects_with_data, 1);
    assert_eq!(summary.totals.emails, 2);
    assert_eq!(summary.totals.calls, 1);
    assert_eq!(summary.totals.crm_objects, 2);
    assert_eq!(summary.totals.engagement_events, 1);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"));
}

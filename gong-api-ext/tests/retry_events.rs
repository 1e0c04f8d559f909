//! Retries are observable: each one emits a `tracing` event, without the subject or secrets.
//! Alone in its test binary, so no other test races its thread-local subscriber.

mod common;

use std::sync::{Arc, Mutex};

use common::{client, error_body, respond_ok, respond_once};
use wiremock::MockServer;

/// A minimal subscriber that keeps every event's fields as text.
#[derive(Default, Clone)]
struct Events(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Text(String);
        impl tracing::field::Visit for Text {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={:?} ", field.name(), value));
            }
        }
        let mut text = Text(String::new());
        event.record(&mut text);
        self.0.lock().unwrap().push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(start_paused = true)]
async fn each_retry_emits_a_tracing_event_without_secrets_or_subjects() {
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    tracing::callsite::rebuild_interest_cache();
    let server = MockServer::start().await;
    respond_once(&server, error_body(503, "down")).await;
    respond_once(&server, error_body(503, "down")).await;
    respond_ok(&server).await;
    client(&server)
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    let events = events.0.lock().unwrap().clone();
    let retries: Vec<&String> = events
        .iter()
        .filter(|e| e.contains("retrying Gong request"))
        .collect();
    assert_eq!(retries.len(), 2, "{events:?}");
    assert!(
        retries[0].contains("operation=\"purge_email_address\""),
        "{}",
        retries[0]
    );
    for e in &events {
        assert!(!e.contains("jane") && !e.contains("s3cr3t"), "{e}");
    }
}

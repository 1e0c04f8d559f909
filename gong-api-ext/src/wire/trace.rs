//! The trace of one logical call across its attempts: a task-local set up by `GongClient`
//! around each call and filled in by the executor, so the typed layer knows how many attempts
//! were made, the last status (progenitor's decode errors drop it), whether an attempt was
//! ambiguous, what an error message must not quote, and the success body as received.

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::error::AuthError;
use crate::wire::excerpt::Sensitive;
use crate::wire::outcome::Outcome;

/// What happened during one logical call, across its attempts.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallTrace {
    /// Attempts sent.
    pub attempts: u32,
    /// The status of the last attempt that got a response.
    pub last_status: Option<StatusCode>,
    /// Whether an attempt before the last one was ambiguous (see [`Outcome::is_ambiguous`]).
    pub ambiguous_before_last: bool,
    last_ambiguous: bool,
    /// Why no credential could be had (the executor then answered locally).
    pub auth_error: Option<AuthError>,
    /// The limiter refused the attempt and the executor answered locally (nothing was sent):
    /// only then do the marker headers of [`Refusal::response`] mean anything.
    ///
    /// [`Refusal::response`]: crate::policy::refusal::Refusal::response
    pub local_refusal: bool,
    /// Whether the request changes something at Gong (not a `GET`).
    pub write: bool,
    /// The request's query values, which error messages must not quote.
    pub sensitive: Sensitive,
    /// The body of the last success answer, as received: for callers that keep Gong's answer
    /// byte for byte (an access export), since decoding into the typed response and encoding
    /// again drops empty lists and `null`s and may reorder fields.
    pub success_body: Option<Bytes>,
}

impl CallTrace {
    pub(crate) fn record(&mut self, outcome: Outcome) {
        self.attempts += 1;
        self.ambiguous_before_last |= self.last_ambiguous;
        self.last_ambiguous = outcome.is_ambiguous();
        if let Some(s) = outcome.status() {
            self.last_status = Some(s);
        }
    }

    /// Whether Gong may have acted on this call although it failed: a write with an
    /// ambiguous attempt.
    pub fn may_have_taken_effect(&self) -> bool {
        self.write && (self.ambiguous_before_last || self.last_ambiguous)
    }
}

tokio::task_local! {
    pub(crate) static TRACE: RefCell<CallTrace>;
}

/// Runs `call` with a fresh trace and returns its output with the trace.
pub(crate) async fn traced<F: Future>(call: F) -> (F::Output, CallTrace) {
    TRACE
        .scope(RefCell::new(CallTrace::default()), async {
            let output = call.await;
            let trace = TRACE.with(|t| t.borrow().clone());
            (output, trace)
        })
        .await
}

/// Records a success answer's body, as received, in the call's trace (a cheap `Bytes` clone).
pub(crate) fn record_success_body(body: &Bytes) {
    let _ = TRACE.try_with(|t| t.borrow_mut().success_body = Some(body.clone()));
}

#[cfg(test)]
mod tests;

//! The policy executor plugged into the raw client: auth, user agent, per-request timeout,
//! retries, and the reading of every answer (redirects refused, bodies capped, a success
//! checked for its receipt; see [`answer`](crate::answer)), applied to every attempt of every
//! request (the raw client's too). Auth comes from a [`TokenProvider`] asked before each
//! attempt; an authorization that names the customer's API host (OAuth) sends the attempt
//! there.
//!
//! It also keeps a per-call [`CallTrace`] (a task-local set up by `GongClient` around each
//! call), so the typed layer knows how many attempts were made, the last status (progenitor's
//! decode errors drop it), whether an attempt was ambiguous, and what an error message must not
//! quote.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use gong_api::{BoxFuture, Executor};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};

use crate::answer::{Attempt, Reader};
use crate::auth::{self, AuthError, Authorization, TokenProvider};
use crate::excerpt::Sensitive;
use crate::rate_limit::RateLimiter;
use crate::retry::{self, Decision, Outcome, RetryConfig};

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
    /// [`Refusal::response`]: crate::rate_limit::Refusal::response
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
    fn record(&mut self, outcome: Outcome) {
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
    static TRACE: RefCell<CallTrace>;
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

/// Records `error` in the call's trace and answers for it locally (nothing is sent).
fn auth_failed(error: AuthError) -> reqwest::Response {
    let response = auth::failure_response(&error);
    let _ = TRACE.try_with(|t| t.borrow_mut().auth_error = Some(error));
    response
}

/// The executor `GongClient` installs in the raw client.
pub(crate) struct PolicyExecutor {
    pub auth: Arc<dyn TokenProvider>,
    /// The raw client's base URL; an authorization naming the customer's host replaces it.
    pub base_url: String,
    pub user_agent: HeaderValue,
    pub timeout: Option<Duration>,
    pub retry: RetryConfig,
    pub limiter: Option<RateLimiter>,
    pub max_response_bytes: usize,
}

impl fmt::Debug for PolicyExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyExecutor")
            .field("auth", &self.auth)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl PolicyExecutor {
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        authorization: &Authorization,
    ) -> Result<(), AuthError> {
        if let Some(base) = authorization.base_url()
            && !auth::rebase(request.url_mut(), &self.base_url, base)
        {
            return Err(AuthError::Config(
                "a request URL outside the client's base URL cannot be sent to the customer's host"
                    .into(),
            ));
        }
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization.header().clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        // Per request, so it holds for a caller-supplied client too; reqwest counts the body's
        // reading in it.
        if self.timeout.is_some() {
            *request.timeout_mut() = self.timeout;
        }
        Ok(())
    }

    async fn run(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let mut sensitive = Sensitive::of_url(request.url());
        let _ = TRACE.try_with(|t| {
            let mut t = t.borrow_mut();
            t.write = request.method() != Method::GET;
            t.sensitive = sensitive.clone();
        });
        let mut attempts = 0;
        // 429s sent again outside `attempts`.
        let mut resends = 0;
        let mut reauthorized = false;
        let mut next = Some(request);
        loop {
            let mut attempt = next.take().expect("set before every iteration");
            // Waiting for the limiter is not an attempt and not a retry.
            let permit = match &self.limiter {
                Some(limiter) => match limiter.acquire().await {
                    Ok(permit) => Some(permit),
                    Err(refusal) => {
                        let _ = TRACE.try_with(|t| t.borrow_mut().local_refusal = true);
                        return Ok(refusal.response());
                    }
                },
                None => None,
            };
            // Requests without a streaming body (all of Gong's) can be cloned; one that cannot
            // is sent once.
            let retry_copy = attempt.try_clone();
            let authorization = match self.auth.authorization().await {
                Ok(authorization) => authorization,
                Err(e) => return Ok(auth_failed(e)),
            };
            if let Err(e) = self.prepare(&mut attempt, &authorization) {
                return Ok(auth_failed(e));
            }
            // An answer that echoes the credentials must not carry them into a message.
            sensitive.add_credential(authorization.header());
            let _ = TRACE.try_with(|t| {
                t.borrow_mut()
                    .sensitive
                    .add_credential(authorization.header())
            });
            // After `prepare`: OAuth may have sent it to the customer's host.
            let sent = attempt.url().clone();
            let reader = Reader {
                sent: &sent,
                limit: self.max_response_bytes,
                sensitive: &sensitive,
            };
            let result = match client.execute(attempt).await {
                Ok(response) => reader.read(response).await,
                Err(e) => Attempt::Failed(e),
            };
            let outcome = result.outcome();
            let _ = TRACE.try_with(|t| t.borrow_mut().record(outcome));
            // OAuth: a 401 naming no scope gets one refresh and one more attempt.
            let (result, refreshed) = match result {
                Attempt::Answer(response) => {
                    let (response, refreshed) = auth::refresh_on_unauthorized(
                        &*self.auth,
                        &authorization,
                        Ok(response),
                        !reauthorized,
                    )
                    .await;
                    (
                        response.map_or_else(Attempt::Failed, Attempt::Answer),
                        refreshed,
                    )
                }
                other => (other, Ok(false)),
            };
            match refreshed {
                Ok(true) if retry_copy.is_some() => {
                    reauthorized = true;
                    next = retry_copy;
                    continue;
                }
                Ok(_) => {}
                Err(e) => return Ok(auth_failed(e)),
            }

            let headers = result.headers();
            // A 429 pauses every user of the quota. The request goes again after the pause,
            // outside the attempt limit, `max_429_resends` times; then 429s count as attempts,
            // so a server that refuses everything ends the call. A wait beyond the cap ends it
            // at once.
            if let (Some(limiter), Some(permit), Some(StatusCode::TOO_MANY_REQUESTS)) =
                (&self.limiter, permit, outcome.status())
            {
                let wait = headers.and_then(|h| retry::retry_after(h, SystemTime::now()));
                if limiter
                    .throttled(permit, wait, self.retry.max_retry_after)
                    .await
                    && retry_copy.is_some()
                    && resends < self.retry.max_429_resends
                {
                    resends += 1;
                    drop(result);
                    next = retry_copy;
                    continue;
                }
            }
            attempts += 1;
            let classification = retry::classify(outcome, headers, SystemTime::now());
            let decision = if retry_copy.is_some() {
                retry::decide(&self.retry, classification, attempts, fastrand::f64())
            } else {
                Decision::GiveUp
            };
            match decision {
                Decision::GiveUp => return result.into_result(),
                Decision::RetryAfter(delay) => {
                    tracing::warn!(
                        operation,
                        attempt = attempts,
                        outcome = ?outcome,
                        delay_ms = delay.as_millis() as u64,
                        "retrying Gong request"
                    );
                    drop(result);
                    tokio::time::sleep(delay).await;
                    next = retry_copy;
                }
            }
        }
    }
}

impl Executor for PolicyExecutor {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(self.run(client, request, operation_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_flags_ambiguity_only_before_the_last_attempt() {
        let mut t = CallTrace::default();
        t.record(Outcome::Status(StatusCode::CONFLICT));
        assert!(!t.ambiguous_before_last);
        let mut t = CallTrace::default();
        t.record(Outcome::TimedOut);
        assert!(
            !t.ambiguous_before_last,
            "the last attempt itself is not 'before'"
        );
        t.record(Outcome::Status(StatusCode::CONFLICT));
        assert!(t.ambiguous_before_last);
        assert_eq!(t.attempts, 2);
        assert_eq!(t.last_status, Some(StatusCode::CONFLICT));
        let mut t = CallTrace::default();
        t.record(Outcome::ConnectFailed);
        t.record(Outcome::Status(StatusCode::CONFLICT));
        assert!(
            !t.ambiguous_before_last,
            "a refused connection never reached Gong"
        );
    }

    #[test]
    fn only_a_write_with_an_ambiguous_attempt_may_have_taken_effect() {
        let broken_ok = Outcome::BrokenAnswer(StatusCode::OK);
        for (write, outcomes, expected) in [
            (true, vec![broken_ok], true),
            (false, vec![broken_ok], false),
            (true, vec![Outcome::TimedOut, Outcome::ConnectFailed], true),
            (true, vec![Outcome::ConnectFailed], false),
            (true, vec![Outcome::Status(StatusCode::BAD_REQUEST)], false),
            (true, vec![Outcome::Refused(StatusCode::FOUND)], false),
        ] {
            let mut t = CallTrace {
                write,
                ..CallTrace::default()
            };
            for outcome in &outcomes {
                t.record(*outcome);
            }
            assert_eq!(t.may_have_taken_effect(), expected, "{write} {outcomes:?}");
        }
    }
}

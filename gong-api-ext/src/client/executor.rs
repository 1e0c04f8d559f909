//! The policy executor plugged into the raw client: auth, user agent, per-request timeout,
//! retries, and the reading of every answer (redirects refused, bodies capped, a success
//! checked for its receipt; see [`answer`](crate::wire::answer)), applied to every attempt of every
//! request (the raw client's too). Auth comes from a [`TokenProvider`] asked before each
//! attempt; an authorization that names the customer's API host (OAuth) sends the attempt
//! there.
//!
//! Every attempt is noted in the call's [`CallTrace`](crate::wire::trace::CallTrace) (see
//! `wire::trace`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use gong_api::{BoxFuture, Executor};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};

use crate::auth::{self, AuthError, Authorization, TokenProvider};
use crate::policy::rate_limit::RateLimiter;
use crate::policy::retry::{self, Decision, RetryConfig};
use crate::wire::answer::{Attempt, Reader};
use crate::wire::excerpt::Sensitive;
use crate::wire::trace::TRACE;

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

//! [`GongClient`]: the documented Gong operations, validated, authenticated, retried and typed.

pub(crate) mod bulk;
pub(crate) mod config;
pub(crate) mod crm;
mod crm_calls;
pub(crate) mod executor;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use gong_api::progenitor_client::{self, ResponseValue};
use gong_api::types;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::client::config::GongClientBuilder;
use crate::client::crm::ClientRequestIdSource;
use crate::error::{ApiError, Error};
use crate::identity::email::{EmailAddress, IntoEmailAddress};
use crate::identity::phone::{IntoPhoneNumber, PhoneNumber};
use crate::identity::subject::Subject;
use crate::policy::rate_limit::RateLimiter;
use crate::policy::retry;
use crate::wire::answer::{Fault, FaultKind};
use crate::wire::excerpt;
use crate::wire::receipt::ErasureReceipt;
use crate::wire::trace::{CallTrace, traced};

/// The header Gong sets to the response's `requestId`.
const TRACE_ID: &str = "x-traceid";

type RawError = progenitor_client::Error<types::ErrorResponse>;

/// A client for Gong's data-privacy and CRM-integration API. Cheap to clone: clones share one
/// connection pool and configuration.
///
/// Every method validates its input before any network call, authenticates, retries what is
/// safe to retry (see [`RetryConfig`](crate::RetryConfig)) and returns a typed [`Error`].
///
/// ```no_run
/// use gong_api_ext::GongClient;
///
/// # async fn run() -> Result<(), gong_api_ext::Error> {
/// let client = GongClient::from_env()?;
/// let found = client.find_references_by_email("jane@example.com").await?;
/// println!("{} calls, {} emails", found.calls.len(), found.emails.len());
/// let receipt = client.erase_email_address("jane@example.com").await?;
/// println!("erasure requested, Gong requestId {}", receipt.request_id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct GongClient {
    shared: Arc<Shared>,
}

struct Shared {
    raw: gong_api::Client,
    auth_scheme: &'static str,
    client_request_ids: ClientRequestIdSource,
    limiter: Option<RateLimiter>,
}

impl fmt::Debug for GongClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GongClient")
            .field("base_url", &self.base_url())
            .field("auth", &self.shared.auth_scheme)
            .finish_non_exhaustive()
    }
}

impl GongClient {
    /// Starts configuring a client.
    pub fn builder() -> GongClientBuilder {
        GongClientBuilder::default()
    }

    /// A client configured from `GONG_ACCESS_KEY` and `GONG_ACCESS_KEY_SECRET`, or
    /// `GONG_BEARER_TOKEN`, and optionally `GONG_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        GongClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        raw: gong_api::Client,
        auth_scheme: &'static str,
        client_request_ids: ClientRequestIdSource,
        limiter: Option<RateLimiter>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                raw,
                auth_scheme,
                client_request_ids,
                limiter,
            }),
        }
    }

    /// The rate limiter pacing this client's requests (`None` after
    /// [`no_rate_limit`](GongClientBuilder::no_rate_limit)): ask it for today's
    /// [`usage`](RateLimiter::usage) before a batch, e.g. to say how many calls are left.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.shared.limiter.as_ref()
    }

    /// The API base URL requests go to, ending in `/v2`. With OAuth, each call goes to the
    /// customer's host from the token response instead, and this is the default host.
    pub fn base_url(&self) -> &str {
        gong_api::ClientInfo::baseurl(&self.shared.raw)
    }

    /// The generated client underneath, for operations this crate does not wrap. It shares
    /// this client's authentication and retries, but not its input validation.
    pub fn raw(&self) -> &gong_api::Client {
        &self.shared.raw
    }

    /// What Gong holds that references an email address (`GET
    /// /data-privacy/data-for-email-address`, scope `api:data-privacy:read`). An unknown
    /// address answers with empty lists.
    pub async fn find_references_by_email(
        &self,
        email: impl IntoEmailAddress,
    ) -> Result<types::EmailAddressReferences, Error> {
        let email = email.into_email_address()?;
        Ok(self.find_references_by_email_as_received(&email).await?.0)
    }

    /// [`find_references_by_email`](Self::find_references_by_email), with Gong's answer as
    /// received, byte for byte: an access export keeps it so, since decoding and encoding again
    /// drops empty lists and `null`s and may reorder fields.
    pub async fn find_references_by_email_as_received(
        &self,
        email: &EmailAddress,
    ) -> Result<(types::EmailAddressReferences, Vec<u8>), Error> {
        let raw = &self.shared.raw;
        let (response, body) = call_as_received(
            "find_all_references_to_email_address",
            raw.find_all_references_to_email_address(email.as_str()),
        )
        .await?;
        Ok((response.into_inner(), body.to_vec()))
    }

    /// What Gong holds that references a phone number (`GET
    /// /data-privacy/data-for-phone-number`, scope `api:data-privacy:read`).
    pub async fn find_references_by_phone(
        &self,
        phone: impl IntoPhoneNumber,
    ) -> Result<types::PhoneNumberReferences, Error> {
        let phone = phone.into_phone_number()?;
        Ok(self.find_references_by_phone_as_received(&phone).await?.0)
    }

    /// [`find_references_by_phone`](Self::find_references_by_phone), with Gong's answer as
    /// received, byte for byte: an access export keeps it so, since decoding and encoding again
    /// drops empty lists and `null`s and may reorder fields.
    pub async fn find_references_by_phone_as_received(
        &self,
        phone: &PhoneNumber,
    ) -> Result<(types::PhoneNumberReferences, Vec<u8>), Error> {
        let raw = &self.shared.raw;
        let (response, body) = call_as_received(
            "find_all_references_to_phone_number",
            raw.find_all_references_to_phone_number(phone.as_str()),
        )
        .await?;
        Ok((response.into_inner(), body.to_vec()))
    }

    /// Asks Gong to erase every call, email, lead and contact that references an email address
    /// (`POST /data-privacy/erase-data-for-email-address`, scope `api:data-privacy:delete`).
    /// Erasure takes hours; the receipt's `request_id` is the only record Gong gives.
    pub async fn erase_email_address(
        &self,
        email: impl IntoEmailAddress,
    ) -> Result<ErasureReceipt, Error> {
        self.erase(Subject::Email(email.into_email_address()?))
            .await
    }

    /// Asks Gong to erase the leads and contacts with a phone number, and their calls and
    /// emails (`POST /data-privacy/erase-data-for-phone-number`, scope
    /// `api:data-privacy:delete`).
    pub async fn erase_phone_number(
        &self,
        phone: impl IntoPhoneNumber,
    ) -> Result<ErasureReceipt, Error> {
        self.erase(Subject::Phone(phone.into_phone_number()?)).await
    }

    /// Erases a validated [`Subject`] of either kind.
    pub async fn erase(&self, subject: Subject) -> Result<ErasureReceipt, Error> {
        let raw = &self.shared.raw;
        let (operation, response) = match &subject {
            Subject::Email(e) => {
                let operation = "purge_email_address";
                (
                    operation,
                    call(operation, raw.purge_email_address(e.as_str())).await?,
                )
            }
            Subject::Phone(p) => {
                let operation = "purge_phone_number";
                (
                    operation,
                    call(operation, raw.purge_phone_number(p.as_str())).await?,
                )
            }
        };
        // The executor lets no success without a `requestId` through (it is retried); this
        // is the receipt's last check, never a fallback to something else.
        let status = response.status();
        let request_id = response
            .into_inner()
            .request_id
            .ok_or(Error::BrokenResponse {
                operation,
                attempts: 1,
                status,
                fault: crate::AnswerFault::NoRequestId,
                request_id: None,
                may_have_taken_effect: true,
            })?;
        Ok(ErasureReceipt {
            subject,
            request_id,
        })
    }
}

/// Runs one raw call with a trace and maps its error.
async fn call<T>(
    operation: &'static str,
    request: impl Future<Output = Result<ResponseValue<T>, RawError>>,
) -> Result<ResponseValue<T>, Error> {
    Ok(call_as_received(operation, request).await?.0)
}

/// [`call`], with the success answer's body as received (empty when the executor did not
/// read one, which cannot happen for a success through `GongClient`).
async fn call_as_received<T>(
    operation: &'static str,
    request: impl Future<Output = Result<ResponseValue<T>, RawError>>,
) -> Result<(ResponseValue<T>, Bytes), Error> {
    let (result, trace) = traced(request).await;
    match result {
        Ok(response) => Ok((response, trace.success_body.unwrap_or_default())),
        Err(e) => Err(unsettled(
            into_error(e, operation, &trace).await,
            operation,
            &trace,
        )),
    }
}

/// A refusal that stopped the retries of a write after an attempt whose answer was lost is
/// [`Error::OutcomeUnknown`]: its own words ("no request was sent") are about the last attempt
/// only.
fn unsettled(error: Error, operation: &'static str, trace: &CallTrace) -> Error {
    match error {
        Error::BudgetExhausted(_) | Error::RateLimited { .. } | Error::QuotaStoreUnavailable(_)
            if trace.may_have_taken_effect() =>
        {
            Error::OutcomeUnknown {
                operation,
                cause: Box::new(error),
            }
        }
        other => other,
    }
}

fn trace_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(TRACE_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Maps progenitor's error, with what the executor saw, onto [`Error`].
pub(crate) async fn into_error(
    error: RawError,
    operation: &'static str,
    trace: &CallTrace,
) -> Error {
    use progenitor_client::Error as E;
    if let Some(auth) = &trace.auth_error {
        return Error::Auth(auth.clone());
    }
    match error {
        E::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_inner();
            gong_error(status, &headers, body.request_id, body.errors, trace)
        }
        E::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            // The executor read the body whole already: this cannot fail or grow.
            let bytes = response.bytes().await.unwrap_or_default();
            let excerpt = || excerpt::excerpt(&bytes, &trace.sensitive);
            match serde_json::from_slice::<types::ErrorResponse>(&bytes) {
                Ok(body) => gong_error(status, &headers, body.request_id, body.errors, trace),
                Err(_)
                    if status == StatusCode::TOO_MANY_REQUESTS
                        || status == StatusCode::UNAUTHORIZED =>
                {
                    gong_error(status, &headers, None, vec![excerpt()], trace)
                }
                Err(_) => Error::UndecodableResponse {
                    status,
                    body_excerpt: excerpt(),
                    request_id: trace_id(&headers),
                },
            }
        }
        E::InvalidResponsePayload(bytes, _) => Error::UndecodableResponse {
            status: trace.last_status.unwrap_or(StatusCode::OK),
            body_excerpt: excerpt::excerpt(&bytes, &trace.sensitive),
            request_id: None,
        },
        E::CommunicationError(source)
        | E::ResponseBodyError(source)
        | E::InvalidUpgrade(source) => match Fault::find(&source) {
            Some(fault) => fault_error(fault, operation, trace),
            None => Error::Transport {
                operation,
                attempts: trace.attempts.max(1),
                may_have_taken_effect: trace.may_have_taken_effect(),
                source: source.without_url(),
            },
        },
        E::InvalidRequest(message) | E::Custom(message) => {
            Error::Config(format!("{operation}: {message}"))
        }
    }
}

fn gong_error(
    status: StatusCode,
    headers: &HeaderMap,
    request_id: Option<String>,
    errors: Vec<String>,
    trace: &CallTrace,
) -> Error {
    if trace.local_refusal
        && let Some(refusal) = crate::policy::refusal::local_refusal(headers, &errors)
    {
        return refusal;
    }
    let errors: Vec<String> = errors
        .iter()
        .map(|e| trace.sensitive.mask_credentials(e))
        .collect();
    let request_id = request_id.or_else(|| trace_id(headers));
    let retry_after = retry::retry_after(headers, SystemTime::now());
    match status {
        StatusCode::UNAUTHORIZED => {
            let error = ApiError {
                status,
                request_id,
                errors,
                retry_after,
            };
            match crate::auth::missing_scope(&error.errors) {
                Some(scope) => Error::MissingScope { scope, error },
                None => Error::Unauthorized(error),
            }
        }
        StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
            retry_after,
            request_id,
            attempts: trace.attempts.max(1),
        },
        _ => Error::Api(ApiError {
            status,
            request_id,
            errors,
            retry_after,
        }),
    }
}

/// The error for an answer the executor refused or could not read.
fn fault_error(fault: &Fault, operation: &'static str, trace: &CallTrace) -> Error {
    let status = fault.status;
    let may_have_taken_effect = trace.may_have_taken_effect();
    match &fault.kind {
        FaultKind::Redirect { location } => Error::Redirected {
            operation,
            status: Some(status),
            location: location.clone(),
        },
        FaultKind::Elsewhere { url } => Error::Redirected {
            operation,
            status: None,
            location: Some(url.clone()),
        },
        FaultKind::TooLarge { limit } => Error::ResponseTooLarge {
            operation,
            status,
            limit: *limit,
            may_have_taken_effect,
        },
        FaultKind::Broken { fault: broken, .. } => Error::BrokenResponse {
            operation,
            attempts: trace.attempts.max(1),
            status,
            fault: broken.clone(),
            request_id: trace_id(&fault.headers),
            may_have_taken_effect,
        },
    }
}

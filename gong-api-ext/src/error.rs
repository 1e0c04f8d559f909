//! The one error type users match on.
//!
//! Every variant that came from Gong keeps Gong's `requestId` ([`Error::request_id`]), which is
//! what Gong support asks for. No variant holds a credential, and transport errors are stripped
//! of their URL: the URL carries the data subject's address or number.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::auth::AuthError;

/// What kind of input failed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputKind {
    /// An email address.
    EmailAddress,
    /// A phone number.
    PhoneNumber,
    /// An email address or a phone number, kind not given.
    Subject,
    /// A CRM `clientRequestId`.
    ClientRequestId,
    /// A CRM `integrationId`.
    IntegrationId,
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmailAddress => "email address",
            Self::PhoneNumber => "phone number",
            Self::Subject => "subject",
            Self::ClientRequestId => "client request id",
            Self::IntegrationId => "integration id",
        })
    }
}

/// An input that was rejected before any network call: what it was and the rule it broke.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {input:?}: {rule}")]
pub struct InvalidInput {
    kind: InputKind,
    input: String,
    rule: String,
}

impl InvalidInput {
    pub(crate) fn new(kind: InputKind, input: &str, rule: &str) -> Self {
        Self {
            kind,
            input: input.to_owned(),
            rule: rule.to_owned(),
        }
    }

    /// What kind of input it was.
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// The input as given.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The rule it broke, in words.
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

/// An error answer from Gong, with everything Gong said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Gong's request reference, from the body or the `x-traceid` header.
    pub request_id: Option<String>,
    /// Gong's `errors[]` messages.
    pub errors: Vec<String>,
    /// The `Retry-After` the response carried, if any.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gong answered {}", self.status)?;
        if !self.errors.is_empty() {
            write!(f, ": {}", self.errors.join("; "))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (requestId {id})")?;
        }
        Ok(())
    }
}

/// Everything a call through [`GongClient`](crate::GongClient) can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was rejected before any network call.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),

    /// The client's configuration (builder or environment) is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// 401: the credentials are wrong, expired or revoked. (A 401 naming a scope is
    /// [`MissingScope`](Self::MissingScope).)
    #[error("unauthorized: {}", .0.errors.join("; "))]
    Unauthorized(ApiError),

    /// 401 naming an OAuth scope the credentials lack. Refreshing cannot fix it: the app must
    /// request the scope, and the customer authorise it again.
    #[error("the credentials lack the scope {scope}: {}", .error.errors.join("; "))]
    MissingScope {
        /// The scope Gong named, e.g. `api:data-privacy:delete`.
        scope: String,
        /// Gong's answer.
        error: ApiError,
    },

    /// No credential could be had for the request (nothing was sent): see [`AuthError`];
    /// [`AuthError::ReauthorizationRequired`] means the customer must authorise the app in
    /// Gong again.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// 429, and retrying stopped: either the attempts ran out, or Gong asked for a wait longer
    /// than the configured cap (`retry_after` says how long).
    #[error("rate limited by Gong after {attempts} attempt(s){}", fmt_wait(.retry_after))]
    RateLimited {
        /// How long Gong asked to wait, when it said.
        retry_after: Option<Duration>,
        /// Gong's request reference.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },

    /// A client-side budget (e.g. the daily call budget) is exhausted.
    #[error("{0}")]
    BudgetExhausted(String),

    /// Any other error status from Gong.
    #[error("{0}")]
    Api(ApiError),

    /// The request could not be sent or its response not read (after retries).
    #[error("could not reach Gong for {operation} after {attempts} attempt(s): {source}")]
    Transport {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The underlying error, without its URL.
        #[source]
        source: reqwest::Error,
    },

    /// Gong's answer could not be decoded (an HTML error page, a malformed body).
    #[error("undecodable response from Gong ({status}): {body_excerpt:?}")]
    UndecodableResponse {
        /// The HTTP status of the last attempt.
        status: StatusCode,
        /// The first bytes of the body, lossily decoded.
        body_excerpt: String,
        /// Gong's request reference, from the `x-traceid` header.
        request_id: Option<String>,
    },

    /// A CRM request (e.g. an integration deletion) ended in `FAILED`.
    #[error("CRM request {client_request_id} failed: {}", .errors.join("; "))]
    CrmRequestFailed {
        /// The `clientRequestId` of the request.
        client_request_id: String,
        /// Gong's error descriptions.
        errors: Vec<String>,
        /// Gong's request reference of the status call.
        request_id: Option<String>,
    },

    /// Waiting for a CRM request gave up at its deadline; it may still complete.
    #[error("CRM request {client_request_id} still {last_status} at the deadline")]
    CrmWaitTimedOut {
        /// The `clientRequestId` of the request.
        client_request_id: String,
        /// The last status seen.
        last_status: String,
    },
}

fn fmt_wait(wait: &Option<Duration>) -> String {
    wait.map(|d| format!("; Gong asked to wait {}s", d.as_secs_f64()))
        .unwrap_or_default()
}

impl Error {
    /// Gong's `requestId` for this failure, when Gong answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Unauthorized(e) | Self::Api(e) | Self::MissingScope { error: e, .. } => {
                e.request_id.as_deref()
            }
            Self::RateLimited { request_id, .. }
            | Self::UndecodableResponse { request_id, .. }
            | Self::CrmRequestFailed { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of Gong's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Unauthorized(e) | Self::Api(e) | Self::MissingScope { error: e, .. } => {
                Some(e.status)
            }
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Self::UndecodableResponse { status, .. } => Some(*status),
            Self::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether only a new authorization of the app by the customer can fix this (OAuth
    /// `invalid_grant`, or no tokens stored).
    pub fn requires_reauthorization(&self) -> bool {
        matches!(self, Self::Auth(e) if e.is_reauthorization_required())
    }

    /// The OAuth scope a 401 said is missing.
    pub fn missing_scope(&self) -> Option<&str> {
        match self {
            Self::MissingScope { scope, .. } => Some(scope),
            _ => None,
        }
    }

    /// Whether the input was rejected before any request was sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput(_))
    }
}

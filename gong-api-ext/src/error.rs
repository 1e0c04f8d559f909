// Over 500 lines: every variant of the one public error type, with its documentation, in one place.
//! The one error type users match on.
//!
//! Every variant that came from Gong keeps Gong's `requestId` ([`Error::request_id`]), which is
//! what Gong support asks for. No variant holds a credential, and transport errors are stripped
//! of their URL: the URL carries the data subject's address or number.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

mod auth;
pub use auth::AuthError;

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
///
/// When the input names one number unambiguously but is refused because it is not written the
/// way it would be dialled from abroad (a trunk prefix after the country code), the corrected
/// form is also given by [`InvalidInput::suggestion`], for a tool to offer; it is never applied
/// silently.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {input:?}: {rule}")]
pub struct InvalidInput {
    kind: InputKind,
    input: String,
    rule: String,
    suggestion: Option<String>,
}

impl InvalidInput {
    pub(crate) fn new(kind: InputKind, input: &str, rule: &str) -> Self {
        Self {
            kind,
            input: input.to_owned(),
            rule: rule.to_owned(),
            suggestion: None,
        }
    }

    /// The same refusal, with the corrected input a user may confirm.
    #[cfg_attr(not(feature = "numbering-plan"), allow(dead_code))]
    pub(crate) fn with_suggestion(mut self, suggestion: String) -> Self {
        self.suggestion = Some(suggestion);
        self
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

    /// The corrected input, when there is exactly one (e.g. `+442079460018` for
    /// `+44 020 7946 0018`). The rule's text names it too. Use it only after the user confirms:
    /// the input was refused because it was not written as Gong would match it.
    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
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

/// What was wrong with an answer whose status arrived but whose body could not be used. A
/// success with such a body is retried like a 5xx (erasing twice is harmless, and the retry
/// brings the receipt); this is what the last attempt saw.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerFault {
    /// The connection closed (or was reset) while the body was read.
    ConnectionClosed,
    /// The body stalled past the per-attempt timeout while it was read.
    Stalled,
    /// The body is JSON that ends early: it was cut off.
    Truncated,
    /// The body of a success is not JSON (an HTML page, text, nothing). `excerpt` is a short,
    /// PII-free prefix of it (see [`GongClientBuilder::max_response_bytes`](crate::GongClientBuilder::max_response_bytes)
    /// for what "PII-free" means here); empty for an empty body.
    NotJson {
        /// At most 80 characters of the body's text, with the subject, email addresses and
        /// digit runs masked.
        excerpt: String,
    },
    /// The body of a success is a JSON object without a `requestId` (missing, `null`, empty,
    /// or not a string): it is not Gong's answer, whose every body carries one.
    NoRequestId,
}

impl fmt::Display for AnswerFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConnectionClosed => {
                f.write_str("the connection closed while Gong's answer was read")
            }
            Self::Stalled => {
                f.write_str("Gong's answer stalled past the per-attempt timeout while it was read")
            }
            Self::Truncated => f.write_str("Gong's answer was cut off (its JSON ends early)"),
            Self::NotJson { excerpt } if excerpt.is_empty() => {
                f.write_str("Gong's answer has an empty body")
            }
            Self::NotJson { excerpt } => write!(f, "Gong's answer is not JSON: {excerpt:?}"),
            Self::NoRequestId => f.write_str("Gong's answer carries no requestId"),
        }
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

    /// 429, and retrying stopped: either the attempts ran out (with the rate limiter, after
    /// [`RetryConfig::max_429_resends`](crate::RetryConfig::max_429_resends) more 429s sent
    /// again outside them), or Gong asked for a wait longer than the configured cap
    /// (`retry_after` says how long).
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

    /// The shared quota store (e.g. Redis) could not be reached, so no request was sent: the
    /// client fails closed rather than send without the company's shared quota.
    #[error("{0}")]
    QuotaStoreUnavailable(String),

    /// Any other error status from Gong.
    #[error("{0}")]
    Api(ApiError),

    /// The request could not be sent, or no response arrived (after retries).
    #[error(
        "{} for {operation} after {attempts} attempt(s){}",
        transport_reason(.source),
        effect_note(.operation, *.may_have_taken_effect)
    )]
    Transport {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// Whether Gong may have acted on the request (a write whose attempt timed out or
        /// whose connection broke after it was sent).
        may_have_taken_effect: bool,
        /// The underlying error, without its URL.
        #[source]
        source: reqwest::Error,
    },

    /// The answer was a redirect, or (with a caller-supplied HTTP client that follows them)
    /// came from another URL than the one asked. Redirects are never followed and never read
    /// as Gong's answer, and never retried: Gong's API does not redirect, so a wrong base URL
    /// or a proxy in between is answering.
    #[error("{}", redirect_message(.operation, .status, .location))]
    Redirected {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// The redirect's status; `None` when the HTTP client followed it.
        status: Option<StatusCode>,
        /// Where it pointed (resolved, without its query, which may carry the subject), or the
        /// URL the followed redirect ended at.
        location: Option<String>,
    },

    /// The answer's body is larger than the configured cap
    /// ([`GongClientBuilder::max_response_bytes`](crate::GongClientBuilder::max_response_bytes));
    /// it was not read. Not retried.
    #[error(
        "Gong's answer to {operation} ({status}) is larger than the {} limit and was not read; raise GongClientBuilder::max_response_bytes if this subject really has that much data{}",
        fmt_bytes(*.limit),
        effect_note(.operation, *.may_have_taken_effect)
    )]
    ResponseTooLarge {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// The answer's status.
        status: StatusCode,
        /// The cap, in bytes.
        limit: usize,
        /// Whether Gong may have acted on the request (a write whose answer was a success, or
        /// an earlier attempt that failed ambiguously).
        may_have_taken_effect: bool,
    },

    /// Gong's status arrived but the body could not be used ([`AnswerFault`]), on every
    /// attempt that was allowed.
    #[error(
        "{fault}{} ({operation} answered {status}; {attempts} attempt(s))",
        effect_note(.operation, *.may_have_taken_effect)
    )]
    BrokenResponse {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The last attempt's status.
        status: StatusCode,
        /// What was wrong with the body.
        fault: AnswerFault,
        /// Gong's request reference, from the `x-traceid` header.
        request_id: Option<String>,
        /// Whether Gong may have acted on the request (a write answered with a success it
        /// could not read, or an attempt that failed ambiguously).
        may_have_taken_effect: bool,
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

    /// A write whose attempt was sent and its answer lost (a timeout, a cut connection, a 5xx),
    /// and whose retries were then stopped by `cause` before another attempt got an answer:
    /// the daily budget, Gong's long `Retry-After` or the quota store. Gong may have acted on
    /// it; sending it again settles it (Gong's erasures are idempotent).
    #[error(
        "sent, outcome unknown: an attempt of {operation} was sent and its answer lost{}; retrying it stopped: {cause}",
        effect_note(.operation, true)
    )]
    OutcomeUnknown {
        /// The operation (the generated method's name).
        operation: &'static str,
        /// What stopped the retries.
        cause: Box<Error>,
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
    match wait {
        // Whole seconds (Gong's form) print as integers, even absurd ones.
        Some(d) if d.subsec_nanos() == 0 => format!("; Gong asked to wait {}s", d.as_secs()),
        Some(d) => format!("; Gong asked to wait {:.3}s", d.as_secs_f64()),
        None => String::new(),
    }
}

/// What went wrong on the wire, in words, with the innermost cause (an OS error, a TLS
/// alert): reqwest's own message ("error sending request") says little.
fn transport_reason(error: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = error;
    while let Some(next) = root.source() {
        root = next;
    }
    if error.is_timeout() {
        "no answer from Gong within the per-attempt timeout".to_owned()
    } else if error.is_connect() {
        format!("could not connect to Gong ({root})")
    } else {
        format!("the connection to Gong failed before it answered ({root})")
    }
}

/// What a write may have done when its answer was lost; empty for reads and for failures that
/// cannot have reached Gong.
pub(crate) fn effect_note(operation: &str, may_have_taken_effect: bool) -> &'static str {
    if !may_have_taken_effect {
        return "";
    }
    match operation {
        "purge_email_address"
        | "purge_phone_number"
        | "delete_email_references"
        | "delete_phone_references" => "; the erasure may have been done",
        "delete_generic_crm_integration" => "; the deletion may have been registered",
        _ => "; the request may have taken effect",
    }
}

fn redirect_message(
    operation: &str,
    status: &Option<StatusCode>,
    location: &Option<String>,
) -> String {
    let location = location.as_deref().unwrap_or("(no Location header)");
    match status {
        Some(status) => format!(
            "{operation}: the server answered {status} redirecting to {location}; redirects are never followed, so there is no answer from Gong and no receipt: check the base URL (your company's API host, e.g. https://us-55616.api.gong.io) and any proxy between you and Gong"
        ),
        None => format!(
            "{operation}: the HTTP client followed a redirect to {location}; that answer is not Gong's and was discarded (no receipt): build the client given to GongClientBuilder::http_client with reqwest::redirect::Policy::none(), and check the base URL and any proxy between you and Gong"
        ),
    }
}

/// `8388608` -> `8 MiB`.
fn fmt_bytes(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

impl Error {
    /// Gong's `requestId` for this failure, when Gong answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Unauthorized(e) | Self::Api(e) | Self::MissingScope { error: e, .. } => {
                e.request_id.as_deref()
            }
            Self::OutcomeUnknown { cause, .. } => cause.request_id(),
            Self::RateLimited { request_id, .. }
            | Self::UndecodableResponse { request_id, .. }
            | Self::BrokenResponse { request_id, .. }
            | Self::CrmRequestFailed { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether Gong may have acted on this failed call: a write with an attempt whose answer
    /// was lost ([`OutcomeUnknown`](Self::OutcomeUnknown), and the `may_have_taken_effect` of
    /// [`Transport`](Self::Transport), [`ResponseTooLarge`](Self::ResponseTooLarge) and
    /// [`BrokenResponse`](Self::BrokenResponse)). Then "not sent" would be untrue: send it
    /// again to settle it.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::OutcomeUnknown { .. } => true,
            Self::Transport {
                may_have_taken_effect,
                ..
            }
            | Self::ResponseTooLarge {
                may_have_taken_effect,
                ..
            }
            | Self::BrokenResponse {
                may_have_taken_effect,
                ..
            } => *may_have_taken_effect,
            _ => false,
        }
    }

    /// What stopped the call: the `cause` of [`OutcomeUnknown`](Self::OutcomeUnknown) (the
    /// budget, say), otherwise the error itself.
    pub fn stopped_by(&self) -> &Error {
        match self {
            Self::OutcomeUnknown { cause, .. } => cause.stopped_by(),
            other => other,
        }
    }

    /// The HTTP status of Gong's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Unauthorized(e) | Self::Api(e) | Self::MissingScope { error: e, .. } => {
                Some(e.status)
            }
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Self::UndecodableResponse { status, .. }
            | Self::ResponseTooLarge { status, .. }
            | Self::BrokenResponse { status, .. } => Some(*status),
            Self::Redirected { status, .. } => *status,
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

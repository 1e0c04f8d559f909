//! Exit codes, and errors told in terms a person can act on: the flag or variable to fix, the
//! cause of a connection failure, never a library-internal name.

use std::error::Error as _;
use std::io::ErrorKind;

use gong_api_ext::reqwest::StatusCode;
use gong_api_ext::{AuthError, Error};

/// Every subject (or the one request) done.
pub const DONE: u8 = 0;
/// Some subjects failed (a rerun of the same command retries them), or the request failed.
pub const FAILED: u8 = 1;
/// Usage, configuration or input error; nothing was sent.
pub const USAGE: u8 = 2;
/// Gong refused the credentials (401/403), or the OAuth login is unusable.
pub const AUTH: u8 = 3;
/// The daily budget (ours or Gong's) is used up; run the same command again later to continue.
pub const BUDGET: u8 = 4;
/// The confirmation was declined; nothing was sent or written.
pub const DECLINED: u8 = 5;
/// `crm delete --wait` gave up at --wait-timeout; the deletion goes on at Gong.
pub const WAIT_TIMEOUT: u8 = 6;
/// The OAuth grant is gone (`invalid_grant`): the customer's Gong administrator must authorise
/// the app again (`gong-privacy auth login`).
pub const REAUTHORIZE: u8 = 7;
/// The credentials lack a scope the command needs; the message names it.
pub const MISSING_SCOPE: u8 = 8;
/// Some subjects were held back for review by the blast-radius guard, none failed; after
/// review, `--allow SUBJECT` erases one, `--allow-large` all.
pub const HELD_BACK: u8 = 9;
/// `verify`: some subjects are still present (or present again) in Gong; verify again later.
pub const NOT_CLEAN: u8 = 10;
/// Interrupted (Ctrl-C); the journal says what was done, and a rerun resumes.
pub const INTERRUPTED: u8 = 130;

/// The exit codes, as `--help` lists them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    all done
  1    some subjects (or the request) failed; rerun the same command to retry them
  2    usage, configuration or input error; nothing was sent
  3    Gong refused the credentials (401/403), or the OAuth login is unusable
  4    daily budget reached; run the same command again later to continue
  5    declined at the confirmation; nothing was sent or written
  6    crm delete --wait gave up at --wait-timeout (the deletion goes on at Gong)
  7    the customer must authorise the app again (OAuth invalid_grant): run `gong-privacy auth login`
  8    the credentials lack a scope the command needs (the message names it)
  9    some subjects were held back for review (too much data, or a shared number);
       after review, rerun with --allow SUBJECT (each reviewed) or --allow-large
  10   verify: some subjects are still present, or present again; verify again later
  130  interrupted (Ctrl-C); rerun the same command to resume";

/// Why the command stops, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Usage, configuration or input: nothing was sent.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    /// The work failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: FAILED,
            message: message.into(),
        }
    }

    /// An SDK error, with the code its kind calls for and a message a person can act on.
    pub fn from_sdk(error: Error) -> Self {
        Self {
            code: code_of(&error),
            message: describe(&error),
        }
    }
}

/// The exit code an SDK error calls for.
pub fn code_of(error: &Error) -> u8 {
    match error {
        Error::OutcomeUnknown { cause, .. } => code_of(cause),
        Error::InvalidInput(_) | Error::Config(_) => USAGE,
        Error::MissingScope { .. } => MISSING_SCOPE,
        e if e.requires_reauthorization() => REAUTHORIZE,
        Error::Unauthorized(_) | Error::Auth(AuthError::TokenEndpoint { .. }) => AUTH,
        Error::Api(e) if e.status == StatusCode::FORBIDDEN => AUTH,
        Error::BudgetExhausted(_) => BUDGET,
        e if daily_limit_wait(e).is_some() => BUDGET,
        Error::CrmWaitTimedOut { .. } => WAIT_TIMEOUT,
        _ => FAILED,
    }
}

/// Whether an error with this code would repeat for every subject of a batch (credentials,
/// scope, budget), so that the batch stops instead of trying each.
pub fn stops_batch(code: u8) -> bool {
    matches!(code, AUTH | REAUTHORIZE | MISSING_SCOPE | BUDGET)
}

/// Gong asked to wait longer than a retry would (its daily limit answers in hours): the wait.
pub fn daily_limit_wait(error: &Error) -> Option<std::time::Duration> {
    match error.stopped_by() {
        Error::RateLimited {
            retry_after: Some(wait),
            ..
        } if wait.as_secs() >= 60 => Some(*wait),
        _ => None,
    }
}

/// The error in words a person can act on.
pub fn describe(error: &Error) -> String {
    match error {
        Error::Config(message) => config_hint(message),
        Error::Unauthorized(e) => format!(
            "Gong refused the credentials ({}{}); check {}{}",
            e.status,
            gong_said(&e.errors),
            crate::cli::source::Source::current().what_to_check(),
            request_id(e.request_id.as_deref()),
        ),
        Error::Api(e) if e.status == StatusCode::FORBIDDEN => format!(
            "Gong refused access ({}{}): the key lacks the permission or scope for this \
             command{}",
            e.status,
            gong_said(&e.errors),
            request_id(e.request_id.as_deref()),
        ),
        Error::MissingScope { scope, error } => format!(
            "the credentials lack the scope {scope}{}: {}{}",
            gong_said(&error.errors),
            crate::cli::source::Source::current().how_to_get_scope(scope),
            request_id(error.request_id.as_deref()),
        ),
        e if e.requires_reauthorization() => format!(
            "{e}. A Gong technical administrator of the customer must authorise the app again: \
             run `gong-privacy auth login`"
        ),
        // The library's message names the builder method; a CLI user has the flag.
        Error::ResponseTooLarge {
            operation,
            status,
            limit,
            may_have_taken_effect,
        } => format!(
            "Gong's answer to {operation} ({status}) is larger than the {} MiB limit and was not \
             read{}; if this subject really has that much data, run again with \
             --max-response-mib N (more than {})",
            limit / crate::cli::source::MIB,
            if *may_have_taken_effect {
                "; Gong may have acted on it"
            } else {
                ""
            },
            limit / crate::cli::source::MIB,
        ),
        Error::Transport {
            operation,
            attempts,
            source,
            may_have_taken_effect,
        } => format!(
            "could not reach Gong after {attempts} attempt(s): {}{}",
            transport_cause(source),
            match (*may_have_taken_effect, *operation) {
                (false, _) => "",
                // A new `crm delete` is a new request: what to do is said with its id.
                (true, "delete_generic_crm_integration") => "; Gong may have acted on it",
                (true, _) => "; Gong may have acted on it, and a rerun sends it again",
            }
        ),
        Error::OutcomeUnknown { operation, cause } => match *operation {
            // A new `crm delete` is a new request: what to do is said with its id.
            "delete_generic_crm_integration" => format!(
                "sent, outcome unknown: the deletion request was sent and its answer lost, so \
                 Gong may have done it; retrying it stopped: {}",
                describe(cause)
            ),
            _ => format!(
                "sent, outcome unknown: the erase request was sent and its answer lost, so Gong \
                 may have done it; retrying it stopped: {}. The rerun sends it again (the same \
                 request, safe to repeat) and settles it",
                describe(cause)
            ),
        },
        e => match daily_limit_wait(e) {
            Some(wait) => format!(
                "Gong's rate limit (its daily limit, most likely) asks to wait {}; no further \
                 request is sent before then",
                humantime::format_duration(std::time::Duration::from_secs(wait.as_secs()))
            ),
            None => e.to_string(),
        },
    }
}

fn gong_said(errors: &[String]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!(": {}", errors.join("; "))
    }
}

fn request_id(id: Option<&str>) -> String {
    id.map(|id| format!(" (Gong requestId {id})"))
        .unwrap_or_default()
}

/// Names the flag or environment variable a configuration error is about.
pub fn config_hint(message: &str) -> String {
    let setting = if message.contains("base URL") {
        "set by --base-url or GONG_BASE_URL"
    } else if let Some(rest) = message.strip_prefix("rate limit: ") {
        return format!("--rate: {rest}");
    } else if message.contains("bearer token") {
        "set by GONG_BEARER_TOKEN"
    } else if message.contains("access key") || message.contains("credentials contain") {
        "set by GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN"
    } else {
        return message.to_owned();
    };
    format!("{message} ({setting})")
}

/// What went wrong with the connection: refused, DNS, TLS, timeout, or the innermost cause.
pub fn transport_cause(error: &gong_api_ext::reqwest::Error) -> String {
    let mut causes: Vec<String> = Vec::new();
    let mut io_kind = None;
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        causes.push(cause.to_string());
        source = cause.source();
    }
    let all = causes.join(": ").to_ascii_lowercase();
    let innermost = causes.last().cloned().unwrap_or_else(|| error.to_string());
    if error.is_timeout() || io_kind == Some(ErrorKind::TimedOut) {
        "no answer within the timeout (raise it with --timeout)".into()
    } else if io_kind == Some(ErrorKind::ConnectionRefused) {
        "connection refused: is --base-url (or GONG_BASE_URL) the right host and port?".into()
    } else if all.contains("dns error") || all.contains("failed to lookup address") {
        format!("DNS lookup failed ({innermost}): check the host in --base-url or GONG_BASE_URL")
    } else if all.contains("certificate") || all.contains("tls") || all.contains("handshake") {
        format!("TLS failed: {innermost}")
    } else if io_kind == Some(ErrorKind::ConnectionReset) {
        "the connection was reset by the server or a proxy".into()
    } else {
        innermost
    }
}

#[cfg(test)]
mod tests;

//! Why the limiter refused an attempt ([`Refusal`]), and the local answer that stands for it.
//! Below both the quota state that decides a refusal and the limiter that acts on it.

use std::time::Duration;

use crate::error::Error;

/// Marks the local 429 the executor answers with when the daily budget is exhausted, so the
/// typed layer reports [`Error::BudgetExhausted`] and raw-client users still get a 429.
pub(crate) const BUDGET_HEADER: &str = "x-gong-api-ext-budget";
/// Marks the local 503 answered when the quota store is unreachable.
pub(crate) const STORE_HEADER: &str = "x-gong-api-ext-quota-store";

/// Why the limiter refused an attempt (nothing was sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The daily budget of this many calls is used up until the next UTC midnight.
    Budget { budget: u32, resets_in: Duration },
    /// Gong asked for a wait longer than the retry cap; this much of it remains.
    Blocked(Duration),
    /// The quota store could not be reached; the message says which and why.
    Unavailable(String),
}

impl Refusal {
    /// The message users see.
    pub fn message(&self) -> String {
        match self {
            Self::Budget { budget, resets_in } => format!(
                "the daily budget of {budget} Gong calls is used up (it resets at 00:00 UTC, in \
                 {}); no request was sent",
                hours_minutes(*resets_in)
            ),
            Self::Blocked(wait) => format!(
                "Gong asked this client to wait {} s more, longer than the retry cap; no request \
                 was sent",
                whole_seconds(*wait)
            ),
            Self::Unavailable(message) => message.clone(),
        }
    }

    /// A local response carrying the message, never sent by Gong: raw-client users see a 429
    /// (or a 503 for an unreachable store), and `GongClient` maps it to `BudgetExhausted`,
    /// `RateLimited` or `QuotaStoreUnavailable`.
    pub fn response(&self) -> reqwest::Response {
        let body = serde_json::json!({ "errors": [self.message()] }).to_string();
        let status = match self {
            Self::Unavailable(_) => http::StatusCode::SERVICE_UNAVAILABLE,
            _ => http::StatusCode::TOO_MANY_REQUESTS,
        };
        let response = http::Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/json");
        let response = match self {
            Self::Budget { .. } => response.header(BUDGET_HEADER, "exhausted"),
            Self::Blocked(wait) => response.header(http::header::RETRY_AFTER, whole_seconds(*wait)),
            Self::Unavailable(_) => response.header(STORE_HEADER, "unavailable"),
        };
        reqwest::Response::from(response.body(body).expect("a static response is valid"))
    }
}

/// The error a local refusal response stands for, if `headers` mark one.
pub(crate) fn local_refusal(headers: &http::HeaderMap, errors: &[String]) -> Option<Error> {
    if headers.contains_key(BUDGET_HEADER) {
        Some(Error::BudgetExhausted(errors.join("; ")))
    } else if headers.contains_key(STORE_HEADER) {
        Some(Error::QuotaStoreUnavailable(errors.join("; ")))
    } else {
        None
    }
}

/// A wait in whole seconds, rounded up (as `Retry-After` carries it), so the message and the
/// header agree and a caller never retries early.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

fn hours_minutes(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60);
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

//! CRM integration teardown: typed results, request ids, and waiting for completion.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use gong_api::types;

/// Produces a fresh `clientRequestId` for each logical CRM delete.
pub(crate) type ClientRequestIdSource = Arc<dyn Fn() -> String + Send + Sync>;

/// The default source: `gong-sdk-` and 24 random letters and digits.
pub(crate) fn random_client_request_ids() -> ClientRequestIdSource {
    Arc::new(|| {
        let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(24)
            .collect();
        format!("gong-sdk-{suffix}")
    })
}

/// A registered CRM integration deletion. Deletion is asynchronous and may take up to 24
/// hours; poll it with [`GongClient::wait_for_crm_deletion`](crate::GongClient::wait_for_crm_deletion).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmDeletion {
    /// The integration being deleted.
    pub integration_id: i64,
    /// The `clientRequestId` sent (the same on every attempt of the call).
    pub client_request_id: String,
    /// Gong's request reference of the answer that confirmed the registration.
    pub request_id: Option<String>,
    /// `true` when an earlier attempt failed ambiguously (timeout, reset, 5xx) and a retry was
    /// answered 409 "client request id has already been used": the earlier attempt was
    /// registered, and this is its confirmation rather than a 201.
    pub confirmed_by_conflict: bool,
}

/// The state of a CRM request, as `/crm/request-status` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrmRequestState {
    /// Registered, not started.
    Pending,
    /// Running.
    InProgress,
    /// Finished: for a deletion, the integration and its objects are gone.
    Done,
    /// Finished with errors.
    Failed,
    /// A value this SDK does not know yet (Gong adds values without warning).
    Other(String),
}

impl CrmRequestState {
    /// Reads Gong's status string.
    pub fn parse(value: &str) -> Self {
        match value {
            "PENDING" => Self::Pending,
            "IN_PROGRESS" => Self::InProgress,
            "DONE" => Self::Done,
            "FAILED" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether the request has finished (`DONE` or `FAILED`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

impl fmt::Display for CrmRequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pending => "PENDING",
            Self::InProgress => "IN_PROGRESS",
            Self::Done => "DONE",
            Self::Failed => "FAILED",
            Self::Other(s) => s,
        })
    }
}

/// A CRM request's status.
#[derive(Clone, Debug)]
pub struct CrmRequestStatus {
    /// The state.
    pub state: CrmRequestState,
    /// Gong's request reference of the status call.
    pub request_id: Option<String>,
    /// The full response, with per-line errors and counts.
    pub response: types::CrmRequestStatus,
}

impl CrmRequestStatus {
    pub(crate) fn from_response(
        response: types::CrmRequestStatus,
        request_id: Option<String>,
    ) -> Self {
        Self {
            state: CrmRequestState::parse(response.status.as_deref().unwrap_or("")),
            request_id,
            response,
        }
    }

    /// Gong's error descriptions.
    pub fn errors(&self) -> Vec<String> {
        self.response
            .errors
            .iter()
            .map(|e| match (e.line, &e.description) {
                (Some(line), Some(d)) => format!("line {line}: {d}"),
                (None, Some(d)) => d.clone(),
                (Some(line), None) => format!("line {line}"),
                (None, None) => "unspecified error".into(),
            })
            .collect()
    }
}

/// How [`GongClient::wait_for_crm_deletion`](crate::GongClient::wait_for_crm_deletion) polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    /// Give up after this long (Gong: deletion "may take up to 24 hours").
    pub deadline: Duration,
    /// The first pause between polls.
    pub initial_interval: Duration,
    /// The longest pause between polls; pauses double up to it.
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(25 * 60 * 60),
            initial_interval: Duration::from_secs(10),
            max_interval: Duration::from_secs(10 * 60),
        }
    }
}

#[cfg(test)]
mod tests;

//! Verification: a later lookup, and what it says about an erasure.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Snapshot, Timestamp};

/// Gong says an erasure "may take several hours". Data still present this long after the
/// erase request is overdue: Gong's data integrity protection may have refused the erasure
/// (it does not tell the caller), and the request id is what to give Gong's support.
pub const OVERDUE_AFTER: Duration = Duration::from_secs(48 * 3600);

/// What a verification found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VerifyResult {
    /// Gong returned nothing about the subject: the erasure is done.
    Clean,
    /// Gong still holds data, and no earlier verification found it clean: the erasure is not
    /// done yet (it takes hours), or was refused when it stays so (see [`OVERDUE_AFTER`]).
    StillPresent,
    /// An earlier verification found the subject clean, and Gong holds data again: it was
    /// imported again (a CRM or email re-sync, new calls). Erase it at the source, then again
    /// in Gong.
    PresentAgain,
    /// The lookup failed; nothing is known.
    Failed,
}

impl VerifyResult {
    /// The name used in records and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::StillPresent => "stillPresent",
            Self::PresentAgain => "presentAgain",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for VerifyResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Clean => "verified clean",
            Self::StillPresent => "still present",
            Self::PresentAgain => "present again",
            Self::Failed => "verification failed",
        })
    }
}

/// One verification of an erasure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// When it was made (when Gong answered the lookup, or when it failed).
    pub at: Timestamp,
    /// What it found.
    pub result: VerifyResult,
    /// The lookup's answer, counted (absent when the lookup failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<Snapshot>,
    /// Seconds from the erase request to this verification (absent when the erase time is not
    /// known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_erase_secs: Option<u64>,
    /// Why the lookup failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Verification {
    /// What the lookup `found` says about an erasure sent at `erase_sent`, given the
    /// verifications made `earlier` (oldest first): clean when Gong returned nothing, present
    /// again when it returns data after an earlier clean result, still present otherwise.
    ///
    /// ```
    /// use gong_api_ext::lifecycle::{Snapshot, Timestamp, Verification, VerifyResult};
    /// use gong_api_ext::ReferenceCounts;
    ///
    /// let sent: Timestamp = "2026-11-25T09:00:00Z".parse()?;
    /// let found = |at: &str, calls| Snapshot {
    ///     at: at.parse().unwrap(),
    ///     request_id: None,
    ///     counts: ReferenceCounts { calls, ..Default::default() },
    ///     linked_email_addresses: vec![],
    ///     matching_phone_numbers: vec![],
    ///     other: 0,
    /// };
    /// let first = Verification::classify(found("2026-11-25T12:00:00Z", 2), Some(sent), &[]);
    /// assert_eq!(first.result, VerifyResult::StillPresent);
    /// assert_eq!(first.since_erase_secs, Some(3 * 3600));
    /// let second = Verification::classify(found("2026-11-25T18:00:00Z", 0), Some(sent), &[first]);
    /// assert_eq!(second.result, VerifyResult::Clean);
    /// let third = Verification::classify(found("2026-11-27T09:00:00Z", 1), Some(sent), &[second]);
    /// assert_eq!(third.result, VerifyResult::PresentAgain);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify(
        found: Snapshot,
        erase_sent: Option<Timestamp>,
        earlier: &[Verification],
    ) -> Self {
        let result = if found.is_empty() {
            VerifyResult::Clean
        } else if earlier.iter().any(|v| v.result == VerifyResult::Clean) {
            VerifyResult::PresentAgain
        } else {
            VerifyResult::StillPresent
        };
        Self {
            at: found.at,
            result,
            since_erase_secs: erase_sent.map(|sent| found.at.since(sent).as_secs()),
            found: Some(found),
            error: None,
        }
    }

    /// A verification whose lookup failed `at`, with the reason.
    pub fn failed(at: Timestamp, erase_sent: Option<Timestamp>, error: impl Into<String>) -> Self {
        Self {
            at,
            result: VerifyResult::Failed,
            found: None,
            since_erase_secs: erase_sent.map(|sent| at.since(sent).as_secs()),
            error: Some(error.into()),
        }
    }

    /// The time from the erase request to this verification.
    pub fn since_erase(&self) -> Option<Duration> {
        self.since_erase_secs.map(Duration::from_secs)
    }

    /// Whether data is still (or again) present [`OVERDUE_AFTER`] or longer after the erase.
    pub fn is_overdue(&self) -> bool {
        matches!(
            self.result,
            VerifyResult::StillPresent | VerifyResult::PresentAgain
        ) && self.since_erase().is_some_and(|d| d >= OVERDUE_AFTER)
    }
}

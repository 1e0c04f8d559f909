//! What a successful erase request leaves behind.

use crate::identity::subject::Subject;

/// Gong accepted an erasure request. Erasure is asynchronous ("may take several hours") and
/// Gong offers no status endpoint for it: `request_id` is the only receipt, so keep it with
/// your audit record.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasureReceipt {
    /// The subject, normalised as sent.
    #[serde(serialize_with = "crate::wire::receipt::subject_text")]
    pub subject: Subject,
    /// Gong's `requestId`.
    pub request_id: String,
}

pub(crate) fn subject_text<S: serde::Serializer>(
    subject: &Subject,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(subject.as_str())
}

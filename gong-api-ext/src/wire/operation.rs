//! The API operations this crate sends, and the OAuth scope each one needs: one table, so that
//! a program can tell from the calls it plans, before the first request, which scopes a
//! credential must have (a lookup needs `api:data-privacy:read` even when the goal is an
//! erasure), instead of learning it from Gong's 401 halfway through a batch.
//!
//! The scopes are Gong's (gong-reference.md and the "Required authorization scope" line of each
//! operation in `openapi/gong-api.yaml`; a test checks this table against the spec). Below
//! `auth`, which re-exports the scopes for OAuth, and the lifecycle, which plans with it.

use std::fmt;

use crate::identity::subject::Subject;

/// The OAuth scopes of the operations this crate wraps (gong-reference.md).
pub mod scopes {
    /// Lookups by email address or phone number.
    pub const DATA_PRIVACY_READ: &str = "api:data-privacy:read";
    /// Erasure by email address or phone number.
    pub const DATA_PRIVACY_DELETE: &str = "api:data-privacy:delete";
    /// Listing generic CRM integrations.
    pub const CRM_INTEGRATIONS_READ: &str = "api:crm:integrations:read";
    /// Deleting a generic CRM integration.
    pub const CRM_INTEGRATION_DELETE: &str = "api:crm:integration:delete";
    /// The status of a CRM request (e.g. an integration deletion).
    pub const CRM_UPLOAD: &str = "api:crm:upload";
    /// All of the above: the scopes of every [`Operation`](super::Operation).
    pub const ALL: &[&str] = &[
        DATA_PRIVACY_READ,
        DATA_PRIVACY_DELETE,
        CRM_INTEGRATIONS_READ,
        CRM_INTEGRATION_DELETE,
        CRM_UPLOAD,
    ];
}

/// One of Gong's API operations that this crate sends.
///
/// ```
/// use gong_api_ext::{Operation, Subject, scopes_needed};
///
/// let jane = Subject::parse("jane@example.com")?;
/// // An erasure previewed by a lookup needs both data-privacy scopes.
/// let plan = [Operation::lookup(&jane), Operation::erase(&jane)];
/// assert_eq!(
///     scopes_needed(plan),
///     ["api:data-privacy:read", "api:data-privacy:delete"]
/// );
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /v2/data-privacy/data-for-email-address`.
    FindReferencesByEmail,
    /// `GET /v2/data-privacy/data-for-phone-number`.
    FindReferencesByPhone,
    /// `POST /v2/data-privacy/erase-data-for-email-address`.
    EraseEmailAddress,
    /// `POST /v2/data-privacy/erase-data-for-phone-number`.
    ErasePhoneNumber,
    /// `GET /v2/crm/integrations`.
    ListCrmIntegrations,
    /// `DELETE /v2/crm/integrations`.
    DeleteCrmIntegration,
    /// `GET /v2/crm/request-status`.
    CrmRequestStatus,
}

impl Operation {
    /// Every operation.
    pub const ALL: &[Operation] = &[
        Self::FindReferencesByEmail,
        Self::FindReferencesByPhone,
        Self::EraseEmailAddress,
        Self::ErasePhoneNumber,
        Self::ListCrmIntegrations,
        Self::DeleteCrmIntegration,
        Self::CrmRequestStatus,
    ];

    /// The OAuth scope Gong requires for it.
    pub const fn scope(self) -> &'static str {
        match self {
            Self::FindReferencesByEmail | Self::FindReferencesByPhone => scopes::DATA_PRIVACY_READ,
            Self::EraseEmailAddress | Self::ErasePhoneNumber => scopes::DATA_PRIVACY_DELETE,
            Self::ListCrmIntegrations => scopes::CRM_INTEGRATIONS_READ,
            Self::DeleteCrmIntegration => scopes::CRM_INTEGRATION_DELETE,
            Self::CrmRequestStatus => scopes::CRM_UPLOAD,
        }
    }

    /// Gong's `operationId` (as in its OpenAPI export).
    pub const fn operation_id(self) -> &'static str {
        match self {
            Self::FindReferencesByEmail => "findAllReferencesToEmailAddress",
            Self::FindReferencesByPhone => "findAllReferencesToPhoneNumber",
            Self::EraseEmailAddress => "purgeEmailAddress",
            Self::ErasePhoneNumber => "purgePhoneNumber",
            Self::ListCrmIntegrations => "listGenericCrmIntegration",
            Self::DeleteCrmIntegration => "deleteGenericCrmIntegration",
            Self::CrmRequestStatus => "getRequestStatus",
        }
    }

    /// The lookup of `subject`.
    pub fn lookup(subject: &Subject) -> Self {
        match subject {
            Subject::Email(_) => Self::FindReferencesByEmail,
            Subject::Phone(_) => Self::FindReferencesByPhone,
        }
    }

    /// The erasure of `subject`.
    pub fn erase(subject: &Subject) -> Self {
        match subject {
            Subject::Email(_) => Self::EraseEmailAddress,
            Subject::Phone(_) => Self::ErasePhoneNumber,
        }
    }

    /// What it does, in a few words ("look up an email address").
    pub const fn purpose(self) -> &'static str {
        match self {
            Self::FindReferencesByEmail => "look up an email address",
            Self::FindReferencesByPhone => "look up a phone number",
            Self::EraseEmailAddress => "erase an email address",
            Self::ErasePhoneNumber => "erase a phone number",
            Self::ListCrmIntegrations => "list CRM integrations",
            Self::DeleteCrmIntegration => "delete a CRM integration",
            Self::CrmRequestStatus => "read a CRM request's status",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

/// The scopes `operations` need, each once, in the order of [`scopes::ALL`].
pub fn scopes_needed(operations: impl IntoIterator<Item = Operation>) -> Vec<&'static str> {
    let used: Vec<&'static str> = operations.into_iter().map(Operation::scope).collect();
    scopes::ALL
        .iter()
        .copied()
        .filter(|scope| used.contains(scope))
        .collect()
}

#[cfg(test)]
mod tests;

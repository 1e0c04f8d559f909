//! [`AuthError`]: why no credential could be had. It sits in the ground layer with [`Error`](crate::Error),
//! which carries it, so that neither needs the `auth` layer that raises it.

use std::sync::Arc;

use reqwest::StatusCode;

/// Why no credential could be had for a request: an OAuth grant that is gone, an unusable
/// token endpoint answer, a failing token store…
///
/// None of its messages holds a token, secret or authorization code.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The grant is gone: the token endpoint answered `invalid_grant` (a used, expired or
    /// revoked refresh token or code), or no tokens are stored for this customer. Retrying
    /// never helps: a technical administrator of the customer's Gong must authorise the app
    /// again.
    #[error("the customer must authorise the app in Gong again: {reason}")]
    ReauthorizationRequired {
        /// What the token endpoint or the store said, without secrets.
        reason: String,
    },

    /// The token endpoint answered another error (e.g. `invalid_client`: wrong client id or
    /// secret).
    #[error("Gong's token endpoint answered {status}{}: {description}", fmt_code(.error))]
    TokenEndpoint {
        /// The HTTP status.
        status: StatusCode,
        /// The OAuth `error` code, when the body had one.
        error: Option<String>,
        /// The `error_description` or a body excerpt, with any secret removed.
        description: String,
    },

    /// The token endpoint could not be reached, or its answer not read.
    #[error("could not reach Gong's token endpoint: {0}")]
    Transport(#[source] Arc<reqwest::Error>),

    /// The token endpoint's success answer is unusable (no token, a malformed host…).
    #[error("unusable answer from Gong's token endpoint: {0}")]
    InvalidTokenResponse(String),

    /// The token store failed. With OAuth, rotated tokens that could not be stored are kept
    /// in memory and stored before the next use.
    #[error("token store: {message}")]
    Store {
        /// What failed, e.g. the file and the operation.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },

    /// The authorization redirect did not carry a usable code: the administrator declined,
    /// or the `state` did not match the request (a forged or stale redirect).
    #[error("authorization failed: {0}")]
    Authorization(String),

    /// The OAuth configuration is unusable.
    #[error("OAuth configuration: {0}")]
    Config(String),

    /// The token refresh stopped halfway (it panicked). Tokens Gong issued are kept in
    /// memory and stored by the next call.
    #[error("token refresh interrupted: {0}")]
    Interrupted(String),
}

fn fmt_code(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
}

impl AuthError {
    /// A [`Store`](Self::Store) error.
    pub fn store(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Store {
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    /// Whether only a new authorization by the customer can fix this.
    pub fn is_reauthorization_required(&self) -> bool {
        matches!(self, Self::ReauthorizationRequired { .. })
    }
}

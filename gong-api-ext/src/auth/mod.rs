//! How requests authenticate: fixed [`Credentials`] (Basic keys or a bearer token), or any
//! [`TokenProvider`] the client asks before every attempt — such as the refreshing OAuth
//! provider of the `oauth` feature.
//!
//! Secrets are held as [`SecretString`]s and header values are marked sensitive, so neither
//! `Debug`, errors nor logs ever show them.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use gong_api::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

pub(crate) use crate::error::AuthError;
use crate::error::Error;

#[cfg(feature = "oauth")]
pub mod oauth;

/// How the client authenticates: Gong's access key and secret (Basic) or an OAuth token
/// (Bearer).
#[derive(Clone)]
pub enum Credentials {
    /// `Authorization: Basic base64(access_key:secret)`.
    Basic {
        /// The access key (an identifier, not itself secret).
        access_key: String,
        /// The access key secret.
        secret: SecretString,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(SecretString),
}

impl Credentials {
    /// The `Authorization` header value, marked sensitive so that `http` and `reqwest` never
    /// print it.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        let text = match self {
            Self::Basic { access_key, secret } => {
                if access_key.is_empty() || secret.expose_secret().is_empty() {
                    return Err(Error::Config(
                        "the access key and its secret must both be non-empty".into(),
                    ));
                }
                if access_key.contains(':') {
                    return Err(Error::Config(
                        "the access key must not contain ':' (Basic auth separator)".into(),
                    ));
                }
                return basic_header(access_key, secret).ok_or_else(|| {
                    Error::Config(
                        "the credentials contain characters not allowed in a header".into(),
                    )
                });
            }
            Self::Bearer(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(Error::Config("the bearer token is empty".into()));
                }
                token.expose_secret().trim()
            }
        };
        bearer_header(text).ok_or_else(|| {
            Error::Config("the credentials contain characters not allowed in a header".into())
        })
    }

    /// What identifies the credential without revealing it: the access key for Basic auth
    /// (an identifier, not a secret), `"bearer"` for a token. Quotas are keyed by it.
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Basic { access_key, .. } => access_key,
            Self::Bearer(_) => "bearer",
        }
    }

    /// `"basic"` or `"bearer"`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Self::Basic { .. } => "basic",
            Self::Bearer(_) => "bearer",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { access_key, .. } => f
                .debug_struct("Basic")
                .field("access_key", access_key)
                .field("secret", &"[REDACTED]")
                .finish(),
            Self::Bearer(_) => f.debug_tuple("Bearer").field(&"[REDACTED]").finish(),
        }
    }
}

/// `Basic base64(user:secret)`, sensitive; `None` when it cannot be a header value.
pub(crate) fn basic_header(user: &str, secret: &SecretString) -> Option<HeaderValue> {
    let pair = format!("{user}:{}", secret.expose_secret());
    let text = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    );
    sensitive(&text)
}

/// `Bearer <token>`, sensitive; `None` when the token cannot be in a header.
pub(crate) fn bearer_header(token: &str) -> Option<HeaderValue> {
    sensitive(&format!("Bearer {token}"))
}

fn sensitive(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// What one attempt is sent with: the `Authorization` header and, for OAuth, the customer's
/// own API base URL (Gong's `api_base_url_for_customer`), which then replaces the client's.
#[derive(Clone)]
pub struct Authorization {
    header: HeaderValue,
    base_url: Option<Arc<str>>,
}

impl Authorization {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &SecretString) -> Result<Self, AuthError> {
        let token = token.expose_secret().trim();
        match bearer_header(token) {
            Some(header) if !token.is_empty() => Ok(Self {
                header,
                base_url: None,
            }),
            _ => Err(AuthError::Config(
                "the access token is empty or not usable in a header".into(),
            )),
        }
    }

    /// The header for fixed [`Credentials`].
    pub fn from_credentials(credentials: &Credentials) -> Result<Self, Error> {
        Ok(Self {
            header: credentials.header_value()?,
            base_url: None,
        })
    }

    /// Sends the attempt to this API base URL (with or without `/v2`; `https`, or `http` for
    /// loopback hosts only) instead of the client's.
    pub fn with_base_url(mut self, url: &str) -> Result<Self, AuthError> {
        let normalized = crate::wire::endpoint::normalize_base_url(url).map_err(|e| match e {
            Error::Config(message) => AuthError::Config(message),
            other => AuthError::Config(other.to_string()),
        })?;
        self.base_url = Some(normalized.into());
        Ok(self)
    }

    /// The API base URL this authorization is for, ending in `/v2`, if it names one.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.header
    }

    /// Whether both carry the same credential (the host aside).
    pub fn same_credential(&self, other: &Authorization) -> bool {
        self.header == other.header
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("header", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Gives the client a valid credential before every attempt.
///
/// The client calls [`authorization`](Self::authorization) before each attempt (retries
/// included), so a provider can refresh ahead of expiry and route to the customer's host.
/// Implementations must be cheap when nothing needs refreshing and must never log a secret.
///
/// Fixed [`Credentials`] are a provider that never refreshes; with the `oauth` feature,
/// `oauth::OAuthTokenProvider` refreshes Gong's rotating tokens.
///
/// ```
/// use gong_api_ext::{AuthError, Authorization, BoxFuture, GongClient, TokenProvider};
///
/// /// Reads the token a sidecar keeps fresh in memory.
/// #[derive(Debug)]
/// struct Sidecar;
///
/// impl TokenProvider for Sidecar {
///     fn authorization(&self) -> BoxFuture<'_, Result<Authorization, AuthError>> {
///         Box::pin(async { Authorization::bearer(&"token-from-sidecar".into()) })
///     }
/// }
///
/// let client = GongClient::builder().token_provider(Sidecar).build()?;
/// # Ok::<(), gong_api_ext::Error>(())
/// ```
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// The credential (and host) for the next attempt, refreshed first when needed.
    fn authorization(&self) -> BoxFuture<'_, Result<Authorization, AuthError>>;

    /// Gong answered 401, naming no scope, to an attempt sent with `rejected`. Return `true`
    /// when a new credential is now available, so the request is sent once more (at most
    /// once per request); `false` when refreshing cannot help. The default: `false`.
    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a Authorization,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        let _ = rejected;
        Box::pin(async { Ok(false) })
    }

    /// Whether [`refresh_after_unauthorized`](Self::refresh_after_unauthorized) can ever
    /// return `true` (the client then reads 401 bodies to tell a scope error from an expired
    /// token). The default: `false`.
    fn refreshes(&self) -> bool {
        false
    }

    /// Whether every authorization names the API host (as OAuth's do), so a
    /// [`base_url`](crate::GongClientBuilder::base_url) set on the builder would be
    /// ignored; the builder then refuses one. The default: `false`.
    fn supplies_base_url(&self) -> bool {
        false
    }

    /// A short name for `Debug` of the client: `"basic"`, `"bearer"`, `"oauth"`…
    fn scheme(&self) -> &'static str {
        "custom"
    }
}

/// Fixed credentials as a provider.
#[derive(Debug)]
pub(crate) struct StaticAuth {
    authorization: Authorization,
    scheme: &'static str,
}

impl StaticAuth {
    pub(crate) fn new(credentials: &Credentials) -> Result<Self, Error> {
        Ok(Self {
            authorization: Authorization::from_credentials(credentials)?,
            scheme: credentials.scheme(),
        })
    }
}

impl TokenProvider for StaticAuth {
    fn authorization(&self) -> BoxFuture<'_, Result<Authorization, AuthError>> {
        let authorization = self.authorization.clone();
        Box::pin(async move { Ok(authorization) })
    }

    fn scheme(&self) -> &'static str {
        self.scheme
    }
}

/// The first OAuth scope (`api:…`) a text names, e.g. in Gong's 401 for a missing scope.
pub(crate) fn scope_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.')))
        .map(|word| word.trim_end_matches(['.', ':', '-']))
        .find(|word| {
            word.strip_prefix("api:")
                .is_some_and(|rest| rest.contains(|c: char| c.is_ascii_alphanumeric()))
        })
        .map(str::to_owned)
}

/// The scope Gong's 401 messages name, if any.
pub(crate) fn missing_scope(messages: &[String]) -> Option<String> {
    messages.iter().find_map(|m| scope_in(m))
}

/// The largest 401 body read to look for a scope.
const MAX_UNAUTHORIZED_BODY: usize = 64 * 1024;

/// After an attempt sent with `sent`: for a provider that refreshes, a 401 that names no scope
/// asks for one refresh. Returns the attempt's result (its body buffered when it was read) and
/// whether to send again.
pub(crate) async fn refresh_on_unauthorized(
    provider: &dyn TokenProvider,
    sent: &Authorization,
    result: reqwest::Result<reqwest::Response>,
    allowed: bool,
) -> (reqwest::Result<reqwest::Response>, Result<bool, AuthError>) {
    let response = match result {
        Ok(r) if allowed && r.status() == StatusCode::UNAUTHORIZED && provider.refreshes() => r,
        other => return (other, Ok(false)),
    };
    let (response, body) = match buffered(response, MAX_UNAUTHORIZED_BODY).await {
        Ok(pair) => pair,
        Err(e) => return (Err(e), Ok(false)),
    };
    if let Some(scope) = scope_in(&String::from_utf8_lossy(&body)) {
        tracing::debug!(%scope, "401 names a missing scope: refreshing cannot help");
        return (Ok(response), Ok(false));
    }
    tracing::debug!("401 without a scope: refreshing the token once");
    let decision = provider.refresh_after_unauthorized(sent).await;
    (Ok(response), decision)
}

/// Reads up to `limit` bytes of the body and rebuilds the response around them.
async fn buffered(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(reqwest::Response, Vec<u8>)> {
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            body.truncate(limit);
            truncated = true;
            break;
        }
    }
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
        if truncated {
            headers.remove(CONTENT_LENGTH);
        }
    }
    let rebuilt = builder
        .body(body.clone())
        .expect("status, version and headers come from a valid response");
    Ok((reqwest::Response::from(rebuilt), body))
}

/// Header marking a local answer standing for an auth failure (nothing was sent to Gong).
pub(crate) const AUTH_FAILURE_HEADER: &str = "x-gong-api-ext-auth";

/// A local 401 carrying `error`'s message, never sent by Gong: raw-client users see a 401, and
/// `GongClient` reports the [`AuthError`] itself.
pub(crate) fn failure_response(error: &AuthError) -> reqwest::Response {
    let body = serde_json::json!({ "errors": [error.to_string()] }).to_string();
    let response = http::Response::builder()
        .status(http::StatusCode::UNAUTHORIZED)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(AUTH_FAILURE_HEADER, "failed")
        .body(body)
        .expect("a static response is valid");
    reqwest::Response::from(response)
}

/// Replaces the `from` prefix (the client's base URL) of `url` with `to`; `false` when `url`
/// is not under `from`.
pub(crate) fn rebase(url: &mut reqwest::Url, from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    let Some(rest) = url.as_str().strip_prefix(from) else {
        return false;
    };
    if !(rest.is_empty() || rest.starts_with(['/', '?'])) {
        return false;
    }
    match reqwest::Url::parse(&format!("{to}{rest}")) {
        Ok(rebased) => {
            *url = rebased;
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;

//! [`TokenSet`]: one customer's tokens, and the parsing of Gong's token endpoint answers.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthError, Authorization};

/// The lifetime assumed when a token answer has no usable `expires_in` (Gong's are about a
/// day; assuming less only refreshes earlier).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

/// One customer's OAuth tokens, as Gong's token endpoint issued them: the access token, the
/// single-use refresh token, when the access token expires, the granted scopes and the
/// customer's API base URL (`api_base_url_for_customer`).
///
/// `Debug` shows no token. Serializing (for a [`TokenStore`](super::TokenStore)) writes both
/// tokens in clear: keep what it writes as secret as the tokens.
#[derive(Clone)]
pub struct TokenSet {
    access_token: SecretString,
    refresh_token: SecretString,
    expires_at: SystemTime,
    scopes: Vec<String>,
    api_base_url: String,
    authorization: Authorization,
}

impl TokenSet {
    /// A token set, e.g. read back by a token store of your own. Refuses an empty or
    /// non-header-safe token and an API base URL that is not `https` (plain `http` is
    /// accepted for loopback hosts alone).
    pub fn new(
        access_token: SecretString,
        refresh_token: SecretString,
        expires_at: SystemTime,
        scopes: Vec<String>,
        api_base_url: impl Into<String>,
    ) -> Result<Self, AuthError> {
        let api_base_url = api_base_url.into().trim().to_owned();
        if refresh_token.expose_secret().trim().is_empty() {
            return Err(AuthError::Config("the refresh token is empty".into()));
        }
        let authorization = Authorization::bearer(&access_token)?.with_base_url(&api_base_url)?;
        Ok(Self {
            access_token,
            refresh_token,
            expires_at,
            scopes,
            api_base_url,
            authorization,
        })
    }

    /// The access token (`Authorization: Bearer …`).
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// The refresh token. Gong's are single-use: each refresh returns a new one and
    /// invalidates this.
    pub fn refresh_token(&self) -> &SecretString {
        &self.refresh_token
    }

    /// When the access token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The scopes granted, e.g. `api:data-privacy:delete`.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The customer's API base URL, as Gong gave it (e.g. `https://us-55616.api.gong.io`).
    pub fn api_base_url(&self) -> &str {
        &self.api_base_url
    }

    /// Whether the access token expires within `margin` of `now` (or has expired).
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        now.checked_add(margin)
            .is_none_or(|deadline| deadline >= self.expires_at)
    }

    /// The header and host requests with this token go out with.
    pub(crate) fn authorization(&self) -> &Authorization {
        &self.authorization
    }

    /// Whether `other` holds the same refresh token.
    pub(crate) fn same_grant(&self, other: &TokenSet) -> bool {
        self.refresh_token.expose_secret() == other.refresh_token.expose_secret()
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .field("expires_at", &unix_seconds(self.expires_at))
            .field("scopes", &self.scopes)
            .field("api_base_url", &self.api_base_url)
            .finish()
    }
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The stored form: Gong's field names, `expires_at` in Unix seconds.
#[derive(Serialize, Deserialize)]
struct Stored<T> {
    access_token: T,
    refresh_token: T,
    expires_at: u64,
    scope: String,
    api_base_url_for_customer: String,
}

impl Serialize for TokenSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored {
            access_token: self.access_token.expose_secret(),
            refresh_token: self.refresh_token.expose_secret(),
            expires_at: unix_seconds(self.expires_at),
            scope: self.scopes.join(" "),
            api_base_url_for_customer: self.api_base_url.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TokenSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::<String>::deserialize(deserializer)?;
        let expires_at = UNIX_EPOCH
            .checked_add(Duration::from_secs(stored.expires_at))
            .ok_or_else(|| serde::de::Error::custom("expires_at is out of range"))?;
        TokenSet::new(
            stored.access_token.into(),
            stored.refresh_token.into(),
            expires_at,
            split_scopes(&stored.scope),
            stored.api_base_url_for_customer,
        )
        .map_err(serde::de::Error::custom)
    }
}

fn split_scopes(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_owned).collect()
}

/// Gong's token answer (`access_token`, `refresh_token`, `scope`, `token_type`, `expires_in`,
/// `api_base_url_for_customer`). Every field optional here: what is missing is decided below.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    refresh_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    scope: Option<String>,
    api_base_url_for_customer: Option<String>,
}

/// Reads a successful token answer. `previous` is the set a refresh started from: a refresh
/// answer without a new refresh token, scope or host keeps the previous one. Leniency here
/// matters: once Gong has answered a refresh, the refresh token sent is dead, so refusing the
/// answer for a cosmetic reason would disconnect the customer.
pub(crate) fn from_response(
    body: &[u8],
    now: SystemTime,
    previous: Option<&TokenSet>,
) -> Result<TokenSet, AuthError> {
    let response: TokenResponse = serde_json::from_slice(body)
        .map_err(|e| AuthError::InvalidTokenResponse(shape_error(&e)))?;
    if let Some(kind) = &response.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        tracing::warn!(
            token_type = %printable(kind),
            "Gong's token answer has an unexpected token_type; using the token as a bearer token"
        );
    }
    let access_token = response
        .access_token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AuthError::InvalidTokenResponse("no access_token".into()))?;
    let refresh_token = match (
        response.refresh_token.filter(|t| !t.trim().is_empty()),
        previous,
    ) {
        (Some(token), _) => SecretString::from(token),
        (None, Some(previous)) => previous.refresh_token.clone(),
        (None, None) => return Err(AuthError::InvalidTokenResponse("no refresh_token".into())),
    };
    // A lifetime past what `SystemTime` can hold counts as none (adding it would panic).
    let lifetime = match response.expires_in.as_ref().and_then(seconds) {
        Some(seconds) if now.checked_add(Duration::from_secs(seconds)).is_some() => {
            Duration::from_secs(seconds)
        }
        _ => {
            tracing::warn!(
                assumed_s = ASSUMED_LIFETIME.as_secs(),
                "Gong's token answer has no usable expires_in"
            );
            ASSUMED_LIFETIME
        }
    };
    let scopes = match (response.scope, previous) {
        (Some(scope), _) => split_scopes(&scope),
        (None, Some(previous)) => previous.scopes.clone(),
        (None, None) => Vec::new(),
    };
    let base_url = match (response.api_base_url_for_customer, previous) {
        (Some(url), _) if !url.trim().is_empty() => url,
        (_, Some(previous)) => previous.api_base_url.clone(),
        (_, None) => {
            return Err(AuthError::InvalidTokenResponse(
                "no api_base_url_for_customer: the customer's API host is unknown".into(),
            ));
        }
    };
    let base_url = match (
        crate::wire::endpoint::normalize_base_url(&base_url),
        previous,
    ) {
        (Ok(_), _) => base_url,
        // A host we refuse to send tokens to (plain http…): keep the previous one rather than
        // lose the rotated refresh token.
        (Err(_), Some(previous)) => {
            tracing::warn!(
                refused = %printable(&base_url),
                kept = %previous.api_base_url,
                "Gong's token answer names an unusable API host; keeping the previous one"
            );
            previous.api_base_url.clone()
        }
        (Err(why), None) => return Err(AuthError::InvalidTokenResponse(why.to_string())),
    };
    TokenSet::new(
        SecretString::from(access_token),
        refresh_token,
        now + lifetime,
        scopes,
        base_url,
    )
    .map_err(|e| match e {
        AuthError::Config(why) => AuthError::InvalidTokenResponse(why),
        other => other,
    })
}

/// `expires_in` as whole seconds: a positive number, or a string of one.
fn seconds(value: &serde_json::Value) -> Option<u64> {
    let seconds = match value {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    (seconds > 0).then_some(seconds)
}

/// What was wrong with a JSON body, by position only: serde's messages can quote values, and
/// here the values are tokens.
pub(crate) fn shape_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax | Category::Eof => "not JSON",
        Category::Data => "JSON of an unexpected shape",
        Category::Io => "unreadable",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

/// At most 100 printable ASCII characters of a server-supplied word, for logs and errors.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests;

//! [`OAuthApp`]: the app's identity at Gong, the authorize URL and the two token requests
//! (authorization code and refresh), shaped as Gong documents them.
//!
//! Gong's token endpoint takes the grant as **query parameters** of a `POST`, with the app's
//! client id and secret as `Authorization: Basic base64(client_id:client_secret)`, and answers
//! with an extra field, `api_base_url_for_customer`. The `oauth2` crate sends the grant as a
//! form body, URL-encodes the client credentials before Basic-encoding them (RFC 6749 §2.3.1,
//! which Gong does not document) and ships its own `reqwest` (0.12, where this crate uses
//! 0.13); two small requests here are simpler than adapting it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::token::{self, TokenSet, printable};
use crate::auth::AuthError;

/// Gong's authorize page.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://app.gong.io/oauth2/authorize";
/// Gong's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://app.gong.io/oauth2/generate-customer-token";
/// The timeout of a token request (the app's default HTTP client).
pub const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest token endpoint answer read.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// An OAuth app registered with Gong ("Create an app for Gong"): its client id and secret, and
/// where Gong's authorize page and token endpoint are. Cheap to clone; share one between the
/// token providers of all customers.
///
/// ```
/// use gong_api_ext::oauth::{OAuthApp, scopes};
///
/// let app = OAuthApp::new("CLIENT_ID", "CLIENT_SECRET")?;
/// let request = app.authorization_request(
///     &[scopes::DATA_PRIVACY_READ, scopes::DATA_PRIVACY_DELETE],
///     "https://privacy.example.com/gong/callback",
/// )?;
/// assert!(request.url().as_str().starts_with("https://app.gong.io/oauth2/authorize?client_id=CLIENT_ID"));
/// // Send the customer's Gong administrator to request.url(); keep request.state() to
/// // check the redirect (request.code_from_callback(query)).
/// # Ok::<(), gong_api_ext::AuthError>(())
/// ```
#[derive(Clone)]
pub struct OAuthApp {
    inner: Arc<AppInner>,
}

struct AppInner {
    client_id: String,
    basic: HeaderValue,
    client_secret: SecretString,
    authorize_url: Url,
    token_url: Url,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("authorize_url", &self.inner.authorize_url.as_str())
            .field("token_url", &self.inner.token_url.as_str())
            .finish()
    }
}

/// Configures an [`OAuthApp`].
pub struct OAuthAppBuilder {
    client_id: String,
    client_secret: SecretString,
    authorize_url: String,
    token_url: String,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for OAuthAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthAppBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl OAuthAppBuilder {
    /// Gong's authorize page (default [`DEFAULT_AUTHORIZE_URL`]); `https`, or `http` for a
    /// loopback mock.
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// Gong's token endpoint (default [`DEFAULT_TOKEN_URL`]); `https`, or `http` for a
    /// loopback mock.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// The HTTP client for token requests (proxies, TLS roots). The default follows no
    /// redirect and times out after [`DEFAULT_TOKEN_TIMEOUT`]; one of your own should not
    /// follow redirects either (the grant is in the URL).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Validates and builds the app.
    pub fn build(self) -> Result<OAuthApp, AuthError> {
        let client_id = self.client_id.trim().to_owned();
        if client_id.is_empty() || self.client_secret.expose_secret().is_empty() {
            return Err(AuthError::Config(
                "the client id and the client secret must both be non-empty".into(),
            ));
        }
        if client_id.contains(':') {
            return Err(AuthError::Config(
                "the client id must not contain ':' (Basic auth separator)".into(),
            ));
        }
        let basic =
            crate::auth::basic_header(&client_id, &self.client_secret).ok_or_else(|| {
                AuthError::Config("the client credentials cannot be sent in a header".into())
            })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(crate::wire::endpoint::DEFAULT_CONNECT_TIMEOUT)
                .timeout(DEFAULT_TOKEN_TIMEOUT)
                .build()
                .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(OAuthApp {
            inner: Arc::new(AppInner {
                client_id,
                basic,
                client_secret: self.client_secret,
                authorize_url: endpoint("authorize URL", &self.authorize_url)?,
                token_url: endpoint("token URL", &self.token_url)?,
                http,
            }),
        })
    }
}

/// An `https` URL (or `http` on loopback) without credentials or fragment.
fn endpoint(what: &str, input: &str) -> Result<Url, AuthError> {
    let bad = |why: &str| Err(AuthError::Config(format!("{what} {input:?}: {why}")));
    let url = match crate::wire::endpoint::parse_secure_url(input) {
        Ok(url) => url,
        Err(why) => return bad(&why),
    };
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return bad("no credentials or fragment allowed");
    }
    Ok(url)
}

impl OAuthApp {
    /// An app with Gong's default authorize page and token endpoint.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, AuthError> {
        Self::builder(client_id, client_secret).build()
    }

    /// Configures an app (e.g. with a mock's URLs).
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> OAuthAppBuilder {
        OAuthAppBuilder {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            authorize_url: DEFAULT_AUTHORIZE_URL.into(),
            token_url: DEFAULT_TOKEN_URL.into(),
            http: None,
        }
    }

    /// The app's client id.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Where to send the customer's Gong administrator to authorise the app for `scopes`,
    /// with a fresh random `state`. `redirect_uri` must be registered with the app.
    pub fn authorization_request(
        &self,
        scopes: &[&str],
        redirect_uri: &str,
    ) -> Result<AuthorizationRequest, AuthError> {
        if scopes.is_empty()
            || scopes
                .iter()
                .any(|s| s.is_empty() || s.contains(char::is_whitespace))
        {
            return Err(AuthError::Config(
                "scopes must be a non-empty list of words like api:data-privacy:read".into(),
            ));
        }
        let redirect = endpoint("redirect URI", redirect_uri)?;
        let state = random_state()?;
        let mut url = self.inner.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.inner.client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("redirect_uri", redirect.as_str())
            .append_pair("state", &state);
        Ok(AuthorizationRequest {
            url,
            state,
            redirect_uri: redirect.as_str().to_owned(),
        })
    }

    /// Exchanges the code Gong redirected back with for the customer's tokens. `redirect_uri`
    /// is the one the authorization request carried. A used or expired code is
    /// [`AuthError::ReauthorizationRequired`].
    pub async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &str,
    ) -> Result<TokenSet, AuthError> {
        let code = code.0.expose_secret();
        let body = self
            .token_request(
                "authorization_code",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("client_id", &self.inner.client_id),
                    ("redirect_uri", redirect_uri),
                ],
                &[code],
            )
            .await?;
        token::from_response(&body, SystemTime::now(), None)
    }

    /// Trades `tokens`' refresh token for a new set. Gong's refresh tokens are single-use:
    /// once this returns (or Gong answered and the answer was lost), `tokens` is dead, so
    /// store the result before anything else. [`OAuthTokenProvider`](super::OAuthTokenProvider)
    /// does that for you.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, AuthError> {
        let refresh_token = tokens.refresh_token().expose_secret();
        let body = self
            .token_request(
                "refresh_token",
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                &[refresh_token, tokens.access_token().expose_secret()],
            )
            .await?;
        token::from_response(&body, SystemTime::now(), Some(tokens))
    }

    /// One `POST` to the token endpoint with the grant as query parameters; the successful
    /// body, or the error mapped (`invalid_grant` -> re-authorise). `secrets` are scrubbed
    /// from anything quoted back.
    async fn token_request(
        &self,
        grant_type: &'static str,
        query: &[(&str, &str)],
        secrets: &[&str],
    ) -> Result<Vec<u8>, AuthError> {
        tracing::debug!(grant_type, "requesting tokens from Gong's token endpoint");
        let transport = |e: reqwest::Error| AuthError::Transport(Arc::new(e.without_url()));
        let mut response = self
            .inner
            .http
            .post(self.inner.token_url.clone())
            .query(query)
            .header(AUTHORIZATION, self.inner.basic.clone())
            .header(ACCEPT, "application/json")
            .body(Vec::new())
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_TOKEN_BODY {
                return Err(AuthError::InvalidTokenResponse(format!(
                    "an answer over {MAX_TOKEN_BODY} bytes ({status})"
                )));
            }
        }
        if status.is_success() {
            tracing::debug!(grant_type, %status, "Gong's token endpoint issued tokens");
            return Ok(body);
        }
        let mut secrets = secrets.to_vec();
        secrets.push(self.inner.client_secret.expose_secret());
        let error = endpoint_error(status, &body, &secrets);
        tracing::warn!(grant_type, %status, error = %error, "Gong's token endpoint refused the grant");
        Err(error)
    }
}

/// The OAuth error body (RFC 6749 §5.2).
#[derive(Deserialize)]
struct ErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

/// Maps a token endpoint error: `invalid_grant` (whatever the status) means the grant is gone.
fn endpoint_error(status: StatusCode, body: &[u8], secrets: &[&str]) -> AuthError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|b| b.error.as_deref())
        .map(|c| printable(&scrub(c, secrets)));
    let description = match parsed.as_ref().and_then(|b| b.error_description.as_deref()) {
        Some(description) => printable(&scrub(description, secrets)),
        None if parsed.is_some() => String::new(),
        None => printable(&scrub(&String::from_utf8_lossy(body), secrets)),
    };
    if code.as_deref() == Some("invalid_grant") {
        let reason = if description.is_empty() {
            "Gong refused the grant (invalid_grant): the refresh token or code was used, expired or revoked".to_owned()
        } else {
            format!("Gong refused the grant (invalid_grant: {description})")
        };
        return AuthError::ReauthorizationRequired { reason };
    }
    AuthError::TokenEndpoint {
        status,
        error: code,
        description,
    }
}

/// `text` with every occurrence of a secret replaced, as sent and as the token request's
/// query encodes it (a proxy's error page may echo the URL). Done before any cut to
/// [`printable`] length, so no prefix of a secret survives.
fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| s.len() >= 4)
        .flat_map(|secret| {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            [secret.to_string(), encoded]
        })
        .fold(text.to_owned(), |text, secret| {
            text.replace(&secret, "[REDACTED]")
        })
}

/// 32 random bytes, base64url: an unguessable `state`.
fn random_state() -> Result<String, AuthError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AuthError::Config(format!("no system randomness for the state: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// An authorization request: the URL to send the administrator to, and the `state` that the
/// redirect back must carry.
#[derive(Clone)]
pub struct AuthorizationRequest {
    url: Url,
    state: String,
    redirect_uri: String,
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("redirect_uri", &self.redirect_uri)
            .field("state", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl AuthorizationRequest {
    /// The authorize URL to open (`…/oauth2/authorize?client_id=…&response_type=code&scope=…
    /// &redirect_uri=…&state=…`).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The random `state`; keep it (e.g. in the user's session) to check the redirect.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The redirect URI the request carries (needed again for the code exchange).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Reads the query of the redirect back (`code=…&state=…`, or `error=…`): the code, if the
    /// `state` is this request's and the administrator approved.
    pub fn code_from_callback(&self, query: &str) -> Result<AuthorizationCode, AuthError> {
        let (mut code, mut state, mut error, mut description) = (None, None, None, None);
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*key {
                "code" => code = Some(value.into_owned()),
                "state" => state = Some(value.into_owned()),
                "error" => error = Some(printable(&value)),
                "error_description" => description = Some(printable(&value)),
                _ => {}
            }
        }
        if state.as_deref() != Some(self.state.as_str()) {
            return Err(AuthError::Authorization(
                "the redirect's state does not match the request (a forged or stale redirect); \
                 start the authorization again"
                    .into(),
            ));
        }
        if let Some(error) = error {
            return Err(AuthError::Authorization(match description {
                Some(description) => format!("Gong answered {error}: {description}"),
                None => format!("Gong answered {error}"),
            }));
        }
        match code.filter(|c| !c.is_empty()) {
            Some(code) => Ok(AuthorizationCode::new(code)),
            None => Err(AuthError::Authorization(
                "the redirect carries no code".into(),
            )),
        }
    }
}

/// The one-time code Gong redirects back with. `Debug` does not show it.
#[derive(Clone)]
pub struct AuthorizationCode(SecretString);

impl AuthorizationCode {
    /// A code received by a redirect handler of your own.
    pub fn new(code: impl Into<String>) -> Self {
        Self(SecretString::from(code.into()))
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode([REDACTED])")
    }
}

#[cfg(test)]
mod tests;

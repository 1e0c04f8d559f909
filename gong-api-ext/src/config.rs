//! Building a [`GongClient`]: a builder that validates everything once, in `build()`.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::auth::{Credentials, StaticAuth, TokenProvider};
use crate::client::GongClient;
use crate::crm::ClientRequestIdSource;
use crate::error::Error;
use crate::executor::PolicyExecutor;
use crate::quota::{CompanyKey, QuotaStore};
use crate::rate_limit::{RateLimitConfig, RateLimiter};
use crate::retry::RetryConfig;

/// Gong's default API host. Each company also has its own (e.g. `https://us-55616.api.gong.io`).
pub const DEFAULT_BASE_URL: &str = "https://api.gong.io";
/// The default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout of the HTTP client this crate builds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on an answer's body: 8 MiB. Gong's answers are small (an erasure's is a
/// `requestId`); a lookup lists one entry of a few hundred bytes per email, call and CRM object
/// that references the subject, so 8 MiB holds tens of thousands of them.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// The `User-Agent` every request carries (after any product set with
/// [`GongClientBuilder::user_agent_product`]).
pub const USER_AGENT: &str = concat!("gong-api-ext/", env!("CARGO_PKG_VERSION"));

/// The environment variables [`GongClient::from_env`] reads.
pub mod env {
    /// The access key (Basic auth).
    pub const ACCESS_KEY: &str = "GONG_ACCESS_KEY";
    /// The access key secret (Basic auth).
    pub const ACCESS_KEY_SECRET: &str = "GONG_ACCESS_KEY_SECRET";
    /// An OAuth token (Bearer auth), instead of the two above.
    pub const BEARER_TOKEN: &str = "GONG_BEARER_TOKEN";
    /// The company's API host; optional, defaults to `https://api.gong.io`.
    pub const BASE_URL: &str = "GONG_BASE_URL";
}

/// Configures a [`GongClient`].
///
/// ```
/// use std::time::Duration;
/// use gong_api_ext::{GongClient, RetryConfig};
///
/// let client = GongClient::builder()
///     .base_url("https://us-55616.api.gong.io")
///     .basic_auth("ACCESS_KEY", "ACCESS_KEY_SECRET")
///     .timeout(Duration::from_secs(20))
///     .retry(RetryConfig { max_attempts: 6, ..RetryConfig::default() })
///     .build()?;
/// assert_eq!(client.base_url(), "https://us-55616.api.gong.io/v2");
/// # Ok::<(), gong_api_ext::Error>(())
/// ```
#[derive(Default)]
pub struct GongClientBuilder {
    base_url: Option<String>,
    auth: Option<AuthChoice>,
    timeout: Option<Option<Duration>>,
    http_client: Option<reqwest::Client>,
    retry: RetryConfig,
    user_agent_product: Option<String>,
    client_request_ids: Option<ClientRequestIdSource>,
    rate_limit: RateLimitChoice,
    max_response_bytes: Option<usize>,
    quota_store: Option<QuotaStore>,
    quota_company: Option<CompanyKey>,
}

/// How requests authenticate (the last setter called wins).
#[derive(Clone, Debug)]
enum AuthChoice {
    Credentials(Credentials),
    Provider(Arc<dyn TokenProvider>),
}

/// Which limiter `build()` installs.
#[derive(Clone, Debug, Default)]
enum RateLimitChoice {
    /// A new limiter with Gong's documented limits.
    #[default]
    Default,
    Config(RateLimitConfig),
    Shared(RateLimiter),
    Off,
}

impl fmt::Debug for GongClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GongClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("custom_http_client", &self.http_client.is_some())
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("quota_store", &self.quota_store)
            .field("quota_company", &self.quota_company)
            .finish_non_exhaustive()
    }
}

impl GongClientBuilder {
    /// The company's API host, with or without the `/v2` path. `https` only; plain `http` is
    /// accepted for loopback hosts (local mocks) alone. Not with OAuth: each customer's host
    /// comes from its token response.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticate with an access key and its secret (Basic).
    pub fn basic_auth(self, access_key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials(Credentials::Basic {
            access_key: access_key.into(),
            secret: SecretString::from(secret.into()),
        })
    }

    /// Authenticate with an OAuth access token (Bearer).
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::Bearer(SecretString::from(token.into())))
    }

    /// Authenticate with prepared [`Credentials`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.auth = Some(AuthChoice::Credentials(credentials));
        self
    }

    /// Ask `provider` for the credential (and, for OAuth, the host) before every attempt.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(AuthChoice::Provider(Arc::new(provider)));
        self
    }

    /// Authenticate as an OAuth app for one customer: tokens refreshed ahead of expiry (once
    /// for any number of concurrent calls), rotated tokens stored before use, and every call
    /// sent to the customer's own API host. See [`oauth`](crate::oauth).
    #[cfg(feature = "oauth")]
    pub fn oauth(self, provider: crate::oauth::OAuthTokenProvider) -> Self {
        self.token_provider(provider)
    }

    /// The timeout of each attempt (default [`DEFAULT_TIMEOUT`], 30 s), from sending the
    /// request to the last byte of the answer's body. It is set on every request, so it applies
    /// to a caller-supplied HTTP client too. An attempt that times out is retried (see
    /// [`RetryConfig`]), so a call can take up to `max_attempts` times this, plus backoff.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No per-attempt timeout beyond the HTTP client's own.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// Use this `reqwest::Client` (proxies, TLS roots, connection pool settings).
    ///
    /// **Build it with `.redirect(reqwest::redirect::Policy::none())`.** reqwest follows up to
    /// 10 redirects by default, and a followed redirect re-sends the request elsewhere (an
    /// erasure's `POST` becomes a `GET` to wherever the `Location` points, which may answer
    /// `200 {"requestId": …}`). The client this crate builds follows none: a 3xx is an
    /// [`Error::Redirected`]. With a client of yours that follows them, the SDK still refuses any
    /// answer whose final URL is not the one it asked for (the same error, without a status),
    /// but by then the other server has received the request. The per-attempt
    /// [`timeout`](Self::timeout) and the body cap ([`max_response_bytes`](Self::max_response_bytes))
    /// apply to your client too.
    ///
    /// ```
    /// use gong_api_ext::{GongClient, reqwest};
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()
    ///     .expect("a TLS backend");
    /// let client = GongClient::builder()
    ///     .bearer_token("TOKEN")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), gong_api_ext::Error>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Retry settings (see [`RetryConfig`]); `RetryConfig::disabled()` turns retries off.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Pace requests with a new limiter of these settings (default: Gong's 3 per second, 10,000
    /// per day; see [`RateLimitConfig`]).
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = RateLimitChoice::Config(config);
        self
    }

    /// Share `limiter` with other clients of the same Gong company.
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.rate_limit = RateLimitChoice::Shared(limiter);
        self
    }

    /// Keep the quota (pace, pause after a 429, daily count) in `store`, under the company of
    /// this client's host and credentials, so that every client and process using the store
    /// for that company shares it (default: a memory store of this client's own). See
    /// [`quota`](crate::quota) for which store to pick.
    pub fn quota_store(mut self, store: QuotaStore) -> Self {
        self.quota_store = Some(store);
        self
    }

    /// The company whose quota this client draws on, instead of the one derived from the
    /// base URL's host and the credential (the access key for Basic auth; `bearer`, `oauth`
    /// or the provider's scheme otherwise). An OAuth provider learns the customer's host only
    /// from its token, so without this every OAuth client of one store shares one quota
    /// (never more than Gong's limit, but slower): give each customer's client
    /// `CompanyKey::new(customer_host, "oauth")`.
    pub fn quota_company(mut self, company: CompanyKey) -> Self {
        self.quota_company = Some(company);
        self
    }

    /// No client-side pacing or daily budget (429s are still retried).
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = RateLimitChoice::Off;
        self
    }

    /// The largest answer body read, in bytes (default [`DEFAULT_MAX_RESPONSE_BYTES`], 8 MiB).
    /// A larger one (by its `Content-Length`, or once that many bytes have streamed in) ends
    /// the call with [`Error::ResponseTooLarge`], never retried, and never read further: a
    /// proxy's or a misconfigured server's endless answer cannot exhaust memory.
    ///
    /// Error messages quote at most 80 characters of an unexpected body, PII-free: the
    /// request's query values (the subject) in any spelling, every email address and every
    /// run of 5 digits or more are masked (an HTML error page may echo the URL).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Names the application in the `User-Agent`, before `gong-api-ext/<version>`.
    pub fn user_agent_product(mut self, product: impl Into<String>) -> Self {
        self.user_agent_product = Some(product.into());
        self
    }

    /// Where CRM `clientRequestId`s come from (default: random). Tests seed it to keep request
    /// snapshots deterministic. Each value must use letters, digits, `-` and `_` only.
    pub fn client_request_id_source(
        mut self,
        source: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.client_request_ids = Some(Arc::new(source));
        self
    }

    /// Reads credentials and the base URL from the environment (see [`env`](mod@env)).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any variable lookup.
    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name| var(name).filter(|v| !v.trim().is_empty());
        let mut builder = Self::default();
        if let Some(url) = var(env::BASE_URL) {
            builder = builder.base_url(url);
        }
        match (
            var(env::ACCESS_KEY),
            var(env::ACCESS_KEY_SECRET),
            var(env::BEARER_TOKEN),
        ) {
            (Some(key), Some(secret), None) => Ok(builder.basic_auth(key, secret)),
            (None, None, Some(token)) => Ok(builder.bearer_token(token)),
            (None, None, None) => Err(Error::Config(format!(
                "no credentials: set {} and {}, or {}",
                env::ACCESS_KEY,
                env::ACCESS_KEY_SECRET,
                env::BEARER_TOKEN
            ))),
            (Some(_), None, None) | (None, Some(_), None) => Err(Error::Config(format!(
                "{} and {} must be set together",
                env::ACCESS_KEY,
                env::ACCESS_KEY_SECRET
            ))),
            (_, _, Some(_)) => Err(Error::Config(format!(
                "both {} and {}/{} are set: choose one way to authenticate",
                env::BEARER_TOKEN,
                env::ACCESS_KEY,
                env::ACCESS_KEY_SECRET
            ))),
        }
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<GongClient, Error> {
        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let company = self
            .quota_company
            .clone()
            .unwrap_or_else(|| match &self.auth {
                Some(AuthChoice::Credentials(credentials)) => {
                    CompanyKey::of_client(&base_url, credentials.id())
                }
                Some(AuthChoice::Provider(provider)) => {
                    CompanyKey::of_client(&base_url, provider.scheme())
                }
                None => CompanyKey::of_client(&base_url, "none"),
            });
        let auth: Arc<dyn TokenProvider> = match self.auth {
            Some(AuthChoice::Credentials(credentials)) => Arc::new(StaticAuth::new(&credentials)?),
            Some(AuthChoice::Provider(provider)) => {
                if provider.supplies_base_url() && self.base_url.is_some() {
                    return Err(Error::Config(
                        "base_url(..) cannot be combined with OAuth: every call goes to the \
                         customer's own host, from the token response (api_base_url_for_customer)"
                            .into(),
                    ));
                }
                provider
            }
            None => {
                return Err(Error::Config(
                    "no credentials: call basic_auth(..), bearer_token(..) or token_provider(..)"
                        .into(),
                ));
            }
        };
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "retry.max_attempts must be at least 1".into(),
            ));
        }
        let user_agent = match &self.user_agent_product {
            Some(product) => format!("{product} {USER_AGENT}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!("user agent {user_agent:?} is not a header value"))
        })?;
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::Config(
                "max_response_bytes must be at least 1".into(),
            ));
        }
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                // Gong's API does not redirect; a redirect is a wrong base URL or a proxy, and
                // following it would read another server's answer as Gong's.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let with_store = |config, store: Option<QuotaStore>| {
            RateLimiter::with_store(config, store.unwrap_or_else(QuotaStore::memory), company)
        };
        let limiter = match (self.rate_limit, self.quota_store) {
            (RateLimitChoice::Shared(_) | RateLimitChoice::Off, Some(_)) => {
                return Err(Error::Config(
                    "a quota store was set together with a shared rate limiter or with none: \
                     give the store to the limiter instead (RateLimiter::with_store)"
                        .into(),
                ));
            }
            (RateLimitChoice::Default, store) => {
                Some(with_store(RateLimitConfig::default(), store)?)
            }
            (RateLimitChoice::Config(config), store) => Some(with_store(config, store)?),
            (RateLimitChoice::Shared(limiter), None) => Some(limiter),
            (RateLimitChoice::Off, None) => None,
        };
        let auth_scheme = auth.scheme();
        let executor = PolicyExecutor {
            auth,
            base_url: base_url.clone(),
            user_agent,
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            retry: self.retry,
            limiter: limiter.clone(),
            max_response_bytes,
        };
        let raw = gong_api::Client::new_with_client(
            &base_url,
            http,
            gong_api::Inner::with_executor(Arc::new(executor)),
        );
        Ok(GongClient::from_parts(
            raw,
            auth_scheme,
            self.client_request_ids
                .unwrap_or_else(crate::crm::random_client_request_ids),
            limiter,
        ))
    }
}

/// `https://host[:port][/prefix]` -> `https://host[:port][/prefix]/v2`, refusing what would
/// send credentials in clear or to the wrong place.
pub(crate) fn normalize_base_url(input: &str) -> Result<String, Error> {
    let shown = without_userinfo(input);
    let bad = |why: &str| Err(Error::Config(format!("base URL {shown:?}: {why}")));
    let url = match parse_secure_url(input) {
        Ok(url) => url,
        Err(why) => return bad(&why),
    };
    if url.host().is_none() {
        return bad("no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("credentials belong in basic_auth(..), not in the URL");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    let path = url.path().trim_end_matches('/');
    let path = if path.ends_with("/v2") {
        path.to_owned()
    } else {
        format!("{path}/v2")
    };
    Ok(format!("{}{path}", url.origin().ascii_serialization()))
}

/// Parses a URL credentials may be sent to: `https`, or plain `http` to a loopback host (a
/// local mock).
pub(crate) fn parse_secure_url(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|e| format!("not a URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err("plain http is refused except for loopback hosts; use https".into()),
        other => Err(format!("scheme {other:?} is not https")),
    }
}

/// `scheme://user:secret@host…` -> `scheme://***@host…`, so a secret pasted into a base URL
/// never reaches an error message. Works on text that does not parse as a URL too.
fn without_userinfo(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let authority_end = input[start..]
        .find(['/', '?', '#'])
        .map_or(input.len(), |i| start + i);
    match input[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &input[..start], &input[start + at..]),
        None => input.to_owned(),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_client_hands_out_the_limiter_whose_store_it_paces_with() {
        let store = QuotaStore::memory();
        let client = GongClientBuilder::default()
            .basic_auth("KEY", "secret")
            .rate_limit(RateLimitConfig {
                daily_budget: Some(7),
                ..RateLimitConfig::default()
            })
            .quota_store(store.clone())
            .build()
            .unwrap();
        let limiter = client.rate_limiter().expect("a limiter by default");
        assert_eq!(limiter.company().as_str(), "api.gong.io/KEY");
        // The same quota as another limiter on the same store and company.
        let other =
            RateLimiter::with_store(RateLimitConfig::default(), store, limiter.company().clone())
                .unwrap();
        other.acquire().await.unwrap();
        let usage = limiter.usage().await.unwrap();
        assert_eq!((usage.used_today, usage.remaining_today()), (1, Some(6)));
        let off = GongClientBuilder::default()
            .basic_auth("KEY", "secret")
            .no_rate_limit()
            .build()
            .unwrap();
        assert!(off.rate_limiter().is_none());
    }

    #[test]
    fn base_urls_are_normalised_to_v2() {
        for (input, expected) in [
            ("https://api.gong.io", "https://api.gong.io/v2"),
            ("https://api.gong.io/", "https://api.gong.io/v2"),
            (
                "https://us-55616.api.gong.io/v2",
                "https://us-55616.api.gong.io/v2",
            ),
            (
                "https://us-55616.api.gong.io/v2/",
                "https://us-55616.api.gong.io/v2",
            ),
            ("HTTPS://API.GONG.IO", "https://api.gong.io/v2"),
            (
                "https://proxy.example.com:8443/gong",
                "https://proxy.example.com:8443/gong/v2",
            ),
            ("http://127.0.0.1:4010", "http://127.0.0.1:4010/v2"),
            ("http://localhost:4010/v2", "http://localhost:4010/v2"),
            ("http://[::1]:4010", "http://[::1]:4010/v2"),
        ] {
            assert_eq!(normalize_base_url(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn unsafe_base_urls_are_refused() {
        for (input, why) in [
            ("http://api.gong.io", "plain http"),
            ("http://10.0.0.5:8080", "plain http"),
            ("ftp://api.gong.io", "not https"),
            ("api.gong.io", "not a URL"),
            ("https://key:secret@api.gong.io", "credentials"),
            ("http://key:secret@api.gong.io", "plain http"),
            ("https://key:sec ret@api gong.io", "not a URL"),
            ("https://api.gong.io/v2?x=1", "query"),
        ] {
            let err = normalize_base_url(input).unwrap_err().to_string();
            assert!(err.contains(why), "{input}: {err}");
            assert!(
                !err.contains("secret@") || input.contains("secret"),
                "{err}"
            );
        }
    }

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn environment_selects_one_auth_scheme() {
        let basic = GongClientBuilder::from_vars(vars(&[
            (env::ACCESS_KEY, "k"),
            (env::ACCESS_KEY_SECRET, "s3cr3t"),
            (env::BASE_URL, "https://us-1.api.gong.io"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(basic.base_url(), "https://us-1.api.gong.io/v2");
        assert!(format!("{basic:?}").contains("basic"));

        let bearer = GongClientBuilder::from_vars(vars(&[(env::BEARER_TOKEN, "t0k")]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(bearer.base_url(), "https://api.gong.io/v2");

        for (pairs, why) in [
            (vec![], "no credentials"),
            (vec![(env::ACCESS_KEY, "k")], "together"),
            (
                vec![
                    (env::ACCESS_KEY, "k"),
                    (env::ACCESS_KEY_SECRET, "s3cr3t"),
                    (env::BEARER_TOKEN, "t0k"),
                ],
                "choose one",
            ),
        ] {
            let err = GongClientBuilder::from_vars(vars(&pairs))
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{err}");
            assert!(!err.contains("s3cr3t") && !err.contains("t0k"), "{err}");
        }
    }

    #[test]
    fn build_requires_credentials_and_debug_redacts_them() {
        let err = GongClientBuilder::default().build().unwrap_err();
        assert!(err.to_string().contains("no credentials"));
        let builder = GongClientBuilder::default().basic_auth("key", "s3cr3t");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
        assert!(!format!("{:?}", client.raw()).contains("s3cr3t"));
    }
}

//! Building a [`GongClient`]: a builder that validates everything once, in `build()`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::auth::{Credentials, StaticAuth, TokenProvider};
use crate::client::GongClient;
use crate::client::crm::ClientRequestIdSource;
use crate::client::executor::PolicyExecutor;
use crate::error::Error;
use crate::policy::quota::{CompanyKey, QuotaStore};
use crate::policy::rate_limit::{RateLimitConfig, RateLimiter};
use crate::policy::retry::RetryConfig;
use crate::wire::endpoint::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    USER_AGENT, normalize_base_url,
};

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
    /// sent to the customer's own API host. See [`oauth`](crate::auth::oauth).
    #[cfg(feature = "oauth")]
    pub fn oauth(self, provider: crate::auth::oauth::OAuthTokenProvider) -> Self {
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
    /// [`quota`](crate::policy::quota) for which store to pick.
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
                .unwrap_or_else(crate::client::crm::random_client_request_ids),
            limiter,
        ))
    }
}

#[cfg(test)]
mod tests;

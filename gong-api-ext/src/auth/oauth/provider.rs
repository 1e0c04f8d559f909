//! [`OAuthTokenProvider`]: a valid access token for every request, refreshed once for any
//! number of concurrent requests, with each rotated token set stored before it is used.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use gong_api::BoxFuture;

use super::app::OAuthApp;
use super::store::TokenStore;
use super::token::TokenSet;
use crate::auth::{AuthError, Authorization, TokenProvider};

/// How long before expiry a token is refreshed by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The [`TokenProvider`] for one customer of an OAuth app: give it to
/// [`GongClientBuilder::oauth`](crate::GongClientBuilder::oauth).
///
/// Before every attempt it hands out the current access token, with the customer's API host
/// from the token response. When the token is within the refresh margin of expiry (or Gong
/// answers 401 naming no scope, at most once per request), it refreshes:
///
/// 1. **once per process**: concurrent requests wait for the one refresh in flight;
/// 2. **once across processes**: under the store's [lock](TokenStore::lock) it re-reads the
///    store first, and adopts tokens another process already rotated instead of sending a
///    refresh token that is already spent;
/// 3. **stored before used**: the rotated set is [saved](TokenStore::save) before any request
///    uses it. If saving fails (or panics), the set is kept in memory, nothing uses it, and the
///    next request saves it first; the refresh itself runs in its own task, so a request
///    dropped halfway (a timeout, a cancelled task) does not lose it either.
///
/// `invalid_grant` becomes [`AuthError::ReauthorizationRequired`] and is never retried: the
/// spent token is remembered, and later requests fail at once until the store holds a new
/// grant.
///
/// Cheap to clone; clones share the tokens and the single flight.
#[derive(Clone)]
pub struct OAuthTokenProvider {
    inner: Arc<Inner>,
}

struct Inner {
    app: OAuthApp,
    store: Arc<dyn TokenStore>,
    /// The refresh margin, in milliseconds.
    margin_ms: AtomicU64,
    /// The tokens requests use now (stored).
    current: RwLock<Option<TokenSet>>,
    /// Serialises refreshes in this process; holds what must survive a failed one.
    gate: tokio::sync::Mutex<Slow>,
}

#[derive(Default)]
struct Slow {
    /// Tokens Gong issued that are not stored yet, and the set they replace.
    pending: Option<(TokenSet, TokenSet)>,
    /// A refresh token Gong refused: never sent again.
    refused: Option<TokenSet>,
}

impl fmt::Debug for OAuthTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokenProvider")
            .field("app", &self.inner.app)
            .field("store", &self.inner.store)
            .field("refresh_margin", &self.inner.margin())
            .finish_non_exhaustive()
    }
}

impl OAuthTokenProvider {
    /// A provider for the customer whose tokens `store` holds.
    pub fn new(app: OAuthApp, store: impl TokenStore + 'static) -> Self {
        Self::with_store(app, Arc::new(store))
    }

    /// [`new`](Self::new) with a store already shared.
    pub fn with_store(app: OAuthApp, store: Arc<dyn TokenStore>) -> Self {
        Self {
            inner: Arc::new(Inner {
                app,
                store,
                margin_ms: AtomicU64::new(DEFAULT_REFRESH_MARGIN.as_millis() as u64),
                current: RwLock::new(None),
                gate: tokio::sync::Mutex::new(Slow::default()),
            }),
        }
    }

    /// Refresh this long before expiry (default [`DEFAULT_REFRESH_MARGIN`], 5 minutes). Clones
    /// share the setting.
    pub fn refresh_margin(self, margin: Duration) -> Self {
        let millis = u64::try_from(margin.as_millis()).unwrap_or(u64::MAX);
        self.inner.margin_ms.store(millis, Ordering::Relaxed);
        self
    }

    /// The app.
    pub fn app(&self) -> &OAuthApp {
        &self.inner.app
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// Valid tokens (refreshed first when due): e.g. to show the host, scopes and expiry.
    pub async fn tokens(&self) -> Result<TokenSet, AuthError> {
        match self.inner.fresh(None) {
            Some(tokens) => Ok(tokens),
            None => self.inner.clone().obtain_detached(None).await,
        }
    }
}

impl Inner {
    fn margin(&self) -> Duration {
        Duration::from_millis(self.margin_ms.load(Ordering::Relaxed))
    }

    /// The current tokens if they are not due and are not `rejected`.
    fn fresh(&self, rejected: Option<&Authorization>) -> Option<TokenSet> {
        let current = self.current.read().expect("token cache lock");
        current
            .as_ref()
            .filter(|t| self.usable(t, rejected))
            .cloned()
    }

    fn usable(&self, tokens: &TokenSet, rejected: Option<&Authorization>) -> bool {
        !tokens.expires_within(self.margin(), SystemTime::now())
            && rejected.is_none_or(|r| !r.same_credential(tokens.authorization()))
    }

    fn set_current(&self, tokens: &TokenSet) {
        *self.current.write().expect("token cache lock") = Some(tokens.clone());
    }

    /// [`obtain`](Self::obtain) in its own task: a caller dropped halfway does not stop a
    /// refresh between Gong's answer and the store.
    async fn obtain_detached(
        self: Arc<Self>,
        rejected: Option<Authorization>,
    ) -> Result<TokenSet, AuthError> {
        match tokio::spawn(async move { self.obtain(rejected.as_ref()).await }).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(AuthError::Interrupted(
                "the token refresh panicked; tokens Gong issued are stored by the next call".into(),
            )),
            Err(_) => Err(AuthError::Interrupted(
                "the token refresh was cancelled (runtime shutting down)".into(),
            )),
        }
    }

    /// The single flight: one caller at a time per process, under the store's lock.
    async fn obtain(&self, rejected: Option<&Authorization>) -> Result<TokenSet, AuthError> {
        let mut slow = self.gate.lock().await;
        // Another caller may have refreshed while this one waited.
        if slow.pending.is_none()
            && let Some(tokens) = self.fresh(rejected)
        {
            return Ok(tokens);
        }
        let _lock = self.store.lock().await?;
        let stored = self.store.load().await?;

        // Tokens from an earlier refresh that could not be stored go first, as long as the
        // store still holds the set they replace (a new authorization supersedes them).
        if let Some((tokens, replaces)) = slow.pending.take() {
            if stored.as_ref().is_some_and(|s| s.same_grant(&replaces)) {
                return self.store_then_use(&mut slow, tokens, replaces).await;
            }
            tracing::info!("the store changed since an unsaved refresh; using the stored tokens");
        }

        let Some(stored) = stored else {
            return Err(AuthError::ReauthorizationRequired {
                reason: "no tokens are stored for this customer: authorise the app first".into(),
            });
        };
        if self.usable(&stored, rejected) {
            // First use, or another process rotated the tokens already.
            self.set_current(&stored);
            return Ok(stored);
        }
        if slow.refused.as_ref().is_some_and(|r| r.same_grant(&stored)) {
            return Err(AuthError::ReauthorizationRequired {
                reason: "Gong already refused the stored refresh token (invalid_grant)".into(),
            });
        }
        tracing::debug!(
            api_base_url = stored.api_base_url(),
            "refreshing the OAuth access token"
        );
        match self.app.refresh(&stored).await {
            Ok(tokens) => self.store_then_use(&mut slow, tokens, stored).await,
            Err(e) => {
                if e.is_reauthorization_required() {
                    slow.refused = Some(stored);
                }
                Err(e)
            }
        }
    }

    /// Saves `tokens` (which replace `replaces`), then makes them current. On failure they
    /// stay pending, unused.
    async fn store_then_use(
        &self,
        slow: &mut Slow,
        tokens: TokenSet,
        replaces: TokenSet,
    ) -> Result<TokenSet, AuthError> {
        slow.pending = Some((tokens.clone(), replaces));
        if let Err(e) = self.store.save(&tokens).await {
            tracing::error!(error = %e, "could not store rotated OAuth tokens; kept in memory, unused");
            return Err(e);
        }
        slow.pending = None;
        self.set_current(&tokens);
        tracing::info!(
            api_base_url = tokens.api_base_url(),
            expires_in_s = tokens
                .expires_at()
                .duration_since(SystemTime::now())
                .map_or(0, |d| d.as_secs()),
            "OAuth tokens rotated and stored"
        );
        Ok(tokens)
    }
}

impl TokenProvider for OAuthTokenProvider {
    fn authorization(&self) -> BoxFuture<'_, Result<Authorization, AuthError>> {
        Box::pin(async move {
            if let Some(tokens) = self.inner.fresh(None) {
                return Ok(tokens.authorization().clone());
            }
            let tokens = self.inner.clone().obtain_detached(None).await?;
            Ok(tokens.authorization().clone())
        })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a Authorization,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        Box::pin(async move {
            let tokens = self
                .inner
                .clone()
                .obtain_detached(Some(rejected.clone()))
                .await?;
            Ok(!tokens.authorization().same_credential(rejected))
        })
    }

    fn refreshes(&self) -> bool {
        true
    }

    fn supplies_base_url(&self) -> bool {
        true
    }

    fn scheme(&self) -> &'static str {
        "oauth"
    }
}

#[cfg(test)]
mod tests;

//! OAuth for apps that act for Gong customers (cargo feature `oauth`).
//!
//! Gong's OAuth is RFC 6749's authorization-code flow with three details that break
//! integrations (gong-reference.md, "OAuth"):
//!
//! - **Refresh tokens are single-use and rotate.** Two workers refreshing with the same token
//!   leave one holding a dead token, and a process that dies between receiving a new refresh
//!   token and storing it disconnects the customer until an administrator re-authorises.
//!   [`OAuthTokenProvider`] refreshes once per process (single flight), re-reads the
//!   [`TokenStore`] under its lock so processes take turns and adopt each other's tokens, and
//!   stores every rotated set **before** using it.
//! - **Every customer has its own API host**, `api_base_url_for_customer` in the token answer.
//!   A client built with [`GongClientBuilder::oauth`](crate::GongClientBuilder::oauth) sends
//!   every call to the host of the current token (and follows it if a refresh moves it);
//!   `base_url` is refused with OAuth.
//! - **A missing scope answers 401** naming the scope: it becomes
//!   [`Error::MissingScope`](crate::Error::MissingScope), and is never "fixed" by a refresh;
//!   any other 401 gets one refresh and one more attempt. `invalid_grant` becomes
//!   [`AuthError::ReauthorizationRequired`](crate::AuthError::ReauthorizationRequired) and is
//!   never retried.
//!
//! The token endpoint is called as Gong documents it: `POST …/oauth2/generate-customer-token`
//! with the grant as query parameters and `Authorization: Basic base64(client_id:secret)`
//! (see [`OAuthApp`] for why this is not the `oauth2` crate).
//!
//! Tokens, the client secret and authorization codes never appear in `Debug`, errors or logs
//! at any level; error bodies from the token endpoint are scrubbed of them.
//!
//! # A multi-tenant service
//!
//! One [`OAuthApp`] for the service, one [`GongClient`](crate::GongClient) per customer (its
//! own host, and its own rate limiter: Gong's limits are per company), and a [`TokenStore`]
//! over the service's own database:
//!
//! ```no_run
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//!
//! use gong_api_ext::oauth::{
//!     AuthorizationCode, OAuthApp, OAuthTokenProvider, TokenSet, TokenStore, TokenStoreLock,
//!     scopes,
//! };
//! use gong_api_ext::{AuthError, BoxFuture, Error, GongClient};
//!
//! /// Stands for your database: one row of (encrypted) tokens per tenant.
//! #[derive(Default)]
//! struct Db {
//!     rows: Mutex<HashMap<String, String>>,
//!     row_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
//! }
//!
//! /// One tenant's row. With several service instances, `lock` must be a database lock
//! /// (`SELECT … FOR UPDATE`, an advisory lock), not an in-process mutex.
//! #[derive(Debug)]
//! struct TenantStore {
//!     db: Arc<Db>,
//!     tenant: String,
//! }
//!
//! # impl std::fmt::Debug for Db {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("Db") }
//! # }
//! impl TokenStore for TenantStore {
//!     fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
//!         Box::pin(async move {
//!             let row_lock = self.db.row_locks.lock().unwrap()
//!                 .entry(self.tenant.clone()).or_default().clone();
//!             Ok(TokenStoreLock::new(row_lock.lock_owned().await))
//!         })
//!     }
//!     fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
//!         let row = self.db.rows.lock().unwrap().get(&self.tenant).cloned();
//!         Box::pin(async move {
//!             row.map(|json| serde_json::from_str(&json))
//!                 .transpose()
//!                 .map_err(|e| AuthError::store("reading the tenant's tokens", e))
//!         })
//!     }
//!     fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
//!         Box::pin(async move {
//!             let json = serde_json::to_string(tokens)
//!                 .map_err(|e| AuthError::store("serializing tokens", e))?;
//!             self.db.rows.lock().unwrap().insert(self.tenant.clone(), json); // commit
//!             Ok(())
//!         })
//!     }
//!     fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
//!         self.db.rows.lock().unwrap().remove(&self.tenant);
//!         Box::pin(async { Ok(()) })
//!     }
//! }
//!
//! struct Service {
//!     app: OAuthApp,
//!     db: Arc<Db>,
//!     clients: Mutex<HashMap<String, GongClient>>,
//! }
//!
//! const REDIRECT_URI: &str = "https://privacy.example.com/gong/callback";
//!
//! impl Service {
//!     /// The tenant's client, built once: its provider's single flight covers every task.
//!     fn client(&self, tenant: &str) -> Result<GongClient, Error> {
//!         let mut clients = self.clients.lock().unwrap();
//!         if let Some(client) = clients.get(tenant) {
//!             return Ok(client.clone());
//!         }
//!         let store = TenantStore { db: self.db.clone(), tenant: tenant.to_owned() };
//!         let client = GongClient::builder()
//!             .oauth(OAuthTokenProvider::new(self.app.clone(), store))
//!             .user_agent_product("privacy-service/1.0")
//!             .build()?;
//!         clients.insert(tenant.to_owned(), client.clone());
//!         Ok(client)
//!     }
//!
//!     /// "Connect Gong": the URL to send the tenant's Gong administrator to, and the state
//!     /// to keep in their session.
//!     fn connect(&self) -> Result<(String, String), AuthError> {
//!         let request = self.app.authorization_request(scopes::ALL, REDIRECT_URI)?;
//!         Ok((request.url().to_string(), request.state().to_owned()))
//!     }
//!
//!     /// The redirect handler, once the state from the session matched the redirect's.
//!     async fn connected(&self, tenant: &str, code: AuthorizationCode) -> Result<(), AuthError> {
//!         let tokens = self.app.exchange_code(&code, REDIRECT_URI).await?;
//!         let store = TenantStore { db: self.db.clone(), tenant: tenant.to_owned() };
//!         let _lock = store.lock().await?;
//!         store.save(&tokens).await
//!     }
//!
//!     async fn erase(&self, tenant: &str, email: &str) -> Result<String, Error> {
//!         match self.client(tenant)?.erase_email_address(email).await {
//!             Ok(receipt) => Ok(receipt.request_id),
//!             Err(e) if e.requires_reauthorization() => {
//!                 // Mark the tenant disconnected and ask its administrator to connect again.
//!                 Err(e)
//!             }
//!             Err(Error::MissingScope { scope, error }) => {
//!                 // The app must request `scope`, and the tenant authorise it.
//!                 Err(Error::MissingScope { scope, error })
//!             }
//!             Err(e) => Err(e),
//!         }
//!     }
//! }
//! # let _ = Service { app: OAuthApp::new("id", "secret").unwrap(), db: Default::default(), clients: Default::default() };
//! ```
//!
//! A command-line tool authorises with [`authorize_via_loopback`] and keeps the tokens in a
//! [`FileTokenStore`].

mod app;
mod loopback;
mod provider;
mod store;
mod token;

pub use app::{
    AuthorizationCode, AuthorizationRequest, DEFAULT_AUTHORIZE_URL, DEFAULT_TOKEN_TIMEOUT,
    DEFAULT_TOKEN_URL, OAuthApp, OAuthAppBuilder,
};
pub use loopback::{LoopbackListener, authorize_via_loopback};
pub use provider::{DEFAULT_REFRESH_MARGIN, OAuthTokenProvider};
pub use store::{FileTokenStore, MemoryTokenStore, TokenStore, TokenStoreLock};
pub use token::TokenSet;

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
    /// All of the above.
    pub const ALL: &[&str] = &[
        DATA_PRIVACY_READ,
        DATA_PRIVACY_DELETE,
        CRM_INTEGRATIONS_READ,
        CRM_INTEGRATION_DELETE,
        CRM_UPLOAD,
    ];
}

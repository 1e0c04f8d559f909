//! The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
//! through the `keyring` crate, behind the `keychain` feature.
//!
//! `keyring`'s calls block (on Linux they talk D-Bus through zbus, which deadlocks on a tokio
//! worker thread), so every call runs on a blocking thread.

use std::path::PathBuf;

use gong_api_ext::oauth::{TokenSet, TokenStore, TokenStoreLock};
use gong_api_ext::secrecy::{ExposeSecret as _, SecretString};
use gong_api_ext::{AuthError, BoxFuture};

/// The keychain service the entries are kept under.
pub const SERVICE: &str = "gong-privacy";
/// The entry holding the token set (JSON).
pub const TOKENS: &str = "oauth-tokens";
/// The entry holding the app's client secret.
pub const CLIENT_SECRET: &str = "oauth-client-secret";

/// Runs a keychain call on a blocking thread; errors in words (`keyring`'s `Display` holds no
/// secret).
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(e) => Err(format!("the keychain call failed: {e}")),
    }
}

/// Whether a keychain answers here: `Err(why)` when there is none (on Linux: no session bus,
/// or no Secret Service on it, as on servers and in CI).
pub async fn probe() -> Result<(), String> {
    blocking(
        || match keyring::Entry::new(SERVICE, "probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        },
    )
    .await
}

/// The secret kept under `account`, if any.
pub async fn get(account: &'static str) -> Result<Option<SecretString>, String> {
    blocking(
        move || match keyring::Entry::new(SERVICE, account)?.get_password() {
            Ok(secret) => Ok(Some(SecretString::from(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        },
    )
    .await
}

/// Keeps `secret` under `account`, replacing what was there.
pub async fn set(account: &'static str, secret: SecretString) -> Result<(), String> {
    blocking(move || keyring::Entry::new(SERVICE, account)?.set_password(secret.expose_secret()))
        .await
}

/// Removes `account`'s entry; none is not an error.
pub async fn delete(account: &'static str) -> Result<(), String> {
    blocking(
        move || match keyring::Entry::new(SERVICE, account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        },
    )
    .await
}

/// The login's tokens in the keychain. The processes of this machine take turns through an OS
/// lock on a file beside the login (the keychain has no lock of its own).
#[derive(Debug)]
pub struct KeychainTokenStore {
    pub lock_path: PathBuf,
}

fn store_error(what: &str, why: String) -> AuthError {
    AuthError::Store {
        message: format!("the OS keychain: {what}: {why}"),
        source: None,
    }
}

impl TokenStore for KeychainTokenStore {
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
        Box::pin(TokenStoreLock::file(self.lock_path.clone()))
    }

    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
        Box::pin(async {
            let Some(json) = get(TOKENS).await.map_err(|e| store_error("reading", e))? else {
                return Ok(None);
            };
            // serde_json's messages quote the text they stumbled on: report the position only.
            serde_json::from_str(json.expose_secret())
                .map(Some)
                .map_err(|e| {
                    store_error(
                        "reading",
                        format!(
                            "the entry {SERVICE}/{TOKENS} is not a token set (line {}, column {})",
                            e.line(),
                            e.column()
                        ),
                    )
                })
        })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let json = serde_json::to_string(tokens)
                .map_err(|_| store_error("writing", "the tokens do not serialise".into()))?;
            set(TOKENS, SecretString::from(json))
                .await
                .map_err(|e| store_error("writing", e))
        })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
        Box::pin(async { delete(TOKENS).await.map_err(|e| store_error("removing", e)) })
    }
}

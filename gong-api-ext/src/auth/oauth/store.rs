//! Where a customer's tokens live between calls and processes: the [`TokenStore`] trait, a
//! [`FileTokenStore`] (atomic writes, an OS file lock) and a [`MemoryTokenStore`].
//!
//! Gong's refresh tokens are single-use, so a store is not a cache: it holds the only valid
//! refresh token, and every process sharing it must take its lock, re-read it and write the
//! rotated tokens before using them (the provider does all that; a store only has to make
//! `lock` exclusive and `save` atomic and durable).

use std::any::Any;
use std::fmt;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gong_api::BoxFuture;

use super::token::{TokenSet, shape_error};
use crate::auth::AuthError;

/// Holds one customer's [`TokenSet`].
///
/// Implement it over your own storage (a database row per customer, a secrets manager) for a
/// multi-tenant service: see the [module docs](super) for an example.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Waits for exclusive access to this customer's tokens, shared with every other process
    /// (or host) using the same storage; released when the returned lock is dropped. The
    /// provider holds it while it reads, refreshes and saves.
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>>;

    /// The stored tokens; `None` when there are none (never authorised, or logged out).
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>>;

    /// Replaces the stored tokens, atomically (a crash leaves the old set or the new one,
    /// never a mix or nothing) and durably (on disk when this returns).
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>>;

    /// Forgets the tokens (logout). Nothing stored is not an error.
    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>>;
}

impl<S: TokenStore + ?Sized> TokenStore for Arc<S> {
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
        (**self).lock()
    }
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
        (**self).load()
    }
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
        (**self).save(tokens)
    }
    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
        (**self).clear()
    }
}

/// A held [`TokenStore::lock`]; dropping it releases the lock.
pub struct TokenStoreLock {
    _guard: Box<dyn Any + Send + Sync>,
}

impl fmt::Debug for TokenStoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStoreLock")
    }
}

impl TokenStoreLock {
    /// Wraps whatever releases the lock when dropped (a mutex guard, a database transaction,
    /// an open locked file…).
    pub fn new(guard: impl Any + Send + Sync) -> Self {
        Self {
            _guard: Box::new(guard),
        }
    }

    /// Takes an exclusive OS lock (`flock` on Unix, `LockFileEx` on Windows) on `path`,
    /// creating it (mode 0600) if needed, waiting as long as another process holds it. For
    /// token stores of your own that keep tokens elsewhere (an OS keychain) but need the
    /// processes of one machine to take turns.
    pub async fn file(path: impl Into<PathBuf>) -> Result<Self, AuthError> {
        let path = path.into();
        let shown = path.display().to_string();
        tokio::task::spawn_blocking(move || -> io::Result<Self> {
            let file = private_options().read(true).write(true).open(&path)?;
            fs4::FileExt::lock(&file)?;
            Ok(Self::new(file))
        })
        .await
        .map_err(|e| AuthError::Store {
            message: format!("locking {shown}: {e}"),
            source: None,
        })?
        .map_err(|e| AuthError::store(format!("locking {shown}"), e))
    }
}

/// Create-or-open with owner-only permissions on Unix.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Tokens in a JSON file, for a command-line tool or a single-tenant service; several
/// processes may share the file.
///
/// - `lock` takes an OS lock on `<path>.lock` (not on the token file itself, which `save`
///   replaces);
/// - `save` writes a temporary file (mode 0600) in the same directory, syncs it to disk,
///   renames it over the token file and syncs the directory: a crash leaves the old file or
///   the new, whole;
/// - `load` reads it; a missing file is "no tokens".
///
/// ```no_run
/// use gong_api_ext::oauth::{FileTokenStore, OAuthApp, OAuthTokenProvider};
/// use gong_api_ext::GongClient;
///
/// # fn run() -> Result<(), gong_api_ext::Error> {
/// let app = OAuthApp::new("CLIENT_ID", "CLIENT_SECRET")?;
/// let store = FileTokenStore::new("/var/lib/privacy-bot/gong-tokens.json");
/// let client = GongClient::builder()
///     .oauth(OAuthTokenProvider::new(app, store))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct FileTokenStore {
    path: PathBuf,
    lock_path: PathBuf,
}

impl FileTokenStore {
    /// Tokens kept in `path` (and a lock file beside it, `<path>.lock`).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        Self {
            path,
            lock_path: lock_path.into(),
        }
    }

    /// The token file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn blocking<T: Send + 'static>(
        &self,
        what: &'static str,
        work: impl FnOnce(&Path) -> Result<T, AuthError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, AuthError>> {
        let path = self.path.clone();
        Box::pin(async move {
            let shown = path.display().to_string();
            tokio::task::spawn_blocking(move || work(&path))
                .await
                .map_err(|e| AuthError::Store {
                    message: format!("{what} {shown}: {e}"),
                    source: None,
                })?
        })
    }
}

impl TokenStore for FileTokenStore {
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
        Box::pin(TokenStoreLock::file(self.lock_path.clone()))
    }

    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
        self.blocking("reading", |path| {
            let text = match std::fs::read(path) {
                Ok(text) => text,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(AuthError::store(format!("reading {}", path.display()), e)),
            };
            serde_json::from_slice(&text)
                .map(Some)
                .map_err(|e| AuthError::Store {
                    message: format!(
                        "{} is not a token file: {}",
                        path.display(),
                        shape_error(&e)
                    ),
                    source: None,
                })
        })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
        let json = match serde_json::to_vec_pretty(tokens) {
            Ok(json) => secrecy::SecretBox::new(Box::new(json)),
            Err(e) => {
                return Box::pin(async move {
                    Err(AuthError::Store {
                        message: format!("cannot serialize the tokens ({})", shape_error(&e)),
                        source: None,
                    })
                });
            }
        };
        self.blocking("writing", move |path| {
            use secrecy::ExposeSecret as _;
            write_atomically(path, json.expose_secret())
                .map_err(|e| AuthError::store(format!("writing {}", path.display()), e))
        })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
        self.blocking("removing", |path| match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(AuthError::store(format!("removing {}", path.display()), e))
            }
            _ => Ok(()),
        })
    }
}

/// Temporary file beside `path` (0600 on Unix), synced, renamed over `path`, directory synced.
fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".gong-tokens-")
        .tempfile_in(dir)?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Tokens in memory, shared by clones: for tests, and for services that keep tokens
/// elsewhere and hand them over at start. Its lock excludes the holders of its clones.
#[derive(Clone, Default)]
pub struct MemoryTokenStore {
    tokens: Arc<Mutex<Option<TokenSet>>>,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.tokens.lock().map(|t| t.is_some()).unwrap_or(false);
        f.debug_struct("MemoryTokenStore")
            .field("holds_tokens", &held)
            .finish()
    }
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `tokens`.
    pub fn with_tokens(tokens: TokenSet) -> Self {
        let store = Self::default();
        *store.tokens.lock().expect("fresh lock") = Some(tokens);
        store
    }

    /// The tokens held now.
    pub fn tokens(&self) -> Option<TokenSet> {
        self.tokens.lock().expect("token lock").clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
        Box::pin(async move { Ok(TokenStoreLock::new(self.lock.clone().lock_owned().await)) })
    }

    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
        let tokens = self.tokens();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
        *self.tokens.lock().expect("token lock") = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
        *self.tokens.lock().expect("token lock") = None;
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests;

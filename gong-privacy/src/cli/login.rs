//! The OAuth login `auth login` stores and every other command uses: the app (client id, Gong's
//! URLs) in `login.json` under the user's config directory, and the secrets — the token set and
//! the app's client secret — in the OS keychain (feature `keychain`) or, when there is none, in
//! 0600 files beside `login.json`.
//!
//! `login.json` holds no secret; it says where the secrets are, so that a machine that gains or
//! loses its keychain later does not lose the login.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gong_api_ext::oauth::{FileTokenStore, OAuthApp, TokenSet, TokenStore};
use gong_api_ext::secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use crate::cli::exit::Failure;

const LOGIN_FILE: &str = "login.json";
const TOKENS_FILE: &str = "oauth-tokens.json";
const SECRET_FILE: &str = "oauth-client-secret";

/// The user's config directory for this tool: `$XDG_CONFIG_HOME/gong-privacy` on Linux.
pub fn config_dir() -> Result<PathBuf, Failure> {
    directories::ProjectDirs::from("", "", "gong-privacy")
        .map(|dirs| dirs.config_dir().to_owned())
        .ok_or_else(|| Failure::usage("no home directory to keep the OAuth login in (set HOME)"))
}

/// Where the secrets of a login are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Backend {
    /// The OS keychain.
    Keychain,
    /// 0600 files beside `login.json`.
    File,
}

/// A stored login (`login.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    /// `login.json`'s format.
    pub v: u32,
    pub backend: Backend,
    pub client_id: String,
    pub authorize_url: String,
    pub token_url: String,
    /// The scopes the login asked for.
    pub requested_scopes: Vec<String>,
    #[serde(skip)]
    dir: PathBuf,
}

impl Login {
    pub fn new(
        dir: PathBuf,
        backend: Backend,
        client_id: &str,
        authorize_url: &str,
        token_url: &str,
        requested_scopes: Vec<String>,
    ) -> Self {
        Self {
            v: 1,
            backend,
            client_id: client_id.to_owned(),
            authorize_url: authorize_url.to_owned(),
            token_url: token_url.to_owned(),
            requested_scopes,
            dir,
        }
    }

    /// The login stored in `dir`, if any.
    pub fn load(dir: &Path) -> Result<Option<Self>, Failure> {
        let path = dir.join(LOGIN_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "{}: cannot read the OAuth login: {e}",
                    path.display()
                )));
            }
        };
        let mut login: Self = serde_json::from_slice(&bytes).map_err(|e| {
            Failure::usage(format!(
                "{}: not a login written by `gong-privacy auth login` ({e}); run `gong-privacy \
                 auth logout`, then `auth login` again",
                path.display()
            ))
        })?;
        login.dir = dir.to_owned();
        Ok(Some(login))
    }

    /// Writes `login.json` (last, once the secrets are stored: it marks the login complete).
    pub fn save(&self) -> Result<(), Failure> {
        let json = serde_json::to_vec_pretty(self).expect("a login serialises");
        write_private(&self.dir.join(LOGIN_FILE), &json)
            .map_err(|e| Failure::failed(format!("cannot write the OAuth login: {e}")))
    }

    /// Removes `login.json`.
    pub fn remove(&self) -> Result<(), Failure> {
        remove(&self.dir.join(LOGIN_FILE))
    }

    /// The token store of this login.
    pub fn token_store(&self) -> Result<Arc<dyn TokenStore>, Failure> {
        match self.backend {
            Backend::File => Ok(Arc::new(FileTokenStore::new(self.dir.join(TOKENS_FILE)))),
            #[cfg(feature = "keychain")]
            Backend::Keychain => Ok(Arc::new(crate::cli::keychain::KeychainTokenStore {
                lock_path: self.dir.join("oauth-tokens.lock"),
            })),
            #[cfg(not(feature = "keychain"))]
            Backend::Keychain => Err(no_keychain()),
        }
    }

    /// The stored tokens (from `store`, this login's token store); none is "run auth login".
    pub async fn tokens(&self, store: &dyn TokenStore) -> Result<TokenSet, Failure> {
        store
            .load()
            .await
            .map_err(|e| Failure::failed(e.to_string()))?
            .ok_or_else(|| Failure {
                code: crate::cli::exit::AUTH,
                message: format!(
                    "the OAuth login has no tokens in {}: run `gong-privacy auth login`",
                    self.whereabouts()
                ),
            })
    }

    /// Where the secrets are, in words.
    pub fn whereabouts(&self) -> String {
        where_kept(self.backend, &self.dir)
    }

    /// The app, with its client secret from where the login keeps it.
    pub async fn app(&self) -> Result<OAuthApp, Failure> {
        let secret = self.client_secret().await?.ok_or_else(|| {
            Failure::usage(format!(
                "the OAuth login has no client secret in {}: run `gong-privacy auth login` again",
                self.whereabouts()
            ))
        })?;
        OAuthApp::builder(&self.client_id, secret.expose_secret())
            .authorize_url(&self.authorize_url)
            .token_url(&self.token_url)
            .build()
            .map_err(|e| Failure::usage(format!("the stored OAuth login: {e}")))
    }

    async fn client_secret(&self) -> Result<Option<SecretString>, Failure> {
        match self.backend {
            Backend::File => {
                let path = self.dir.join(SECRET_FILE);
                match std::fs::read_to_string(&path) {
                    Ok(secret) => Ok(Some(SecretString::from(secret.trim().to_owned()))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Failure::failed(format!("{}: {e}", path.display()))),
                }
            }
            #[cfg(feature = "keychain")]
            Backend::Keychain => crate::cli::keychain::get(crate::cli::keychain::CLIENT_SECRET)
                .await
                .map_err(|e| Failure::failed(format!("the OS keychain: {e}"))),
            #[cfg(not(feature = "keychain"))]
            Backend::Keychain => Err(no_keychain()),
        }
    }

    /// Keeps the app's client secret where the login keeps its secrets.
    pub async fn save_client_secret(&self, secret: SecretString) -> Result<(), Failure> {
        match self.backend {
            Backend::File => write_private(
                &self.dir.join(SECRET_FILE),
                secret.expose_secret().as_bytes(),
            )
            .map_err(|e| Failure::failed(format!("cannot keep the client secret: {e}"))),
            #[cfg(feature = "keychain")]
            Backend::Keychain => {
                crate::cli::keychain::set(crate::cli::keychain::CLIENT_SECRET, secret)
                    .await
                    .map_err(|e| Failure::failed(format!("the OS keychain: {e}")))
            }
            #[cfg(not(feature = "keychain"))]
            Backend::Keychain => {
                let _ = secret;
                Err(no_keychain())
            }
        }
    }

    /// Removes the secrets: the tokens and the client secret.
    pub async fn clear_secrets(&self) -> Result<(), Failure> {
        self.token_store()?
            .clear()
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        match self.backend {
            Backend::File => remove(&self.dir.join(SECRET_FILE)),
            #[cfg(feature = "keychain")]
            Backend::Keychain => crate::cli::keychain::delete(crate::cli::keychain::CLIENT_SECRET)
                .await
                .map_err(|e| Failure::failed(format!("the OS keychain: {e}"))),
            #[cfg(not(feature = "keychain"))]
            Backend::Keychain => Err(no_keychain()),
        }
    }
}

/// Where a backend keeps the secrets, in words.
pub fn where_kept(backend: Backend, dir: &Path) -> String {
    match backend {
        Backend::Keychain => format!(
            "the OS keychain (service \"gong-privacy\"; lock file {})",
            dir.join("oauth-tokens.lock").display()
        ),
        Backend::File => format!(
            "{} and {} (mode 0600)",
            dir.join(TOKENS_FILE).display(),
            dir.join(SECRET_FILE).display()
        ),
    }
}

/// Writes `bytes` to a new 0600 file beside `path`, then renames it over `path` (the directory
/// is created, 0700, if needed).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("a file in a directory");
    create_private_dir(dir)?;
    // tempfile creates its files with mode 0600.
    let mut file = tempfile::Builder::new().prefix(".gong-").tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates `dir` (mode 0700 on Unix) and its parents.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn remove(path: &Path) -> Result<(), Failure> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Failure::failed(format!(
            "cannot remove {}: {e}",
            path.display()
        ))),
        _ => Ok(()),
    }
}

#[cfg(not(feature = "keychain"))]
fn no_keychain() -> Failure {
    Failure::usage(
        "the OAuth login is kept in the OS keychain, but this build of gong-privacy has no \
         keychain support (cargo feature `keychain`): use a build with it, or run `gong-privacy \
         auth login --token-store file`",
    )
}

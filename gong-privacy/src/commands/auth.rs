//! `auth login`, `auth status`, `auth logout`: an OAuth login for an app acting for a Gong
//! customer, kept in the OS keychain or a 0600 file (see [`crate::cli::login`]).

use std::path::Path;
use std::time::{Duration, SystemTime};

use gong_api_ext::oauth::{self, LoopbackListener, OAuthApp, TokenSet, scopes};
use gong_api_ext::secrecy::SecretString;

use crate::cli::Outcome;
use crate::cli::args::{AuthCommand, Cli, LoginArgs};
use crate::cli::credentials::environment_has_credentials;
use crate::cli::exit::{self, Failure};
use crate::cli::login::{Backend, Login, config_dir, create_private_dir, where_kept};
use crate::cli::output::{AuthStatus, Json, emit, say};

/// The variable the app's client secret comes from (never a flag: flags show in `ps`).
const CLIENT_SECRET_VAR: &str = "GONG_CLIENT_SECRET";

pub async fn run(cli: &Cli, command: &AuthCommand) -> Outcome {
    let dir = config_dir()?;
    match command {
        AuthCommand::Login(args) => login(cli, args, &dir).await,
        AuthCommand::Status => status(cli, &dir).await,
        AuthCommand::Logout => logout(&dir).await,
    }
}

async fn login(cli: &Cli, args: &LoginArgs, dir: &Path) -> Outcome {
    let secret = std::env::var(CLIENT_SECRET_VAR)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(format!(
                "set {CLIENT_SECRET_VAR} to the app's client secret (from Gong's \"Create an \
                 app\" page; it is not taken as a flag, which other users could see)"
            ))
        })?;
    let requested: Vec<String> = if args.scopes.is_empty() {
        scopes::ALL.iter().map(|s| s.to_string()).collect()
    } else {
        args.scopes.clone()
    };
    let scope_refs: Vec<&str> = requested.iter().map(String::as_str).collect();
    let app = OAuthApp::builder(&args.client_id, &secret)
        .authorize_url(&args.authorize_url)
        .token_url(&args.token_url)
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let listener = LoopbackListener::bind(&args.redirect_uri)
        .await
        .map_err(|e| Failure::usage(format!("--redirect-uri: {e}")))?;
    let backend = choose_backend(&args.token_store).await?;
    create_private_dir(dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", dir.display())))?;
    let previous = Login::load(dir)?;
    let login = Login::new(
        dir.to_owned(),
        backend.0,
        &args.client_id,
        &args.authorize_url,
        &args.token_url,
        requested.clone(),
    );
    eprintln!("{}", backend.1);
    let store = login.token_store()?;
    let flow = oauth::authorize_via_loopback(&app, &scope_refs, listener, &*store, |url| {
        eprintln!(
            "Open this page as a Gong technical administrator of the customer, and allow access \
             (waiting up to {} for Gong's redirect):\n  {url}",
            humantime::format_duration(args.wait)
        );
    });
    let tokens = match tokio::time::timeout(args.wait, flow).await {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            return Err(Failure {
                code: exit::AUTH,
                message: format!("login failed: {e}"),
            });
        }
        Err(_) => {
            return Err(Failure {
                code: exit::AUTH,
                message: format!(
                    "login failed: no redirect from Gong within {} (raise it with --wait)",
                    humantime::format_duration(args.wait)
                ),
            });
        }
    };
    // An earlier login kept elsewhere goes (one kept in the same place was just replaced).
    if let Some(previous) = previous.filter(|p| p.backend != login.backend) {
        previous.clear_secrets().await?;
    }
    login.save_client_secret(SecretString::from(secret)).await?;
    login.save()?;
    let missing: Vec<&str> = scope_refs
        .iter()
        .copied()
        .filter(|s| !tokens.scopes().is_empty() && !tokens.has_scope(s))
        .collect();
    if cli.json {
        emit(&Json::AuthStatus(status_of(&login, &tokens)));
    } else {
        say!(
            "Logged in: {}; tokens kept in {}.",
            describe_tokens(&tokens),
            login.whereabouts()
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "warning: Gong did not grant {} of the scopes asked for: {} (the commands that need \
             them stop with exit code {})",
            missing.len(),
            missing.join(" "),
            exit::MISSING_SCOPE
        );
    }
    if environment_has_credentials() {
        eprintln!("{}", env_note());
    }
    Ok(exit::DONE)
}

/// The backend `choice` names, and a line saying where the tokens will be kept (and why).
async fn choose_backend(choice: &str) -> Result<(Backend, String), Failure> {
    let dir = config_dir()?;
    let file = |why: String| {
        (
            Backend::File,
            format!(
                "{why}: tokens will be kept in {}.",
                where_kept(Backend::File, &dir)
            ),
        )
    };
    if choice == "file" {
        return Ok(file("--token-store file".into()));
    }
    match keychain_answers().await {
        Ok(()) => Ok((
            Backend::Keychain,
            format!(
                "Tokens will be kept in {}.",
                where_kept(Backend::Keychain, &dir)
            ),
        )),
        Err(why) if choice == "keychain" => Err(Failure::usage(format!(
            "--token-store keychain: {why}; use --token-store file (a 0600 file) instead"
        ))),
        Err(why) => Ok(file(format!("No OS keychain ({why})"))),
    }
}

/// Whether the OS keychain answers.
async fn keychain_answers() -> Result<(), String> {
    #[cfg(feature = "keychain")]
    {
        crate::cli::keychain::probe().await
    }
    #[cfg(not(feature = "keychain"))]
    {
        Err("this build has no keychain support, cargo feature `keychain`".into())
    }
}

fn env_note() -> String {
    format!(
        "note: {} or {} is set in this environment: commands use it, not the OAuth login, until \
         it is unset",
        gong_api_ext::env::ACCESS_KEY,
        gong_api_ext::env::BEARER_TOKEN
    )
}

async fn status(cli: &Cli, dir: &Path) -> Outcome {
    let Some(login) = Login::load(dir)? else {
        return Err(Failure {
            code: exit::AUTH,
            message: "not logged in with OAuth (run `gong-privacy auth login`); commands use \
                      GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN"
                .into(),
        });
    };
    let tokens = login.tokens(&*login.token_store()?).await?;
    if cli.json {
        emit(&Json::AuthStatus(status_of(&login, &tokens)));
    } else {
        say!("Logged in with OAuth (app {})", login.client_id);
        say!("  host:    {}", tokens.api_base_url());
        say!(
            "  scopes:  {}",
            if tokens.scopes().is_empty() {
                "(Gong did not list them)".to_owned()
            } else {
                tokens.scopes().join(" ")
            }
        );
        say!("  access token {}", expiry(tokens.expires_at()));
        say!("  tokens kept in {}", login.whereabouts());
    }
    if environment_has_credentials() {
        eprintln!("{}", env_note());
    }
    Ok(exit::DONE)
}

async fn logout(dir: &Path) -> Outcome {
    let Some(login) = Login::load(dir)? else {
        eprintln!("Not logged in with OAuth; nothing to remove.");
        return Ok(exit::DONE);
    };
    login.clear_secrets().await?;
    login.remove()?;
    eprintln!(
        "Logged out: the tokens and the client secret were removed from {}. (Gong has no \
         revocation endpoint: a Gong administrator can remove the app's access in Gong.)",
        login.whereabouts()
    );
    Ok(exit::DONE)
}

/// "host https://…, scopes …, access token expires at … (in 23 h 59 min)".
fn describe_tokens(tokens: &TokenSet) -> String {
    format!(
        "host {}, scopes {}, access token {}",
        tokens.api_base_url(),
        if tokens.scopes().is_empty() {
            "not listed by Gong".to_owned()
        } else {
            tokens.scopes().join(" ")
        },
        expiry(tokens.expires_at())
    )
}

/// "expires at 2026-11-25T12:00:00Z (in 59 min; refreshed automatically)".
pub fn expiry(at: SystemTime) -> String {
    let when = humantime::format_rfc3339_seconds(at);
    match at.duration_since(SystemTime::now()) {
        Ok(left) => format!(
            "expires at {when} (in {}; refreshed automatically)",
            humantime::format_duration(Duration::from_secs(left.as_secs().max(60) / 60 * 60))
        ),
        Err(_) => format!("expired at {when} (the next command refreshes it)"),
    }
}

fn status_of(login: &Login, tokens: &TokenSet) -> AuthStatus {
    AuthStatus {
        client_id: login.client_id.clone(),
        api_base_url: tokens.api_base_url().to_owned(),
        scopes: tokens.scopes().to_vec(),
        expires_at: humantime::format_rfc3339_seconds(tokens.expires_at()).to_string(),
        token_store: login.whereabouts(),
    }
}

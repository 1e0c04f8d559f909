//! Where a command's credentials come from, and the client built with them and the shared
//! quota.
//!
//! The environment wins (GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN);
//! without it, the OAuth login that `auth login` stored: calls then go to the customer's host
//! from the token set, tokens refresh themselves (stored before use), and the scopes a command
//! needs are checked before any request.

use gong_api_ext::oauth::{OAuthTokenProvider, TokenSet, scopes};
use gong_api_ext::quota::CompanyKey;
use gong_api_ext::{GongClient, GongClientBuilder, QuotaStore, RateLimitConfig, RateLimiter, env};

use crate::cli::args::{Cli, Command, CrmCommand};
use crate::cli::exit::{self, Failure};
use crate::cli::login::{Login, config_dir};
pub use crate::cli::source::{MIB, Source};

/// The scopes `command` needs, by operation (gong-reference.md).
pub fn scopes_for(command: &Command) -> Vec<&'static str> {
    match command {
        Command::Lookup(_) => vec![scopes::DATA_PRIVACY_READ],
        Command::Erase(args) if args.from.is_some() && args.dry_run => {
            vec![scopes::DATA_PRIVACY_READ]
        }
        Command::Erase(args) if args.from.is_some() => vec![scopes::DATA_PRIVACY_DELETE],
        // One subject: looked up, shown, then erased.
        Command::Erase(_) => vec![scopes::DATA_PRIVACY_READ, scopes::DATA_PRIVACY_DELETE],
        Command::Crm(CrmCommand::List) => vec![scopes::CRM_INTEGRATIONS_READ],
        Command::Crm(CrmCommand::Delete { wait: true, .. }) => {
            vec![scopes::CRM_INTEGRATION_DELETE, scopes::CRM_UPLOAD]
        }
        Command::Crm(CrmCommand::Delete { .. }) => vec![scopes::CRM_INTEGRATION_DELETE],
        Command::Crm(CrmCommand::Status { .. }) => vec![scopes::CRM_UPLOAD],
        _ => Vec::new(),
    }
}

/// Whether the environment names credentials (then the login is not used).
pub fn environment_has_credentials() -> bool {
    [env::ACCESS_KEY, env::ACCESS_KEY_SECRET, env::BEARER_TOKEN]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

/// The quota store the options name.
pub fn quota_store(cli: &Cli) -> Result<QuotaStore, Failure> {
    QuotaStore::from_spec(&cli.quota_store)
        .map_err(|e| Failure::usage(format!("--quota-store (or GONG_QUOTA_STORE): {e}")))
}

/// The client for `cli`'s command, with its rate limiter (for the daily budget left).
///
/// Synchronous, as every command calls it; an OAuth login's tokens are read from their store
/// (file or keychain) on a blocking section of the runtime.
pub fn client(cli: &Cli) -> Result<(GongClient, RateLimiter), Failure> {
    let builder = if environment_has_credentials() {
        let mut builder = GongClientBuilder::from_env().map_err(Failure::from_sdk)?;
        if let Some(url) = &cli.base_url {
            builder = builder.base_url(url);
        }
        builder
    } else {
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(oauth_builder(cli))
        })?
    };
    let client = builder
        .user_agent_product(concat!("gong-privacy/", env!("CARGO_PKG_VERSION")))
        .timeout(cli.timeout)
        .max_response_bytes(cli.max_response_mib as usize * MIB)
        .rate_limit(RateLimitConfig {
            requests_per_second: cli.rate,
            daily_budget: Some(cli.daily_budget),
            ..RateLimitConfig::default()
        })
        .quota_store(quota_store(cli)?)
        .build()
        .map_err(Failure::from_sdk)?;
    let limiter = client.rate_limiter().expect("the CLI always paces").clone();
    Ok((client, limiter))
}

/// A builder for the stored OAuth login, after checking the scopes the command needs.
async fn oauth_builder(cli: &Cli) -> Result<GongClientBuilder, Failure> {
    let Some(login) = Login::load(&config_dir()?)? else {
        return Err(Failure {
            code: exit::USAGE,
            message: format!(
                "no credentials: set {} and {}, or {}, or log in with OAuth (`gong-privacy auth \
                 login`)",
                env::ACCESS_KEY,
                env::ACCESS_KEY_SECRET,
                env::BEARER_TOKEN
            ),
        });
    };
    if cli.base_url.is_some() {
        return Err(Failure::usage(
            "--base-url (or GONG_BASE_URL) cannot be used with the OAuth login: calls go to the \
             customer's own host, from the login (see `gong-privacy auth status`)",
        ));
    }
    Source::OAuth.record();
    let store = login.token_store()?;
    let tokens = login.tokens(&*store).await?;
    check_scopes(&tokens, &scopes_for(&cli.command))?;
    let provider = OAuthTokenProvider::with_store(login.app().await?, store);
    Ok(GongClient::builder()
        .oauth(provider)
        // Gong's limits are the customer's: its host names it.
        .quota_company(CompanyKey::new(&host_of(tokens.api_base_url()), "oauth")))
}

/// Refuses, before any request, a command whose scope the login was not granted.
pub fn check_scopes(tokens: &TokenSet, needed: &[&str]) -> Result<(), Failure> {
    // Gong's answer may omit the scopes: then Gong's own 401 names a missing one.
    if tokens.scopes().is_empty() {
        return Ok(());
    }
    match needed.iter().find(|scope| !tokens.has_scope(scope)) {
        None => Ok(()),
        Some(scope) => Err(Failure {
            code: exit::MISSING_SCOPE,
            message: format!(
                "the OAuth login lacks the scope {scope}, which this command needs (granted: {}); \
                 nothing was sent: {}",
                tokens.scopes().join(" "),
                Source::OAuth.how_to_get_scope(scope)
            ),
        }),
    }
}

/// `host[:port]` of a URL, as quota keys name companies.
pub fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => url.to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

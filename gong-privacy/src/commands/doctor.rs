//! `doctor`: checks what a command needs before it runs — credentials, the host, the clock, the
//! scopes of each command and today's budget — and says what to fix. Sends no API call unless
//! `--probe` asks for one lookup.

use std::time::{Duration, Instant, SystemTime};

use gong_api_ext::oauth::{OAuthTokenProvider, TokenSet};
use gong_api_ext::{DEFAULT_BASE_URL, Error, GongClient, env};

use crate::cli::Outcome;
use crate::cli::args::Cli;
use crate::cli::credentials::{client, environment_has_credentials};
use crate::cli::exit::{self, Failure, code_of, describe, transport_cause};
use crate::cli::login::{Login, config_dir};
use crate::cli::output::{Check, Json, emit, say};

/// The commands and the scopes each needs (gong-reference.md).
const COMMANDS: &[(&str, &[&str])] = {
    use gong_api_ext::oauth::scopes::*;
    &[
        ("lookup, erase --from … --dry-run", &[DATA_PRIVACY_READ]),
        (
            "erase email|phone",
            &[DATA_PRIVACY_READ, DATA_PRIVACY_DELETE],
        ),
        ("erase --from", &[DATA_PRIVACY_DELETE]),
        ("crm list", &[CRM_INTEGRATIONS_READ]),
        ("crm delete", &[CRM_INTEGRATION_DELETE]),
        ("crm delete --wait, crm status", &[CRM_UPLOAD]),
    ]
};

/// Clock differences up to this are fine.
const SKEW_OK: Duration = Duration::from_secs(60);

struct Report {
    json: bool,
    /// The exit code of the first failed check.
    code: Option<u8>,
}

impl Report {
    fn check(&mut self, check: Check, code: u8) {
        if check.status == "fail" {
            self.code.get_or_insert(code);
        }
        if self.json {
            emit(&Json::Check(check));
        } else {
            say!("{:<5} {:<12} {}", check.status, check.check, check.message);
            if let Some(fix) = &check.fix {
                say!("{:<18} fix: {fix}", "");
            }
        }
    }

    fn ok(&mut self, check: &'static str, message: String) {
        self.check(
            Check {
                check,
                status: "ok",
                message,
                fix: None,
            },
            exit::DONE,
        );
    }

    fn warn(&mut self, check: &'static str, message: String, fix: String) {
        self.check(
            Check {
                check,
                status: "warn",
                message,
                fix: Some(fix),
            },
            exit::DONE,
        );
    }

    fn fail(&mut self, check: &'static str, code: u8, message: String, fix: String) {
        self.check(
            Check {
                check,
                status: "fail",
                message,
                fix: Some(fix),
            },
            code,
        );
    }
}

pub async fn run(cli: &Cli, probe: bool) -> Outcome {
    let mut report = Report {
        json: cli.json,
        code: None,
    };
    let host = credentials(cli, &mut report).await;
    if let Some(host) = &host {
        reach(cli, host, &mut report).await;
    }
    match client(cli) {
        Ok((client, limiter)) => {
            budget(cli, &limiter, &mut report).await;
            if probe {
                probe_call(&client, &mut report).await;
            }
        }
        // Credentials already reported; the quota is keyed by them.
        Err(_) if report.code.is_some() => {}
        Err(failure) => report.fail(
            "budget",
            failure.code,
            failure.message,
            "see the message".into(),
        ),
    }
    Ok(report.code.unwrap_or(exit::DONE))
}

/// Which credentials commands use, and (OAuth) whether the grant still works and which scopes
/// it has. Returns the host calls go to.
async fn credentials(cli: &Cli, report: &mut Report) -> Option<String> {
    let login = match config_dir().and_then(|dir| Login::load(&dir)) {
        Ok(login) => login,
        Err(failure) => {
            report.fail(
                "credentials",
                failure.code,
                failure.message,
                "remove the login with `gong-privacy auth logout`, then `auth login`".into(),
            );
            return None;
        }
    };
    if environment_has_credentials() {
        let kind = if std::env::var_os(env::BEARER_TOKEN).is_some() {
            format!("{} (a bearer token)", env::BEARER_TOKEN)
        } else {
            format!("{} and {} (Basic)", env::ACCESS_KEY, env::ACCESS_KEY_SECRET)
        };
        let note = if login.is_some() {
            "; the OAuth login is not used while they are set"
        } else {
            ""
        };
        report.ok("credentials", format!("{kind} from the environment{note}"));
        report.ok(
            "scopes",
            "not checked: an access key's scopes cannot be read without a call (--probe tries \
             a lookup); a command whose scope is missing stops with exit code 8 naming it"
                .into(),
        );
        return Some(
            cli.base_url
                .clone()
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        );
    }
    let Some(login) = login else {
        report.fail(
            "credentials",
            exit::AUTH,
            "no credentials: no GONG_ACCESS_KEY/GONG_ACCESS_KEY_SECRET or GONG_BEARER_TOKEN, and \
             no OAuth login"
                .into(),
            format!(
                "set {} and {} (or {}), or run `gong-privacy auth login`",
                env::ACCESS_KEY,
                env::ACCESS_KEY_SECRET,
                env::BEARER_TOKEN
            ),
        );
        return None;
    };
    let tokens = match fresh_tokens(&login).await {
        Ok(tokens) => tokens,
        Err(failure) => {
            let fix = if failure.code == exit::REAUTHORIZE {
                "a Gong technical administrator of the customer runs `gong-privacy auth login`"
            } else {
                "check the login with `gong-privacy auth status`, or run `gong-privacy auth login`"
            };
            report.fail("credentials", failure.code, failure.message, fix.into());
            return None;
        }
    };
    report.ok(
        "credentials",
        format!(
            "OAuth login (app {}), access token {}; kept in {}",
            login.client_id,
            crate::commands::auth::expiry(tokens.expires_at()),
            login.whereabouts()
        ),
    );
    scopes(&tokens, report);
    Some(tokens.api_base_url().to_owned())
}

/// The stored tokens, refreshed (and stored) if they expire soon: a grant Gong no longer
/// accepts shows here.
async fn fresh_tokens(login: &Login) -> Result<TokenSet, Failure> {
    let provider = OAuthTokenProvider::with_store(login.app().await?, login.token_store()?);
    provider
        .tokens()
        .await
        .map_err(|e| Failure::from_sdk(Error::Auth(e)))
}

fn scopes(tokens: &TokenSet, report: &mut Report) {
    if tokens.scopes().is_empty() {
        report.warn(
            "scopes",
            "Gong's token answer listed no scopes, so they cannot be checked".into(),
            "none needed: a command whose scope is missing stops with exit code 8 naming it".into(),
        );
        return;
    }
    let missing: Vec<String> = COMMANDS
        .iter()
        .filter_map(|(command, needed)| {
            let lacking: Vec<&str> = needed
                .iter()
                .copied()
                .filter(|s| !tokens.has_scope(s))
                .collect();
            (!lacking.is_empty()).then(|| format!("{command} needs {}", lacking.join(" ")))
        })
        .collect();
    if missing.is_empty() {
        report.ok(
            "scopes",
            format!(
                "every command's scope granted ({})",
                tokens.scopes().join(" ")
            ),
        );
    } else {
        report.fail(
            "scopes",
            exit::MISSING_SCOPE,
            format!("missing: {}", missing.join("; ")),
            "the app must ask for these scopes (its settings in Gong) and the customer grant \
             them: run `gong-privacy auth login` again"
                .into(),
        );
    }
}

/// Whether the host answers, and how far our clock is from its `Date` header.
async fn reach(cli: &Cli, host: &str, report: &mut Report) {
    let http = match gong_api_ext::reqwest::Client::builder()
        .redirect(gong_api_ext::reqwest::redirect::Policy::none())
        .timeout(cli.timeout)
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            report.fail(
                "host",
                exit::FAILED,
                e.to_string(),
                "see the message".into(),
            );
            return;
        }
    };
    let started = Instant::now();
    // The host's root, without credentials: not an API call, so it spends no quota.
    let answer = match http.get(host).send().await {
        Ok(answer) => answer,
        Err(e) => {
            report.fail(
                "host",
                exit::FAILED,
                format!("{host}: {}", transport_cause(&e)),
                "check the network, and --base-url or GONG_BASE_URL (or the login's host)".into(),
            );
            return;
        }
    };
    let took = started.elapsed();
    let received = SystemTime::now() - took / 2;
    report.ok(
        "host",
        format!(
            "{host} answered (HTTP {}) in {} ms",
            answer.status().as_u16(),
            took.as_millis()
        ),
    );
    let date = answer
        .headers()
        .get(gong_api_ext::reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let Some(date) = date else {
        report.warn(
            "clock",
            "the answer had no Date header, so the clock could not be compared".into(),
            "keep the machine's clock synchronised (NTP)".into(),
        );
        return;
    };
    // The Date header has whole seconds.
    let (skew, ahead) = match received.duration_since(date) {
        Ok(ahead) => (ahead, true),
        Err(e) => (e.duration(), false),
    };
    // Beyond a minute, minutes say enough (the Date header's second is not worth a word).
    let skew = match skew.as_secs() {
        secs if secs >= 60 => Duration::from_secs((secs + 30) / 60 * 60),
        secs => Duration::from_secs(secs),
    };
    let words = if skew.is_zero() {
        "within a second of the host's".to_owned()
    } else {
        format!(
            "{} {} the host's",
            humantime::format_duration(skew),
            if ahead { "ahead of" } else { "behind" }
        )
    };
    if skew <= SKEW_OK {
        report.ok("clock", format!("this machine's clock is {words}"));
    } else {
        report.warn(
            "clock",
            format!("this machine's clock is {words}"),
            "synchronise the clock (NTP): the daily budget restarts at 00:00 UTC by this \
             machine's clock, journals and token expiry use it too"
                .into(),
        );
    }
}

async fn budget(cli: &Cli, limiter: &gong_api_ext::RateLimiter, report: &mut Report) {
    let usage = match limiter.usage().await {
        Ok(usage) => usage,
        Err(e) => {
            report.fail(
                "budget",
                code_of(&e),
                describe(&e),
                "check --quota-store (or GONG_QUOTA_STORE)".into(),
            );
            return;
        }
    };
    let store = limiter.store();
    let resets =
        humantime::format_duration(Duration::from_secs(usage.resets_in.as_secs() / 60 * 60));
    let left = usage.remaining_today().unwrap_or(u32::MAX);
    let message = format!(
        "{left} of {} calls left today ({} used; the count restarts at 00:00 UTC, in {resets}); \
         quota store: {store}",
        cli.daily_budget, usage.used_today
    );
    if left == 0 {
        report.fail(
            "budget",
            exit::BUDGET,
            message,
            format!("wait {resets}, or raise --daily-budget if Gong's limit allows it"),
        );
    } else if let Some(wait) = usage.blocked_for.or(usage.paused_for) {
        report.warn(
            "budget",
            format!(
                "{message}; Gong asked to wait {} more",
                humantime::format_duration(Duration::from_secs(wait.as_secs()))
            ),
            "none: commands wait, or stop with exit code 4 if the wait is long".into(),
        );
    } else {
        report.ok("budget", message);
    }
}

async fn probe_call(client: &GongClient, report: &mut Report) {
    match client
        .find_references_by_email("gong-privacy-doctor@example.com")
        .await
    {
        Ok(_) => report.ok(
            "probe",
            "Gong answered a lookup: the credentials and the read scope work".into(),
        ),
        Err(e) => report.fail("probe", code_of(&e), describe(&e), "see the message".into()),
    }
}

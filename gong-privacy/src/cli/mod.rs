//! What every command shares: the arguments ([`args`]), credentials and the client
//! ([`credentials`], [`login`], [`keychain`]), exit codes ([`exit`]), output ([`output`]), and
//! the small helpers below (confirmation, plurals, today's quota).

pub mod args;
pub mod credentials;
pub mod exit;
#[cfg(feature = "keychain")]
pub mod keychain;
pub mod login;
pub mod output;
pub mod source;

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use args::Cli;
use exit::Failure;
use gong_api_ext::quota::Usage;
use gong_api_ext::{GongClient, RateLimiter};

/// The outcome of a command that ran: its exit code, or why it stopped.
pub type Outcome = Result<u8, Failure>;

/// The tool's name and version, as the journal records them.
pub const TOOL: &str = concat!("gong-privacy ", env!("CARGO_PKG_VERSION"));

/// The client, from the environment's credentials or the OAuth login, the global options and
/// the shared quota, and its rate limiter (for the daily budget left).
pub fn client(cli: &Cli) -> Result<(GongClient, RateLimiter), Failure> {
    credentials::client(cli)
}

/// Today's quota as the limiter's store has it (every run sharing the store counts). A store
/// that cannot be read (Redis down) stops the command before anything is sent.
pub async fn quota_today(limiter: &RateLimiter) -> Result<Usage, Failure> {
    limiter.usage().await.map_err(Failure::from_sdk)
}

/// A destructive command without `--yes` needs someone at a terminal to confirm it.
pub fn require_confirmation_possible(yes: bool, what: &str) -> Result<(), Failure> {
    if yes || std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "refusing to {what} without --yes: standard input is not a terminal, so nobody can \
             confirm"
        )))
    }
}

/// Asks `question` on the terminal; true only for "y" or "yes".
pub fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// `n thing` or `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

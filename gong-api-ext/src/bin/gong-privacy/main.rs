//! `gong-privacy`: act on data-subject requests in Gong without writing a program.
//!
//! A thin user of the library: batch files are read by `gong_api_ext::batch::input`, runs and
//! the journal come from `gong_api_ext::batch::{run, journal}`. The exit codes are in
//! [`exit`] and `--help`.

// Doc comments on the clap types are the `--help` text, where a bare URL reads best.
#![allow(rustdoc::bare_urls)]

mod args;
mod auth;
mod batch;
mod credentials;
mod crm;
mod doctor;
mod dry_run;
mod exit;
mod export;
#[cfg(feature = "keychain")]
mod keychain;
mod login;
mod output;
mod plan;
mod report;
mod single;
mod single_journal;
mod verify;

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::process::ExitCode;

use args::{Cli, Command};
use clap::{CommandFactory as _, Parser as _};
use exit::Failure;
use gong_api_ext::quota::Usage;
use gong_api_ext::{GongClient, RateLimiter};

/// The outcome of a command that ran: its exit code, or why it stopped.
pub type Outcome = Result<u8, Failure>;

/// The tool's name and version, as the journal records them.
pub const TOOL: &str = concat!("gong-privacy ", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose > 0 {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            // Colour only for a person at a terminal; never escape codes in a log file.
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .with_max_level(if cli.verbose > 1 {
                tracing::Level::DEBUG
            } else {
                tracing::Level::INFO
            })
            .init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: Cli) -> Outcome {
    match &cli.command {
        Command::Lookup(target) => single::lookup(&cli, target).await,
        Command::Erase(args) => match (&args.target, &args.from) {
            (Some(target), None) => single::erase(&cli, target, args).await,
            (None, Some(path)) => batch::run(&cli, args, path).await,
            _ => Err(Failure::usage(
                "name one subject (`erase email ADDRESS`, `erase phone NUMBER`) or a batch (`erase --from FILE`)",
            )),
        },
        Command::Verify(args) => verify::run(&cli, args).await,
        Command::Report(args) => report::run(&cli, args),
        Command::Export(args) => export::run(&cli, args).await,
        Command::Crm(command) => crm::run(&cli, command).await,
        Command::Auth(command) => auth::run(&cli, command).await,
        Command::Doctor { probe } => doctor::run(&cli, *probe).await,
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "gong-privacy",
                &mut std::io::stdout(),
            );
            Ok(exit::DONE)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| Failure::failed(format!("cannot write the man page: {e}")))?;
            Ok(exit::DONE)
        }
    }
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_timeout_is_the_librarys() {
        use clap::Parser as _;
        let cli = super::Cli::parse_from(["gong-privacy", "crm", "list"]);
        assert_eq!(cli.timeout, gong_api_ext::DEFAULT_TIMEOUT);
    }
}

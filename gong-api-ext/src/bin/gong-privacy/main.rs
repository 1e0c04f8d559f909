//! `gong-privacy`: act on data-subject requests in Gong without writing a program.
//!
//! Exit codes: 0 all done, 1 some subjects (or the request) failed, 2 usage or configuration
//! error.

// Doc comments on the clap types are the `--help` text, where a bare URL reads best.
#![allow(rustdoc::bare_urls)]

mod args;
mod batch;
mod input;
mod journal;
mod single;

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser as _;
use gong_api_ext::{GongClient, GongClientBuilder, RateLimitConfig};

/// Why the command stops, with its exit code.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Usage or configuration: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    /// The work failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }

    /// Maps an SDK error: bad input and configuration are usage errors, the rest failures.
    pub fn from_sdk(error: gong_api_ext::Error) -> Self {
        match &error {
            gong_api_ext::Error::InvalidInput(_) => Self::usage(error.to_string()),
            gong_api_ext::Error::Config(_) => Self::usage(config_hint(&error.to_string())),
            _ => Self::failed(error.to_string()),
        }
    }
}

/// Names the setting a configuration error is about.
fn config_hint(message: &str) -> String {
    if message.contains("base URL") {
        format!("{message} (set by --base-url or GONG_BASE_URL)")
    } else {
        message.to_owned()
    }
}

/// The outcome of a command that ran: all done, or some parts failed.
pub type Outcome = Result<u8, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose > 0 {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
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
        Command::Lookup(target) => single::lookup(&client(&cli)?, target, cli.json).await,
        Command::Erase(args) => match (&args.target, &args.from) {
            (Some(target), None) => {
                require_confirmation_possible(args.yes)?;
                single::erase(&client(&cli)?, target, args.yes, cli.json).await
            }
            (None, Some(path)) => batch::run(&cli, args, path).await,
            _ => Err(Failure::usage(
                "name one subject (`erase email ADDRESS`, `erase phone NUMBER`) or a batch (`erase --from FILE`)",
            )),
        },
        Command::Crm(command) => single::crm(&cli, command).await,
    }
}

/// The client, from the environment's credentials and the global options.
pub fn client(cli: &Cli) -> Result<GongClient, Failure> {
    let mut builder = GongClientBuilder::from_env().map_err(Failure::from_sdk)?;
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    builder
        .user_agent_product(concat!("gong-privacy/", env!("CARGO_PKG_VERSION")))
        .rate_limit(RateLimitConfig {
            requests_per_second: cli.rate,
            ..RateLimitConfig::default()
        })
        .build()
        .map_err(Failure::from_sdk)
}

/// A destructive command without `--yes` needs someone at a terminal to confirm it.
pub fn require_confirmation_possible(yes: bool) -> Result<(), Failure> {
    if yes || std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Failure::usage(
            "refusing to erase without --yes: standard input is not a terminal, so nobody can confirm",
        ))
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

//! `gong-privacy`: act on data-subject requests in Gong without writing a program.
//!
//! A thin user of two libraries: the SDK (`gong_api_ext`) talks to Gong, and this crate's own
//! library (`gong_privacy::{batch, report}`) reads batch files, keeps the journal and writes the
//! evidence. [`cli`] holds what every command shares (arguments, credentials, exit codes,
//! output); [`commands`] one module per subcommand. The exit codes are in [`cli::exit`] and
//! `--help`.

// Doc comments on the clap types are the `--help` text, where a bare URL reads best.
#![allow(rustdoc::bare_urls)]

mod cli;
mod commands;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use cli::Outcome;
use cli::args::{Cli, Command};
use cli::exit::{self, Failure};
use commands::erase::{batch, single};
use commands::{auth, crm, doctor, export, report, verify};

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

#[cfg(test)]
mod tests;

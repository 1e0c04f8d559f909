//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Find and erase a data subject's data in Gong, and tear down CRM integrations.
///
/// Credentials come from GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN.
#[derive(Debug, Parser)]
#[command(name = "gong-privacy", version, propagate_version = true)]
pub struct Cli {
    /// The company's Gong API host (default https://api.gong.io).
    #[arg(long, global = true, env = "GONG_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Log what the client does to standard error (-v: info, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Requests per second (Gong's default limit is 3; raise it only if Gong raised yours).
    #[arg(long, global = true, default_value_t = 3.0, value_name = "N")]
    pub rate: f64,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what Gong holds that references an email address or phone number.
    #[command(subcommand)]
    Lookup(Target),
    /// Erase a data subject's data: one subject, or a batch with --from.
    Erase(EraseArgs),
    /// Generic CRM integrations.
    #[command(subcommand)]
    Crm(CrmCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum Target {
    /// An email address.
    Email {
        /// The address.
        address: String,
    },
    /// A phone number, starting with + and the country code.
    Phone {
        /// The number.
        number: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EraseArgs {
    #[command(subcommand)]
    pub target: Option<Target>,

    /// A batch: a CSV file with an `email`, `phone` or `subject` column, or a plain list with
    /// one subject a line.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// The batch's audit journal (JSON Lines); default: FILE.journal.jsonl beside the input.
    /// Rerunning with the same journal skips subjects already erased.
    #[arg(long, value_name = "PATH", requires = "from")]
    pub journal: Option<PathBuf>,

    /// Look the batch up instead of erasing it, and print the summary.
    #[arg(long, requires = "from")]
    pub dry_run: bool,

    /// Do not ask for confirmation (required when standard input is not a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,

    /// Requests in flight at once in a batch (the rate limit sets the pace).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

#[derive(Debug, Subcommand)]
pub enum CrmCommand {
    /// List the company's generic CRM integrations.
    List,
    /// Delete a generic CRM integration and all its CRM objects.
    Delete {
        /// The integration's id.
        integration_id: i64,
        /// Wait until Gong reports the deletion DONE or FAILED.
        #[arg(long)]
        wait: bool,
        /// Do not ask for confirmation (required when standard input is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// The status of a CRM request, e.g. a deletion.
    Status {
        /// The integration's id.
        integration_id: i64,
        /// The clientRequestId the request was made with.
        client_request_id: String,
    },
}

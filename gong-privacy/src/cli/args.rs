//! The command line, as clap reads it. The doc comments are the `--help` text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use gong_api_ext::lifecycle::DEFAULT_MAX_OBJECTS;

use crate::cli::exit::EXIT_CODES_HELP;

/// Find and erase a data subject's data in Gong, and tear down CRM integrations.
///
/// Credentials come from GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN, or
/// else from an OAuth login (`gong-privacy auth login`).
///
/// Gong allows each company 3 calls per second and 10,000 per UTC day. The pace and today's
/// count are shared by every run through a quota store (--quota-store; by default a file under
/// the user's state directory): a batch says how many calls it needs and how many are left
/// today, stops at the daily budget (exit code 4) and continues when rerun the next day.
#[derive(Debug, Parser)]
#[command(
    name = "gong-privacy",
    version,
    propagate_version = true,
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// The company's Gong API host (default https://api.gong.io).
    #[arg(long, global = true, env = "GONG_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Print JSON to standard output (one object per line; see the README for the schema);
    /// messages stay on standard error.
    #[arg(long, global = true)]
    pub json: bool,

    /// Log what the client does to standard error (-v: info, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Requests per second (Gong's default limit is 3; raise it only if Gong raised yours).
    #[arg(long, global = true, default_value_t = 3.0, value_name = "N", value_parser = positive_rate)]
    pub rate: f64,

    /// How long one attempt of a request may take before it is retried (e.g. 30s, 2m).
    #[arg(long, global = true, default_value = "30s", value_name = "DURATION", value_parser = duration)]
    pub timeout: Duration,

    /// The largest answer read from Gong, in MiB (default 8: tens of thousands of references).
    /// A larger answer is refused unread rather than held in memory; raise it only for a subject
    /// that really has that much data.
    #[arg(long, global = true, env = "GONG_MAX_RESPONSE_MIB", default_value_t = 8, value_name = "MIB",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_response_mib: u32,

    /// Calls allowed per UTC day, by every run sharing the quota store (Gong's limit is 10,000
    /// per company). A batch stops at it (exit code 4); rerun it after 00:00 UTC to continue.
    #[arg(long, global = true, env = "GONG_DAILY_BUDGET", default_value_t = 10_000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub daily_budget: u32,

    /// Where the pace and today's count are kept: `local` (a file under the user's state
    /// directory, shared by the runs on this machine; never on a network file system),
    /// `local:DIR`, `memory` (this run only) or `redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]`
    /// (shared by every machine; `rediss://` for TLS, `?ca=PATH` for a private CA;
    /// `redis+cluster://HOST:PORT,HOST:PORT` for a Redis Cluster; the password may come from
    /// GONG_REDIS_PASSWORD instead; add `fallback=local` to go on pacing locally while Redis is
    /// down).
    #[arg(
        long,
        global = true,
        env = "GONG_QUOTA_STORE",
        default_value = "local",
        value_name = "STORE",
        hide_env_values = true
    )]
    pub quota_store: String,
    /// Who runs this: recorded in the journal's run records and shown in evidence reports.
    #[arg(
        long,
        global = true,
        env = "GONG_PRIVACY_OPERATOR",
        value_name = "NAME"
    )]
    pub operator: Option<String>,

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
    /// Look every subject an erase run erased up again, and journal whether it is gone.
    Verify(VerifyArgs),
    /// Write the evidence report of an erase run: HTML for people, JSON and CSV for machines.
    Report(ReportArgs),
    /// Access requests: save what Gong holds about a subject (Gong's whole answer as JSON,
    /// and a readable HTML summary).
    Export(ExportArgs),
    /// Generic CRM integrations.
    #[command(subcommand)]
    Crm(CrmCommand),
    /// Log in with OAuth (as an app acting for a Gong customer), show or remove the login.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Check the credentials, the host, the scopes each command needs, the clock and today's
    /// budget, and say what to fix.
    Doctor {
        /// Also send one lookup (of gong-privacy-doctor@example.com, a documentation address;
        /// counted in the budget) to check that Gong accepts the credentials and the read scope.
        #[arg(long)]
        probe: bool,
    },
    /// Print a shell completion script (e.g. `gong-privacy completions bash >
    /// /etc/bash_completion.d/gong-privacy`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `gong-privacy man > gong-privacy.1`.
    Man,
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

/// How a `--from` file is read: the same for `erase` and `export`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The CSV delimiter: `,`, `;`, `tab` or any single character (default: detected from the
    /// header).
    #[arg(long, value_name = "CHAR", requires = "from", value_parser = delimiter)]
    pub delimiter: Option<u8>,

    /// Read subjects from this column only (repeatable; case and spaces do not matter). A
    /// column that is not a known name is read as `subject` (each value's kind detected).
    #[arg(long = "column", value_name = "NAME", requires = "from")]
    pub columns: Vec<String>,

    /// Leave this column out knowingly (repeatable). A column whose header looks like email
    /// addresses or phone numbers (a word such as email, e-mail, mail, phone, tel, telephone,
    /// mobile, cell or msisdn, or another language's such as Telefon, Handy, correo, Courriel,
    /// in any case: `Secondary Email`, `Alt Phone`, `E-Mail-Adresse`), that is not read
    /// and that holds a value in some row (anything but an empty cell or a yes/no flag such as
    /// `true`, `0`, `N/A`) refuses the file, as does any unread column with a cell that is an
    /// email address or a `+` phone number, since the person's address there would not be
    /// erased; name it here to go ahead without it.
    #[arg(long = "ignore-column", value_name = "NAME", requires = "from")]
    pub ignore_columns: Vec<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EraseArgs {
    #[command(subcommand)]
    pub target: Option<Target>,

    /// A batch: a CSV file with an email, phone or subject column (or their usual aliases), or
    /// a plain list with one subject a line; `-` reads standard input. UTF-8 or UTF-16 with a
    /// byte-order mark. A file with a broken structure is refused before any request.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// The audit journal (JSON Lines). A batch's default: FILE.journal.jsonl beside the input,
    /// required with `--from -`; rerunning the same input resumes its run from the journal. A
    /// single erasure's default: the company's one-off journal under the user's state
    /// directory (its run erase-single holds one row per erasure; the command prints where).
    #[arg(long, global = true, value_name = "PATH")]
    pub journal: Option<PathBuf>,

    /// A single erasure: journal nothing, for callers who keep their own record (the --json
    /// output is the record). `report` and `verify` will not know of it.
    // Checked by the commands: clap cannot relate a global flag to `--from`.
    #[arg(long, global = true)]
    pub no_journal: bool,

    /// Start this input afresh: a new run that sends every subject again, even those its
    /// earlier run erased.
    #[arg(long, requires = "from", conflicts_with = "dry_run")]
    pub restart: bool,

    /// Look the batch up instead of erasing it, and print the summary. Writes no journal.
    #[arg(long, requires = "from")]
    pub dry_run: bool,

    #[command(flatten)]
    pub file: FileArgs,

    /// Do not ask for confirmation (required when standard input is not a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,

    /// Requests in flight at once in a batch (the rate limit sets the pace).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// Erase without looking each subject up first: one call per subject instead of two, but
    /// no before-counts in the journal and report, and no blast-radius guard.
    #[arg(long, global = true)]
    pub no_preview: bool,

    /// Erase the subjects the blast-radius guard holds back (more than --max-objects objects,
    /// or a phone number belonging to several people), once someone has reviewed them.
    #[arg(long, global = true, conflicts_with = "no_preview")]
    pub allow_large: bool,

    /// Erase this one held-back subject of --from once someone has reviewed it (repeatable):
    /// the others stay held back. Written as in the file or in its canonical form; a subject
    /// that is not in the file is refused before anything is sent.
    #[arg(
        long = "allow",
        value_name = "SUBJECT",
        requires = "from",
        conflicts_with = "no_preview"
    )]
    pub allow: Vec<String>,

    /// The slow-disk seam for tests and benchmarks: each journal fsync takes this much longer.
    #[arg(long, hide = true, env = "GONG_PRIVACY_SLOW_FSYNC", value_name = "DURATION", value_parser = duration)]
    pub slow_fsync: Option<Duration>,

    /// For benchmarks: journal each outcome on the sending task (one write and fsync each), as
    /// before the writer thread, to compare the two.
    #[arg(long, hide = true, env = "GONG_PRIVACY_INLINE_JOURNAL")]
    pub inline_journal: bool,

    /// The blast-radius guard's threshold: a subject with more objects than this (emails,
    /// calls, meetings, CRM objects, engagement events) is held back for review.
    #[arg(long, global = true, default_value_t = DEFAULT_MAX_OBJECTS, value_name = "N", conflicts_with = "no_preview")]
    pub max_objects: usize,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The erase run's journal (JSON Lines, as `erase --from` wrote it).
    pub journal: PathBuf,

    /// The erase run to verify (default: the journal's latest erase run).
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,

    /// Lookups in flight at once (the rate limit sets the pace).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The erase run's journal.
    pub journal: PathBuf,

    /// The erase run to report on (default: the journal's latest erase run).
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,

    /// The directory to write the report into (default: the journal's directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace every subject by HMAC-SHA-256 keyed with your key, so the report can be shared
    /// without naming the people it is about. The key comes from --redact-key-file or
    /// GONG_PRIVACY_REDACT_KEY (at least 16 bytes; keep it to find a person's row later).
    #[arg(long)]
    pub redact: bool,

    /// A file holding the redaction key.
    #[arg(long, value_name = "FILE", requires = "redact")]
    pub redact_key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: Option<Target>,

    /// A batch of subjects, read like `erase --from` (CSV or a plain list); each gets its own
    /// files.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// The directory to write into (created if missing). Required.
    #[arg(long, global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub file: FileArgs,

    /// Lookups in flight at once in a batch.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

#[derive(Debug, Subcommand)]
pub enum CrmCommand {
    /// List the company's generic CRM integrations.
    List,
    /// Delete a generic CRM integration and all its CRM objects.
    Delete {
        /// The integration's id.
        integration_id: i64,
        /// Wait until Gong reports the deletion DONE or FAILED, showing each status change.
        #[arg(long)]
        wait: bool,
        /// With --wait: give up waiting after this long (the deletion goes on at Gong).
        #[arg(long, default_value = "25h", value_name = "DURATION", value_parser = duration, requires = "wait")]
        wait_timeout: Duration,
        /// With --wait: the pause between status checks.
        #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration, requires = "wait")]
        poll_interval: Duration,
        /// Send the deletion with this clientRequestId (letters, digits, `-`, `_`) instead of a
        /// new one: after a failure whose outcome is unknown, the id it printed, so the same
        /// deletion is sent again and never registered twice.
        #[arg(long, value_name = "ID", value_parser = client_request_id)]
        client_request_id: Option<String>,
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

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Authorise the app for a Gong customer: prints the page to open (as a Gong technical
    /// administrator), receives Gong's redirect on a loopback address, and keeps the tokens in
    /// the OS keychain (or a 0600 file). The app's client secret comes from GONG_CLIENT_SECRET.
    Login(LoginArgs),
    /// Show the login: the customer's host, the scopes, when the access token expires and
    /// where the tokens are kept (never a token).
    Status,
    /// Forget the login: remove the tokens and the client secret from where they are kept.
    Logout,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The app's client id (from Gong's "Create an app" page).
    #[arg(long, env = "GONG_CLIENT_ID", value_name = "ID")]
    pub client_id: String,

    /// The redirect URI registered with the app: http on 127.0.0.1, `[::1]` or localhost, where
    /// this command listens for Gong's redirect (port 0: any free port).
    #[arg(
        long,
        env = "GONG_REDIRECT_URI",
        default_value = "http://127.0.0.1:8976/callback",
        value_name = "URI"
    )]
    pub redirect_uri: String,

    /// A scope to request (repeatable; default: every scope the commands use).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,

    /// Where to keep the tokens: `auto` (the OS keychain when there is one, else a 0600 file),
    /// `keychain` or `file`.
    #[arg(long, env = "GONG_TOKEN_STORE", default_value = "auto", value_name = "WHERE",
          value_parser = ["auto", "keychain", "file"])]
    pub token_store: String,

    /// How long to wait for Gong's redirect.
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = duration)]
    pub wait: Duration,

    /// Gong's authorize page (for a test server).
    #[arg(long, env = "GONG_OAUTH_AUTHORIZE_URL", hide = true,
          default_value = gong_api_ext::oauth::DEFAULT_AUTHORIZE_URL)]
    pub authorize_url: String,

    /// Gong's token endpoint (for a test server).
    #[arg(long, env = "GONG_OAUTH_TOKEN_URL", hide = true,
          default_value = gong_api_ext::oauth::DEFAULT_TOKEN_URL)]
    pub token_url: String,
}

fn positive_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "{value:?} is not a positive number of requests per second"
        )),
    }
}

fn duration(value: &str) -> Result<Duration, String> {
    match humantime::parse_duration(value) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("a duration of zero is not allowed".into()),
        Err(e) => Err(format!("{e} (write e.g. 30s, 5m or 2h)")),
    }
}

/// A clientRequestId as Gong documents it (the spec's pattern, through its generated type),
/// refused before the confirmation and before any request.
fn client_request_id(value: &str) -> Result<String, String> {
    value
        .parse::<gong_api_ext::types::ClientRequestId>()
        .map(|_| value.to_owned())
        .map_err(|_| {
            format!(
                "{value:?} is not a clientRequestId: only letters, digits, '-' and '_' are \
                 allowed, at least one"
            )
        })
}

fn delimiter(value: &str) -> Result<u8, String> {
    match value {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v != "\"" && v != "\n" && v != "\r" => Ok(v.as_bytes()[0]),
        _ => Err(format!(
            "{value:?} is not a delimiter: give one character such as , or ; or the word tab"
        )),
    }
}

#[cfg(test)]
mod tests;

//! `--json` output: one camelCase object per line on standard output, each with a `"type"`.
//! The schema is documented in the README; nothing else goes to standard output in JSON mode.

use std::io::Write as _;

use gong_api_ext::ReferenceCounts;
use gong_privacy::batch::journal::{SubjectRecord, VerifyRecord};
use serde::Serialize;

/// One line of `--json` output.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Json<'a> {
    /// One subject's erasure outcome: the journal's record.
    Subject(&'a SubjectRecord),
    /// One subject's lookup.
    Lookup(Lookup),
    /// One verification: the journal's verify record.
    Verify(&'a VerifyRecord),
    /// `report`: the files written.
    #[serde(rename_all = "camelCase")]
    Report {
        run_id: String,
        files: Vec<String>,
        redacted: bool,
    },
    /// `export`: one subject's files.
    Export {
        subject: String,
        objects: usize,
        json: String,
        html: String,
    },
    /// The end of a verify invocation: the pass's results so far.
    #[serde(rename_all = "camelCase")]
    VerifySummary {
        run_id: String,
        verifies: String,
        pass: u32,
        journal: String,
        erased: usize,
        clean: usize,
        still_present: usize,
        present_again: usize,
        failed: usize,
        not_verified: usize,
        exit_code: u8,
    },
    /// The end of a batch.
    Summary(Summary),
    /// `crm list`: Gong's answer.
    CrmIntegrations {
        /// Gong's whole answer.
        response: serde_json::Value,
    },
    /// `crm delete`: the registered deletion.
    #[serde(rename_all = "camelCase")]
    CrmDeletion {
        integration_id: i64,
        client_request_id: String,
        request_id: Option<String>,
        confirmed_by_conflict: bool,
    },
    /// `crm status`, and every status change `crm delete --wait` sees.
    #[serde(rename_all = "camelCase")]
    CrmStatus {
        integration_id: i64,
        client_request_id: String,
        status: String,
        errors: Vec<String>,
        /// Gong's whole answer.
        response: serde_json::Value,
    },
    /// `auth status` and `auth login`: the OAuth login, never a secret.
    AuthStatus(AuthStatus),
    /// One check of `doctor`.
    Check(Check),
}

/// The OAuth login, without its secrets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthStatus {
    pub client_id: String,
    pub api_base_url: String,
    pub scopes: Vec<String>,
    /// When the access token expires (RFC 3339, UTC); it is refreshed automatically.
    pub expires_at: String,
    /// Where the tokens are kept.
    pub token_store: String,
}

/// One check of `doctor`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// `credentials`, `host`, `clock`, `scopes`, `budget` or `probe`.
    pub check: &'static str,
    /// `ok`, `warn` or `fail`.
    pub status: &'static str,
    pub message: String,
    /// What to do about it, when not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A lookup: `lookup`, or one subject of `erase --from FILE --dry-run`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `found` (Gong answered; `counts` may all be 0), `failed`, `invalid` or `duplicate`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<ReferenceCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Gong's whole answer (single `lookup` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<serde_json::Value>,
}

/// The end of a batch: counts per outcome, and the exit code the command ends with.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// `erase`, or `lookup` for a dry run.
    pub operation: &'static str,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    /// Rows read (a CSV line with an email and a phone column is two rows).
    pub rows: usize,
    /// Distinct valid subjects.
    pub unique: usize,
    pub invalid: usize,
    pub duplicates: usize,
    /// Erased now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased: Option<usize>,
    /// Held back for review by the blast-radius guard, not erased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_back: Option<usize>,
    /// Erased earlier in this run, not sent again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_erased: Option<usize>,
    /// Looked up (dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looked_up: Option<usize>,
    /// Subjects Gong holds something about (dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_data: Option<usize>,
    /// Everything found, added up (dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<ReferenceCounts>,
    pub failed: usize,
    /// Not sent yet (budget reached, credentials refused, interrupted); a rerun sends them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferred: Option<usize>,
    pub exit_code: u8,
}

/// Prints one line of JSON and flushes, so a reader sees each outcome as it completes.
pub fn emit(json: &Json<'_>) {
    line(format_args!(
        "{}",
        serde_json::to_string(json).expect("output serialises")
    ));
}

/// Prints one line to standard output. A reader that went away (`| head`) does not stop the
/// command: the journal, not standard output, is the record of a batch.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_fmt(text)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

/// `println!` that never panics on a closed standard output.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

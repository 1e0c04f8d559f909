// Over 500 lines: the report's versioned, documented data model and its one builder from a journal.
//! [`Evidence`]: the evidence report's data, built from a journal.

use serde::Serialize;

use super::{Redactor, ReportError};
use crate::batch::journal::{Contents, RunRecord, SCHEMA_VERSION, Status};
use crate::batch::verify::{Row, erase_run, rows};
use gong_api_ext::ReferenceCounts;
use gong_api_ext::lifecycle::{
    Guard, GuardOutcome, Snapshot, Timestamp, Verification, VerifyResult,
};

/// The version of the report's JSON shape (`reportVersion`), described by
/// `gong-privacy/schemas/evidence-report.schema.json`.
pub const REPORT_VERSION: u32 = 1;

/// What a report is made with besides the journal.
#[derive(Clone, Debug)]
pub struct EvidenceOptions<'a> {
    /// The program writing the report, e.g. `gong-privacy 0.1.0`.
    pub tool: &'a str,
    /// The journal's name, as the report should show it.
    pub journal: &'a str,
    /// Who prepares the report.
    pub operator: Option<&'a str>,
    /// Replace subjects by keyed hashes.
    pub redactor: Option<&'a Redactor>,
    /// When the report is made.
    pub generated_at: Timestamp,
}

impl<'a> EvidenceOptions<'a> {
    /// Options for `tool` reporting on `journal`, made now, without operator or redaction.
    pub fn new(tool: &'a str, journal: &'a str) -> Self {
        Self {
            tool,
            journal,
            operator: None,
            redactor: None,
            generated_at: Timestamp::now(),
        }
    }
}

/// The evidence report of one erase run. Serialised, it is the report's JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// [`REPORT_VERSION`].
    pub report_version: u32,
    /// The program that wrote the report.
    pub tool: String,
    /// When.
    pub generated_at: Timestamp,
    /// Who prepared it (the person running the report), when given.
    pub operator: Option<String>,
    /// The Gong API host the run erased at (absent in journals of schema 1).
    pub gong_host: Option<String>,
    /// The journal the report was made from.
    pub journal: String,
    /// How subjects are hidden, when they are.
    pub redaction: Option<Redaction>,
    /// The erase run.
    pub run: RunSummary,
    /// The verify passes over the run, oldest first.
    pub verify_passes: Vec<PassSummary>,
    /// The run's totals.
    pub totals: Totals,
    /// One row per input row (line and column), ordered by line.
    pub subjects: Vec<SubjectRow>,
}

/// How a redacted report hides subjects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Redaction {
    /// `HMAC-SHA-256` (the first 128 bits, in hex, after `hmac-sha256:`).
    pub method: String,
    /// [`Redactor::key_id`].
    pub key_id: String,
}

/// The erase run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// Its id.
    pub run_id: String,
    /// The input as named on the command line.
    pub source: String,
    /// SHA-256 of the input's bytes: what was asked, exactly.
    pub input_sha256: String,
    /// When the run started (its first run record).
    pub started_at: String,
    /// Its last record.
    pub ended_at: String,
    /// Times it was started or resumed.
    pub invocations: usize,
    /// Who ran it (each distinct operator its run records name).
    pub operators: Vec<String>,
    /// The tools (and versions) that wrote it.
    pub tools: Vec<String>,
    /// Whether subjects were looked up before erasing (absent for schema-1 journals).
    pub preview: Option<bool>,
    /// The blast-radius guard's settings (absent without a preview or for schema-1 journals).
    pub guard: Option<Guard>,
    /// The highest journal schema version among its run records.
    pub schema_version: u32,
}

/// One verify pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassSummary {
    /// The pass's run id.
    pub run_id: String,
    /// Its number.
    pub pass: u32,
    /// When it started.
    pub started_at: String,
    /// Who ran it.
    pub operator: Option<String>,
    /// Subjects found clean, still present, present again, or whose lookup failed, in this
    /// pass (a subject's latest result in the pass).
    pub clean: usize,
    /// See `clean`.
    pub still_present: usize,
    /// See `clean`.
    pub present_again: usize,
    /// See `clean`.
    pub failed: usize,
}

/// The run's totals, as the journal has them now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Rows recorded (a CSV line with an email and a phone column is two rows).
    pub rows: usize,
    /// Distinct valid subjects.
    pub subjects: usize,
    /// Subjects whose erasure Gong accepted.
    pub erased: usize,
    /// Subjects held back for review by the blast-radius guard.
    pub held_back: usize,
    /// Subjects whose erasure failed.
    pub failed: usize,
    /// Subjects not sent yet (budget, credentials, interrupted).
    pub deferred: usize,
    /// Rows that are not valid subjects.
    pub invalid: usize,
    /// Rows repeating an earlier row's subject.
    pub duplicates: usize,
    /// Erased subjects whose latest verification found them clean.
    pub verified_clean: usize,
    /// … still present.
    pub still_present: usize,
    /// … present again.
    pub present_again: usize,
    /// … whose latest verification lookup failed.
    pub verify_failed: usize,
    /// Erased subjects never verified.
    pub not_verified: usize,
    /// What Gong held before, added up over the subjects looked up first.
    pub before: ReferenceCounts,
}

/// One row of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRow {
    /// Its line in the input.
    pub line: Option<u64>,
    /// Its CSV column.
    pub column: Option<String>,
    /// The normalised subject (or its keyed hash); absent for invalid rows.
    pub subject: Option<String>,
    /// The value as written (or its keyed hash).
    pub input: String,
    /// `email` or `phone`.
    pub kind: Option<String>,
    /// Its current outcome: `erased`, `heldBack`, `failed`, `deferred`, `invalid`, `duplicate`.
    pub status: Status,
    /// When that outcome was recorded (for `erased`: when Gong accepted the erasure).
    pub recorded_at: String,
    /// Records of the row before its current one (failed, deferred, held back).
    pub earlier_attempts: usize,
    /// Gong's `requestId` of the erasure: its receipt (or of a failure Gong answered).
    pub erase_request_id: Option<String>,
    /// Why it failed, was deferred or is invalid.
    pub error: Option<String>,
    /// For duplicates: the first row's line.
    pub first_line: Option<u64>,
    /// What Gong held before the erasure.
    pub before: Option<BeforeCounts>,
    /// The guard's decision: `passed`, `heldBack`, `allowed`, `noPreview`.
    pub guard: Option<String>,
    /// The thresholds it was over, in words.
    pub guard_reasons: Vec<String>,
    /// The latest verification.
    pub verification: Option<LatestVerification>,
    /// Verifications made in all.
    pub verifications: usize,
    /// The subject's other address forms, each looked up and erased with it (the Punycode
    /// form of a Unicode domain, or the other way round); absent when it has one form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<FormRow>,
}

/// One more form of a subject's address, and its own erasure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormRow {
    /// The form (or its keyed hash).
    pub subject: String,
    /// Gong's `requestId` of this form's erasure: its receipt (or of a failure Gong answered).
    pub erase_request_id: Option<String>,
    /// What Gong held for this form before the erasure.
    pub before: Option<BeforeCounts>,
    /// Why this form's lookup or erasure failed, or why it was not sent.
    pub error: Option<String>,
}

/// A lookup's counts, as the report shows them (linked addresses and numbers are counted,
/// never listed: they may be other people's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BeforeCounts {
    /// When Gong answered.
    pub at: Timestamp,
    /// Gong's `requestId` of the lookup.
    pub request_id: Option<String>,
    /// Per kind.
    pub counts: ReferenceCounts,
    /// All objects, entries of unknown lists included.
    pub objects: usize,
    /// Linked email addresses (phone lookups).
    pub linked_email_addresses: usize,
    /// Matching phone numbers (phone lookups).
    pub matching_phone_numbers: usize,
}

impl BeforeCounts {
    fn of(s: &Snapshot) -> Self {
        Self {
            at: s.at,
            request_id: s.request_id.clone(),
            counts: s.counts,
            objects: s.objects(),
            linked_email_addresses: s.linked_email_addresses.len(),
            matching_phone_numbers: s.matching_phone_numbers.len(),
        }
    }
}

/// The latest verification of an erased subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatestVerification {
    /// `clean`, `stillPresent`, `presentAgain` or `failed`.
    pub result: VerifyResult,
    /// When.
    pub at: Timestamp,
    /// Seconds after the erasure.
    pub since_erase_secs: Option<u64>,
    /// Still (or again) present 48 hours or more after the erasure.
    pub overdue: bool,
    /// What the lookup found (absent when it failed).
    pub found: Option<BeforeCounts>,
    /// Why the lookup failed.
    pub error: Option<String>,
}

impl LatestVerification {
    fn of(v: &Verification, scrub: &dyn Fn(&str) -> String) -> Self {
        Self {
            result: v.result,
            at: v.at,
            since_erase_secs: v.since_erase_secs,
            overdue: v.is_overdue(),
            found: v.found.as_ref().map(BeforeCounts::of),
            error: v.error.as_deref().map(scrub),
        }
    }
}

impl Evidence {
    /// The evidence of the erase run `run_id` (default: the journal's latest erase run).
    pub fn from_journal(
        contents: &Contents,
        run_id: Option<&str>,
        options: &EvidenceOptions<'_>,
    ) -> Result<Self, ReportError> {
        let run = erase_run(contents, run_id)
            .ok_or_else(|| ReportError::NoEraseRun(run_id.map(str::to_owned)))?;
        let rows = rows(contents, &run.run_id);
        let subjects: Vec<SubjectRow> = rows.iter().map(|r| subject_row(r, options)).collect();
        Ok(Self {
            report_version: REPORT_VERSION,
            tool: options.tool.to_owned(),
            generated_at: options.generated_at,
            operator: options.operator.map(str::to_owned),
            gong_host: run.host.clone(),
            journal: options.journal.to_owned(),
            redaction: options.redactor.map(|r| Redaction {
                method: "HMAC-SHA-256".into(),
                key_id: r.key_id(),
            }),
            run: run_summary(contents, run),
            verify_passes: passes(contents, &run.run_id, &rows),
            totals: totals(&rows, &subjects),
            subjects,
        })
    }

    /// The report as JSON (pretty-printed).
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("the report serialises");
        json.push('\n');
        json
    }
}

fn run_summary(contents: &Contents, run: &RunRecord) -> RunSummary {
    let records: Vec<&RunRecord> = contents
        .records
        .iter()
        .filter_map(|r| match r {
            crate::batch::journal::Record::Run(r) if r.run_id == run.run_id => Some(r),
            _ => None,
        })
        .collect();
    let distinct = |values: Vec<&String>| {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        out
    };
    let first = records.first().copied().unwrap_or(run);
    let ended_at = contents
        .subjects_of(&run.run_id)
        .map(|s| s.ts.as_str())
        .chain(records.iter().map(|r| r.ts.as_str()))
        .max()
        .unwrap_or(&first.ts)
        .to_owned();
    RunSummary {
        run_id: run.run_id.clone(),
        source: run.source.clone(),
        input_sha256: run.input_sha256.clone(),
        started_at: first.ts.clone(),
        ended_at,
        invocations: records.len(),
        operators: distinct(records.iter().filter_map(|r| r.operator.as_ref()).collect()),
        tools: distinct(records.iter().map(|r| &r.tool).collect()),
        preview: run.preview,
        guard: run.guard,
        schema_version: records.iter().map(|r| r.v).max().unwrap_or(SCHEMA_VERSION),
    }
}

fn passes(contents: &Contents, erase_run_id: &str, rows: &[Row<'_>]) -> Vec<PassSummary> {
    contents
        .runs()
        .into_iter()
        .filter(|r| r.operation == "verify" && r.verifies.as_deref() == Some(erase_run_id))
        .map(|pass| {
            let first = contents
                .records
                .iter()
                .find_map(|r| match r {
                    crate::batch::journal::Record::Run(r) if r.run_id == pass.run_id => Some(r),
                    _ => None,
                })
                .unwrap_or(pass);
            let mut summary = PassSummary {
                run_id: pass.run_id.clone(),
                pass: pass.generation,
                started_at: first.ts.clone(),
                operator: first.operator.clone(),
                clean: 0,
                still_present: 0,
                present_again: 0,
                failed: 0,
            };
            for row in rows {
                let latest = row
                    .verifications
                    .iter()
                    .rev()
                    .find(|v| v.run_id == pass.run_id);
                match latest.map(|v| v.verification.result) {
                    Some(VerifyResult::Clean) => summary.clean += 1,
                    Some(VerifyResult::StillPresent) => summary.still_present += 1,
                    Some(VerifyResult::PresentAgain) => summary.present_again += 1,
                    Some(VerifyResult::Failed) => summary.failed += 1,
                    None => {}
                }
            }
            summary
        })
        .collect()
}

fn totals(rows: &[Row<'_>], subjects: &[SubjectRow]) -> Totals {
    let mut t = Totals {
        rows: rows.len(),
        ..Totals::default()
    };
    for (row, shown) in rows.iter().zip(subjects) {
        match row.record.status {
            Status::Erased => t.erased += 1,
            Status::HeldBack => t.held_back += 1,
            Status::Failed => t.failed += 1,
            Status::Deferred => t.deferred += 1,
            Status::Invalid => t.invalid += 1,
            Status::Duplicate => t.duplicates += 1,
        }
        if let Some(before) = &row.record.before {
            t.before.add(&before.counts);
        }
        for before in row.record.forms.iter().filter_map(|f| f.before.as_ref()) {
            t.before.add(&before.counts);
        }
        if row.is_erased() {
            match shown.verification.as_ref().map(|v| v.result) {
                Some(VerifyResult::Clean) => t.verified_clean += 1,
                Some(VerifyResult::StillPresent) => t.still_present += 1,
                Some(VerifyResult::PresentAgain) => t.present_again += 1,
                Some(VerifyResult::Failed) => t.verify_failed += 1,
                None => t.not_verified += 1,
            }
        }
    }
    t.subjects = t.erased + t.held_back + t.failed + t.deferred;
    t
}

fn subject_row(row: &Row<'_>, options: &EvidenceOptions<'_>) -> SubjectRow {
    let r = row.record;
    let secrets: Vec<&str> = [Some(r.input.as_str()), r.subject.as_deref()]
        .into_iter()
        .flatten()
        .chain(r.forms.iter().map(|f| f.subject.as_str()))
        .collect();
    let hide = |text: &str| match options.redactor {
        Some(redactor) => redactor.hash(text),
        None => text.to_owned(),
    };
    let scrub = |text: &str| match options.redactor {
        Some(redactor) => redactor.scrub(text, &secrets),
        None => text.to_owned(),
    };
    let guard = r.guard.as_ref();
    SubjectRow {
        line: r.line,
        column: r.column.clone(),
        subject: r.subject.as_deref().map(hide),
        input: hide(&r.input),
        kind: r.kind.clone(),
        status: r.status,
        recorded_at: r.ts.clone(),
        earlier_attempts: row.earlier.len(),
        erase_request_id: r.request_id.clone(),
        error: r.error.as_deref().map(scrub),
        first_line: r.first_line,
        before: r.before.as_ref().map(BeforeCounts::of),
        guard: guard.map(|g| guard_name(g).to_owned()),
        guard_reasons: guard
            .map(|g| g.reasons().iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        verification: row
            .verifications
            .last()
            .map(|v| LatestVerification::of(&v.verification, &scrub)),
        verifications: row.verifications.len(),
        forms: r
            .forms
            .iter()
            .map(|f| FormRow {
                subject: hide(&f.subject),
                erase_request_id: f.request_id.clone(),
                before: f.before.as_ref().map(BeforeCounts::of),
                error: f.error.as_deref().map(scrub),
            })
            .collect(),
    }
}

fn guard_name(g: &GuardOutcome) -> &'static str {
    match g {
        GuardOutcome::Passed => "passed",
        GuardOutcome::HeldBack { .. } => "heldBack",
        GuardOutcome::Allowed { .. } => "allowed",
        GuardOutcome::NoPreview => "noPreview",
    }
}

/// The CSV's columns, in order.
const CSV_HEADER: [&str; 25] = [
    "line",
    "column",
    "subject",
    "input",
    "kind",
    "status",
    "recorded_at",
    "erase_request_id",
    "error",
    "before_emails",
    "before_calls",
    "before_meetings",
    "before_crm_objects",
    "before_engagement_events",
    "before_objects",
    "before_linked_email_addresses",
    "before_lookup_request_id",
    "guard",
    "verification",
    "verified_at",
    "since_erase_secs",
    "overdue",
    "verification_objects",
    "verifications",
    "other_forms",
];

impl Evidence {
    /// The report as CSV: one line per row of the input, with the columns of
    /// [`SubjectRow`] flattened. Text a spreadsheet would run as a formula (starting with `=`,
    /// `@`, a tab or a carriage return, or `+`/`-` followed by anything but digits) is prefixed
    /// with `'`; phone numbers (`+` and digits) are kept as they are.
    pub fn to_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(CSV_HEADER).expect("writes to memory");
        let text = |v: Option<&str>| v.map(spreadsheet_safe).unwrap_or_default();
        let num = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
        for s in &self.subjects {
            let before = s.before.as_ref();
            let count = |f: fn(&ReferenceCounts) -> usize| {
                before.map(|b| f(&b.counts).to_string()).unwrap_or_default()
            };
            let v = s.verification.as_ref();
            let record: [String; 25] = [
                num(s.line),
                text(s.column.as_deref()),
                text(s.subject.as_deref()),
                text(Some(&s.input)),
                text(s.kind.as_deref()),
                s.status.as_str().to_owned(),
                s.recorded_at.clone(),
                text(s.erase_request_id.as_deref()),
                text(s.error.as_deref()),
                count(|c| c.emails),
                count(|c| c.calls),
                count(|c| c.meetings),
                count(|c| c.crm_objects),
                count(|c| c.engagement_events),
                before.map(|b| b.objects.to_string()).unwrap_or_default(),
                before
                    .map(|b| b.linked_email_addresses.to_string())
                    .unwrap_or_default(),
                text(before.and_then(|b| b.request_id.as_deref())),
                text(s.guard.as_deref()),
                v.map(|v| v.result.as_str().to_owned()).unwrap_or_default(),
                v.map(|v| v.at.to_string()).unwrap_or_default(),
                num(v.and_then(|v| v.since_erase_secs)),
                v.map(|v| v.overdue.to_string()).unwrap_or_default(),
                v.and_then(|v| v.found.as_ref())
                    .map(|f| f.objects.to_string())
                    .unwrap_or_default(),
                s.verifications.to_string(),
                text(Some(&other_forms(&s.forms))),
            ];
            out.write_record(&record).expect("writes to memory");
        }
        String::from_utf8(out.into_inner().expect("flushes to memory"))
            .expect("UTF-8 in, UTF-8 out")
    }
}

/// The other forms of a subject and their receipts: `FORM requestId ID; …` (the CSV's last
/// column).
fn other_forms(forms: &[FormRow]) -> String {
    forms
        .iter()
        .map(|f| match (&f.erase_request_id, &f.error) {
            (Some(id), None) => format!("{} requestId {id}", f.subject),
            (_, Some(why)) => format!("{} not erased: {why}", f.subject),
            (None, None) => f.subject.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `text`, prefixed with `'` when a spreadsheet would read it as a formula.
fn spreadsheet_safe(text: &str) -> String {
    let risky = match text.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !text[1..].bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    if risky {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

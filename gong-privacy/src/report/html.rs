//! The HTML pages: `askama` templates (`templates/`) and the view of the data they show.

use std::time::Duration;

use askama::Template;

use super::evidence::{BeforeCounts, Evidence, SubjectRow};
use crate::batch::journal::Status;
use gong_api_ext::ReferenceCounts;
use gong_api_ext::lifecycle::VerifyResult;

/// A total, as a card: `data-total` is its key, so a reader (or a test) finds it.
pub(super) struct Card {
    pub key: &'static str,
    pub label: &'static str,
    pub value: usize,
    pub tone: &'static str,
}

/// One row of the subjects' table, as text.
pub(super) struct RowView {
    pub line: String,
    pub subject: String,
    pub kind: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_tone: &'static str,
    pub recorded_at: String,
    pub error: String,
    pub request_id: String,
    /// The other address forms erased with the subject: `(form, its requestId or why not, what
    /// it held before)`.
    pub forms: Vec<(String, String, String)>,
    pub before: String,
    pub before_detail: String,
    pub guard: String,
    pub verification_key: &'static str,
    pub verification_label: String,
    pub verification_tone: &'static str,
    pub verification_detail: String,
}

#[derive(Template)]
#[template(path = "evidence.html")]
pub(super) struct EvidencePage<'a> {
    pub e: &'a Evidence,
    pub meta: Vec<(&'static str, String)>,
    pub outcome: Vec<Card>,
    pub verification: Vec<Card>,
    pub rows: Vec<RowView>,
}

impl Evidence {
    /// The report as one self-contained HTML page: inline CSS, no scripts, no network, laid
    /// out for A4 landscape when printed.
    pub fn to_html(&self) -> String {
        EvidencePage::of(self)
            .render()
            .expect("the evidence template renders")
    }
}

impl<'a> EvidencePage<'a> {
    fn of(e: &'a Evidence) -> Self {
        let t = &e.totals;
        let card = |key, label, value, tone| Card {
            key,
            label,
            value,
            tone,
        };
        let outcome = vec![
            card("subjects", "subjects", t.subjects, "info"),
            card("erased", "erased (receipt from Gong)", t.erased, "ok"),
            card(
                "heldBack",
                "held back for review",
                t.held_back,
                tone_if(t.held_back, "warn"),
            ),
            card("failed", "failed", t.failed, tone_if(t.failed, "bad")),
            card(
                "deferred",
                "deferred (not sent yet)",
                t.deferred,
                tone_if(t.deferred, "warn"),
            ),
            card("invalid", "invalid rows (never sent)", t.invalid, ""),
            card("duplicates", "duplicate rows", t.duplicates, ""),
        ];
        let verification = vec![
            card("verifiedClean", "verified clean", t.verified_clean, "ok"),
            card(
                "stillPresent",
                "still present",
                t.still_present,
                tone_if(t.still_present, "warn"),
            ),
            card(
                "presentAgain",
                "present again",
                t.present_again,
                tone_if(t.present_again, "bad"),
            ),
            card(
                "verifyFailed",
                "lookup failed",
                t.verify_failed,
                tone_if(t.verify_failed, "bad"),
            ),
            card("notVerified", "not verified yet", t.not_verified, ""),
        ];
        Self {
            e,
            meta: meta(e),
            outcome,
            verification,
            rows: e.subjects.iter().map(row_view).collect(),
        }
    }
}

fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

fn tone_if(n: usize, tone: &'static str) -> &'static str {
    if n > 0 { tone } else { "" }
}

fn meta(e: &Evidence) -> Vec<(&'static str, String)> {
    let run = &e.run;
    let or_dash = |v: Option<&str>| v.unwrap_or("—").to_owned();
    let list = |v: &[String]| {
        if v.is_empty() {
            "— (not recorded)".to_owned()
        } else {
            v.join(", ")
        }
    };
    let lookups = match (run.preview, &run.guard) {
        (Some(true), Some(g)) => format!(
            "each subject looked up first; held back for review above {} objects, or a phone \
             number of more than {}{}",
            g.max_objects,
            plural(g.max_linked_addresses, "person"),
            if g.allow {
                " (explicitly allowed in at least one invocation)"
            } else {
                ""
            }
        ),
        (Some(false), _) => "none (--no-preview): no before-counts, no guard".to_owned(),
        _ => "— (not recorded: journal schema 1)".to_owned(),
    };
    let mut meta = vec![
        ("Gong host", or_dash(e.gong_host.as_deref())),
        ("Run", run.run_id.clone()),
        ("Input", run.source.clone()),
        ("Input SHA-256", run.input_sha256.clone()),
        ("Started", run.started_at.clone()),
        ("Last record", run.ended_at.clone()),
        (
            "Invocations",
            format!("{} (started or resumed)", run.invocations),
        ),
        ("Erased by", list(&run.operators)),
        ("Lookups and guard", lookups),
        ("Report prepared by", or_dash(e.operator.as_deref())),
        ("Tools", run.tools.join(", ")),
        (
            "Journal",
            format!("{} (schema {})", e.journal, run.schema_version),
        ),
    ];
    if let Some(r) = &e.redaction {
        meta.push((
            "Redaction",
            format!("{} of every subject, key id {}", r.method, r.key_id),
        ));
    }
    meta
}

fn row_view(s: &SubjectRow) -> RowView {
    let (status_label, status_tone) = match s.status {
        Status::Erased => ("erased", "ok"),
        Status::HeldBack => ("held back", "warn"),
        Status::Failed => ("failed", "bad"),
        Status::Deferred => ("deferred", "warn"),
        Status::Invalid => ("invalid", "muted"),
        Status::Duplicate => ("duplicate", "muted"),
    };
    let mut error = s.error.clone().unwrap_or_default();
    if let Some(first) = s.first_line {
        error = format!("same subject as line {first}");
    }
    if s.earlier_attempts > 0 {
        let attempts = format!("{} earlier attempt(s)", s.earlier_attempts);
        error = if error.is_empty() {
            attempts
        } else {
            format!("{error}; {attempts}")
        };
    }
    let (before, before_detail) = match &s.before {
        Some(b) => (counts_text(b), before_detail(b)),
        None if matches!(s.status, Status::Invalid | Status::Duplicate) => {
            (String::new(), String::new())
        }
        None => ("not looked up".to_owned(), String::new()),
    };
    let guard = match (s.guard.as_deref(), s.guard_reasons.is_empty()) {
        (Some("passed"), _) => "passed".to_owned(),
        (Some("heldBack"), _) => format!("held back: {}", s.guard_reasons.join("; ")),
        (Some("allowed"), _) => format!("allowed explicitly: {}", s.guard_reasons.join("; ")),
        (Some("noPreview"), _) => "not checked (no lookup)".to_owned(),
        _ => String::new(),
    };
    let (verification_key, verification_label, verification_tone, verification_detail) =
        match &s.verification {
            None if s.status == Status::Erased => (
                "none",
                "not verified yet".to_owned(),
                "muted",
                String::new(),
            ),
            None => ("none", String::new(), "", String::new()),
            Some(v) => {
                let since = v
                    .since_erase_secs
                    .map(|secs| format!(", {} after the erasure", duration(secs)))
                    .unwrap_or_default();
                let found = v
                    .found
                    .as_ref()
                    .filter(|f| f.objects > 0 || f.linked_email_addresses > 0)
                    .map(|f| format!(": {}", counts_text(f)))
                    .unwrap_or_default();
                let error = v
                    .error
                    .as_ref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                let (key, label, tone) = match v.result {
                    VerifyResult::Clean => ("clean", "clean", "ok"),
                    VerifyResult::StillPresent if v.overdue => {
                        ("stillPresent", "still present (overdue)", "bad")
                    }
                    VerifyResult::StillPresent => ("stillPresent", "still present", "warn"),
                    VerifyResult::PresentAgain => ("presentAgain", "present again", "bad"),
                    VerifyResult::Failed => ("failed", "lookup failed", "bad"),
                };
                let lookups = if s.verifications > 1 {
                    format!(" ({} lookups in all)", s.verifications)
                } else {
                    String::new()
                };
                (
                    key,
                    label.to_owned(),
                    tone,
                    format!("{}{since}{lookups}{found}{error}", v.at),
                )
            }
        };
    RowView {
        line: s.line.map(|l| l.to_string()).unwrap_or_default(),
        subject: s.subject.clone().unwrap_or_else(|| s.input.clone()),
        kind: s
            .kind
            .clone()
            .unwrap_or_else(|| "not a valid subject".into()),
        status: s.status.as_str(),
        status_label,
        status_tone,
        recorded_at: s.recorded_at.clone(),
        error,
        request_id: s.erase_request_id.clone().unwrap_or_default(),
        forms: s
            .forms
            .iter()
            .map(|f| {
                (
                    f.subject.clone(),
                    match (&f.erase_request_id, &f.error) {
                        (_, Some(why)) => format!("not erased: {why}"),
                        (Some(id), None) => id.clone(),
                        (None, None) => String::new(),
                    },
                    f.before.as_ref().map(counts_text).unwrap_or_default(),
                )
            })
            .collect(),
        before,
        before_detail,
        guard,
        verification_key,
        verification_label,
        verification_tone,
        verification_detail,
    }
}

/// "3 emails, 1 call, 2 CRM objects (6 objects)", or "nothing".
fn counts_text(b: &BeforeCounts) -> String {
    let c: &ReferenceCounts = &b.counts;
    let mut parts: Vec<String> = [
        (c.emails, "email"),
        (c.calls, "call"),
        (c.meetings, "meeting"),
        (c.crm_objects, "CRM object"),
        (c.engagement_events, "engagement event"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| {
        if n == 1 {
            format!("1 {what}")
        } else {
            format!("{n} {what}s")
        }
    })
    .collect();
    let known: usize = c.emails + c.calls + c.meetings + c.crm_objects + c.engagement_events;
    if b.objects > known {
        parts.push(format!("{} of other kinds", b.objects - known));
    }
    if b.linked_email_addresses > 0 {
        parts.push(format!(
            "linked to {} email address(es)",
            b.linked_email_addresses
        ));
    }
    if parts.is_empty() {
        return "nothing".into();
    }
    let text = parts.join(", ");
    if b.objects > 1 && parts.len() > 1 {
        format!("{text} ({} objects)", b.objects)
    } else {
        text
    }
}

fn before_detail(b: &BeforeCounts) -> String {
    match &b.request_id {
        Some(id) => format!("{} · lookup {id}", b.at),
        None => b.at.to_string(),
    }
}

/// "3h 2m" (whole minutes; seconds under a minute).
fn duration(secs: u64) -> String {
    let rounded = if secs >= 60 { secs - secs % 60 } else { secs };
    humantime::format_duration(Duration::from_secs(rounded)).to_string()
}

//! One-subject commands: `lookup` and `erase email|phone` (journaled, see [`single_journal`](super::single_journal)).

use gong_api_ext::lifecycle::{Erasure, Snapshot, other_forms};
use gong_api_ext::{EmailAddress, GongClient, PhoneNumber, ReferenceCounts, Subject};
use gong_privacy::batch::journal::{FormRecord, Status, SubjectRecord, timestamp};
use gong_privacy::batch::single::SINGLE_RUN_ID;

use crate::cli::args::{Cli, EraseArgs, Target};
use crate::cli::exit::{self, Failure};
use crate::cli::output::{Json, Lookup, emit, say};
use crate::cli::{Outcome, client, confirm, plural, require_confirmation_possible};
use crate::commands::erase::single_journal::{SingleJournal, default_path};

/// Validates the target before any network call.
pub fn subject(target: &Target) -> Result<Subject, Failure> {
    match target {
        Target::Email { address } => EmailAddress::parse(address).map(Subject::Email),
        Target::Phone { number } => PhoneNumber::parse(number).map(Subject::Phone),
    }
    .map_err(|e| Failure::usage(e.to_string()))
}

/// The subject as typed.
pub fn written(target: &Target) -> &str {
    match target {
        Target::Email { address } => address,
        Target::Phone { number } => number,
    }
}

/// Looks `subject` up; returns the counts and Gong's whole answer.
async fn find(
    client: &GongClient,
    subject: &Subject,
) -> Result<(ReferenceCounts, serde_json::Value), Failure> {
    fn value(v: impl serde::Serialize) -> serde_json::Value {
        serde_json::to_value(v).expect("responses serialise")
    }
    match subject {
        Subject::Email(e) => {
            let r = client
                .find_references_by_email(e)
                .await
                .map_err(Failure::from_sdk)?;
            Ok((ReferenceCounts::of_email(&r), value(&r)))
        }
        Subject::Phone(p) => {
            let r = client
                .find_references_by_phone(p)
                .await
                .map_err(Failure::from_sdk)?;
            Ok((ReferenceCounts::of_phone(&r), value(&r)))
        }
    }
}

/// "2 emails, 1 call, …".
pub fn describe(c: &ReferenceCounts) -> String {
    [
        plural(c.emails, "email"),
        plural(c.calls, "call"),
        plural(c.meetings, "meeting"),
        plural(c.crm_objects, "CRM object"),
        plural(c.engagement_events, "engagement event"),
    ]
    .join(", ")
}

/// "2 emails, 1 call, …", and the people a phone number is linked to.
pub fn describe_snapshot(s: &Snapshot) -> String {
    let mut text = describe(&s.counts);
    if s.other > 0 {
        text.push_str(&format!(", {} of kinds this tool does not know", s.other));
    }
    if !s.linked_email_addresses.is_empty() {
        let n = s.linked_email_addresses.len();
        text.push_str(&format!(
            "; linked to {n} email address{}: {}",
            if n == 1 { "" } else { "es" },
            s.linked_email_addresses.join(", ")
        ));
    }
    text
}

/// Looks the subject up, then each other form of its address Gong may hold separately (an
/// internationalised domain's other IDNA form): one line (one `--json` object) per form.
pub async fn lookup(cli: &Cli, target: &Target) -> Outcome {
    let subject = subject(target)?;
    let (client, _) = client(cli)?;
    for form in std::iter::once(subject.clone()).chain(other_forms(&subject)) {
        let (counts, response) = find(&client, &form).await?;
        if cli.json {
            emit(&Json::Lookup(Lookup {
                input: written(target).to_owned(),
                subject: Some(form.as_str().to_owned()),
                kind: Some(form.kind().to_owned()),
                status: "found",
                counts: Some(counts),
                response: Some(response),
                ..Lookup::default()
            }));
        } else if form == subject {
            say!("{}: {}", super::spelling::subject(&form), describe(&counts));
        } else {
            say!(
                "{form} (the same address, its domain's other form): {}",
                describe(&counts)
            );
        }
    }
    Ok(exit::DONE)
}

pub async fn erase(cli: &Cli, target: &Target, args: &EraseArgs) -> Outcome {
    let subject = subject(target)?;
    if args.no_journal && args.journal.is_some() {
        return Err(Failure::usage(
            "--no-journal journals nothing, --journal names where to: give one",
        ));
    }
    require_confirmation_possible(args.yes, "erase")?;
    let (client, _) = client(cli)?;
    // Locked before any request: a journal that cannot be written stops here.
    let mut journal = match (&args.journal, args.no_journal) {
        (_, true) => None,
        (Some(path), false) => Some(SingleJournal::open(path)?),
        (None, false) => Some(SingleJournal::open(&default_path(&client)?)?),
    };
    let fail = |journal: &mut Option<SingleJournal>, erasure: &Erasure, error, why| {
        failed(cli, &client, journal, target, erasure, error, why)
    };
    let mut erasure = Erasure::new(subject.clone());
    if args.no_preview {
        eprintln!("Not looked up first (--no-preview): the blast-radius guard cannot check it.");
    } else {
        if let Err(error) = erasure.preview(&client).await {
            let why = format!(
                "the lookup before the erasure failed: {}",
                exit::describe(&error)
            );
            return Err(fail(&mut journal, &erasure, error, why));
        }
        let before = erasure.before.as_ref().expect("looked up above");
        eprintln!(
            "Gong holds for {}: {}",
            super::spelling::subject(&subject),
            describe_snapshot(before)
        );
        for form in &erasure.forms {
            let before = form.before.as_ref().expect("looked up above");
            eprintln!(
                "Gong holds for {} (the same address, its domain's other form): {}",
                form.subject,
                describe_snapshot(before)
            );
        }
        let guard = erasure.check(&crate::commands::erase::plan::guard(args));
        if guard.is_held_back() {
            eprintln!("{subject}: {guard}. Not erased. After review, erase it with --allow-large.");
            let record = record(target, &erasure, Status::HeldBack, None);
            let record = keep(cli, &client, &mut journal, record)?;
            if cli.json {
                emit(&Json::Subject(&record));
            }
            return Ok(exit::HELD_BACK);
        }
    }
    let both = if erasure.forms.is_empty() {
        String::new()
    } else {
        format!(
            " (also written {})",
            erasure
                .forms
                .iter()
                .map(|f| f.subject.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if !args.yes
        && !confirm(&format!(
            "Erase everything Gong holds for {}{both}? This cannot be undone.",
            super::spelling::subject(&subject)
        ))
    {
        eprintln!("Declined: nothing erased, nothing written.");
        return Ok(exit::DECLINED);
    }
    if let Err(error) = erasure.erase(&client).await {
        let why = exit::describe(&error);
        return Err(fail(&mut journal, &erasure, error, why));
    }
    let request_id = erasure
        .request
        .as_ref()
        .expect("the guard let it through above")
        .request_id
        .clone();
    let record = record(target, &erasure, Status::Erased, Some(request_id.clone()));
    // Durable before the receipt is shown.
    let kept = keep(cli, &client, &mut journal, record);
    if cli.json {
        if let Ok(record) = &kept {
            emit(&Json::Subject(record));
        }
    } else {
        say!(
            "Erasure requested for {subject}. Gong requestId (keep it as the receipt): {request_id}"
        );
        for form in &erasure.forms {
            if let Some(request) = &form.request {
                say!(
                    "Erasure requested for {}. Gong requestId (keep it as the receipt): {}",
                    form.subject,
                    request.request_id
                );
            }
        }
    }
    kept?;
    if let Some(journal) = &journal {
        journaled(journal);
    }
    Ok(exit::DONE)
}

/// Journals a failed erasure (a failed lookup before it, or the erase itself), and returns
/// the failure the command ends with.
fn failed(
    cli: &Cli,
    client: &GongClient,
    journal: &mut Option<SingleJournal>,
    target: &Target,
    erasure: &Erasure,
    error: gong_api_ext::Error,
    why: String,
) -> Failure {
    let mut record = record(target, erasure, Status::Failed, None);
    // A form erased before another failed keeps its receipt; the failure's reference is Gong's
    // requestId of the refused call.
    record.request_id = erasure
        .request
        .as_ref()
        .map(|r| r.request_id.clone())
        .or_else(|| error.request_id().map(str::to_owned));
    record.forms = FormRecord::of(erasure, Some(&why));
    record.error = Some(why);
    match keep(cli, client, journal, record) {
        Ok(record) => {
            if cli.json {
                emit(&Json::Subject(&record));
            }
            if let Some(journal) = journal {
                journaled(journal);
            }
            Failure::from_sdk(error)
        }
        Err(failure) => failure,
    }
}

/// Journals `record` unless `--no-journal`.
fn keep(
    cli: &Cli,
    client: &GongClient,
    journal: &mut Option<SingleJournal>,
    record: SubjectRecord,
) -> Result<SubjectRecord, Failure> {
    match journal {
        Some(journal) => journal.keep(cli, client, record),
        None => Ok(record),
    }
}

/// Where the record went, and how to report on it and verify it.
fn journaled(journal: &SingleJournal) {
    let path = journal.path().display().to_string();
    let path = shlex::try_quote(&path).map_or(path.clone(), |p| p.into_owned());
    eprintln!(
        "Journaled as line {} of run {SINGLE_RUN_ID} in {path}: `gong-privacy report {path}` \
         writes its evidence report, `gong-privacy verify {path}` checks that it is gone.",
        journal.line
    );
}

/// The `--json` record of a single erasure: the journal's subject record (its run and line
/// are set when journaled).
fn record(
    target: &Target,
    erasure: &Erasure,
    status: Status,
    request_id: Option<String>,
) -> SubjectRecord {
    SubjectRecord {
        run_id: None,
        ts: timestamp(),
        line: None,
        column: None,
        input: written(target).to_owned(),
        subject: Some(erasure.subject.as_str().to_owned()),
        kind: Some(erasure.subject.kind().to_owned()),
        status,
        request_id,
        error: None,
        first_line: None,
        before: erasure.before.clone(),
        guard: erasure.guard.clone(),
        forms: FormRecord::of(erasure, None),
    }
}

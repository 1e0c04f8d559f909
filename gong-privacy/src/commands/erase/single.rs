//! One-subject commands: `lookup` and `erase email|phone`.

use gong_api_ext::lifecycle::{Erasure, Snapshot};
use gong_api_ext::{EmailAddress, GongClient, PhoneNumber, ReferenceCounts, Subject};
use gong_privacy::batch::journal::{Status, SubjectRecord, timestamp};

use crate::cli::args::{Cli, EraseArgs, Target};
use crate::cli::exit::{self, Failure};
use crate::cli::output::{Json, Lookup, emit, say};
use crate::cli::{Outcome, client, confirm, plural, require_confirmation_possible};

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

pub async fn lookup(cli: &Cli, target: &Target) -> Outcome {
    let subject = subject(target)?;
    let (client, _) = client(cli)?;
    let (counts, response) = find(&client, &subject).await?;
    if cli.json {
        emit(&Json::Lookup(Lookup {
            input: written(target).to_owned(),
            subject: Some(subject.as_str().to_owned()),
            kind: Some(subject.kind().to_owned()),
            status: "found",
            counts: Some(counts),
            response: Some(response),
            ..Lookup::default()
        }));
    } else {
        say!("{subject}: {}", describe(&counts));
    }
    Ok(exit::DONE)
}

pub async fn erase(cli: &Cli, target: &Target, args: &EraseArgs) -> Outcome {
    let subject = subject(target)?;
    require_confirmation_possible(args.yes, "erase")?;
    let (client, _) = client(cli)?;
    let mut erasure = Erasure::new(subject.clone());
    if args.no_preview {
        eprintln!("Not looked up first (--no-preview): the blast-radius guard cannot check it.");
    } else {
        let before = erasure.preview(&client).await.map_err(Failure::from_sdk)?;
        eprintln!("Gong holds for {subject}: {}", describe_snapshot(before));
        let guard = erasure.check(&crate::commands::erase::plan::guard(args));
        if guard.is_held_back() {
            eprintln!("{subject}: {guard}. Not erased. After review, erase it with --allow-large.");
            if cli.json {
                emit(&Json::Subject(&record(
                    target,
                    &erasure,
                    Status::HeldBack,
                    None,
                )));
            }
            return Ok(exit::HELD_BACK);
        }
    }
    if !args.yes
        && !confirm(&format!(
            "Erase everything Gong holds for {subject}? This cannot be undone."
        ))
    {
        eprintln!("Declined: nothing erased.");
        return Ok(exit::DECLINED);
    }
    let request = erasure
        .erase(&client)
        .await
        .map_err(Failure::from_sdk)?
        .expect("the guard let it through above")
        .clone();
    if cli.json {
        let record = record(target, &erasure, Status::Erased, Some(request.request_id));
        emit(&Json::Subject(&record));
    } else {
        say!(
            "Erasure requested for {subject}. Gong requestId (keep it as the receipt): {}",
            request.request_id
        );
    }
    Ok(exit::DONE)
}

/// The `--json` record of a single erasure (the journal's subject record, outside any run).
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
    }
}

//! One-subject commands: `lookup` and `erase email|phone`.

use gong_api_ext::batch::journal::{Status, SubjectRecord, timestamp};
use gong_api_ext::{EmailAddress, GongClient, PhoneNumber, ReferenceCounts, Subject};

use crate::args::{Cli, Target};
use crate::exit::{self, Failure};
use crate::output::{Json, Lookup, emit, say};
use crate::{Outcome, client, confirm, plural, require_confirmation_possible};

/// Validates the target before any network call.
fn subject(target: &Target) -> Result<Subject, Failure> {
    match target {
        Target::Email { address } => EmailAddress::parse(address).map(Subject::Email),
        Target::Phone { number } => PhoneNumber::parse(number).map(Subject::Phone),
    }
    .map_err(|e| Failure::usage(e.to_string()))
}

/// The subject as typed.
fn written(target: &Target) -> &str {
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

pub async fn erase(cli: &Cli, target: &Target, yes: bool) -> Outcome {
    let subject = subject(target)?;
    require_confirmation_possible(yes)?;
    let (client, _) = client(cli)?;
    let (counts, _) = find(&client, &subject).await?;
    eprintln!("Gong holds for {subject}: {}", describe(&counts));
    if !yes
        && !confirm(&format!(
            "Erase everything Gong holds for {subject}? This cannot be undone."
        ))
    {
        eprintln!("Declined: nothing erased.");
        return Ok(exit::DECLINED);
    }
    let receipt = client
        .erase(subject.clone())
        .await
        .map_err(Failure::from_sdk)?;
    if cli.json {
        emit(&Json::Subject(&SubjectRecord {
            run_id: None,
            ts: timestamp(),
            line: None,
            column: None,
            input: written(target).to_owned(),
            subject: Some(receipt.subject.as_str().to_owned()),
            kind: Some(receipt.subject.kind().to_owned()),
            status: Status::Erased,
            request_id: Some(receipt.request_id),
            error: None,
            first_line: None,
            before: None,
            guard: None,
        }));
    } else {
        say!(
            "Erasure requested for {}. Gong requestId (keep it as the receipt): {}",
            receipt.subject,
            receipt.request_id
        );
    }
    Ok(exit::DONE)
}

//! One-subject commands (`lookup`, `erase email|phone`) and the CRM commands.

use gong_api_ext::{
    CrmRequestState, EmailAddress, GongClient, PhoneNumber, ReferenceCounts, Subject, WaitOptions,
};
use serde_json::json;

use crate::args::{Cli, CrmCommand, Target};
use crate::{Failure, Outcome, client, confirm, plural, require_confirmation_possible};

/// Validates the target before any network call.
fn subject(target: &Target) -> Result<Subject, Failure> {
    match target {
        Target::Email { address } => EmailAddress::parse(address).map(Subject::Email),
        Target::Phone { number } => PhoneNumber::parse(number).map(Subject::Phone),
    }
    .map_err(|e| Failure::usage(e.to_string()))
}

/// Looks `subject` up; returns the counts and the full response as JSON.
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

pub async fn lookup(client: &GongClient, target: &Target, json_out: bool) -> Outcome {
    let subject = subject(target)?;
    let (counts, response) = find(client, &subject).await?;
    if json_out {
        println!(
            "{}",
            json!({"subject": subject.as_str(), "counts": counts, "response": response})
        );
    } else {
        println!("{subject}: {}", describe(&counts));
    }
    Ok(0)
}

pub async fn erase(client: &GongClient, target: &Target, yes: bool, json_out: bool) -> Outcome {
    let subject = subject(target)?;
    let (counts, _) = find(client, &subject).await?;
    eprintln!("Gong holds for {subject}: {}", describe(&counts));
    if !yes
        && !confirm(&format!(
            "Erase everything Gong holds for {subject}? This cannot be undone."
        ))
    {
        eprintln!("Not erased.");
        return Ok(1);
    }
    let receipt = client.erase(subject).await.map_err(Failure::from_sdk)?;
    if json_out {
        println!(
            "{}",
            json!({"subject": receipt.subject.as_str(), "status": "erased", "requestId": receipt.request_id})
        );
    } else {
        println!(
            "Erasure requested for {}. Gong requestId (keep it as the receipt): {}",
            receipt.subject, receipt.request_id
        );
    }
    Ok(0)
}

pub async fn crm(cli: &Cli, command: &CrmCommand) -> Outcome {
    if let CrmCommand::Delete { yes, .. } = command {
        require_confirmation_possible(*yes)?;
    }
    let client = client(cli)?;
    match command {
        CrmCommand::List => {
            let list = client
                .list_crm_integrations()
                .await
                .map_err(Failure::from_sdk)?;
            if cli.json {
                println!("{}", serde_json::to_value(&list).expect("serialises"));
            } else if list.integrations.is_empty() {
                println!("No generic CRM integrations.");
            } else {
                for i in &list.integrations {
                    println!(
                        "{}\t{}\t{}",
                        i.integration_id.map_or("?".into(), |id| id.to_string()),
                        i.name.as_deref().unwrap_or("-"),
                        i.owner_email.as_deref().unwrap_or("-"),
                    );
                }
            }
            Ok(0)
        }
        CrmCommand::Delete {
            integration_id,
            wait,
            yes,
        } => {
            if !yes
                && !confirm(&format!(
                    "Delete CRM integration {integration_id} and all its CRM objects? This cannot be undone."
                ))
            {
                eprintln!("Not deleted.");
                return Ok(1);
            }
            let deletion = client
                .delete_crm_integration(*integration_id)
                .await
                .map_err(Failure::from_sdk)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"integrationId": deletion.integration_id, "clientRequestId": deletion.client_request_id,
                           "requestId": deletion.request_id, "confirmedByConflict": deletion.confirmed_by_conflict})
                );
            } else {
                println!(
                    "Deletion of integration {} registered: clientRequestId {}, Gong requestId {}",
                    deletion.integration_id,
                    deletion.client_request_id,
                    deletion.request_id.as_deref().unwrap_or("-")
                );
            }
            if *wait {
                eprintln!("Waiting for Gong to finish (this may take up to 24 hours)…");
                let status = client
                    .wait_for_crm_deletion(&deletion, &WaitOptions::default())
                    .await
                    .map_err(Failure::from_sdk)?;
                println!("{}", status.state);
            }
            Ok(0)
        }
        CrmCommand::Status {
            integration_id,
            client_request_id,
        } => {
            let status = client
                .crm_request_status(*integration_id, client_request_id)
                .await
                .map_err(Failure::from_sdk)?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_value(&status.response).expect("serialises")
                );
            } else {
                println!("{}", status.state);
                for error in status.errors() {
                    println!("  {error}");
                }
            }
            Ok(if status.state == CrmRequestState::Failed {
                1
            } else {
                0
            })
        }
    }
}

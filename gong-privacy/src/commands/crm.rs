//! `crm list`, `crm delete [--wait]`, `crm status`.

use std::time::{Duration, Instant};

use gong_api_ext::{CrmDeletion, CrmRequestState, CrmRequestStatus, Error, WaitOptions};

use crate::cli::args::{Cli, CrmCommand};
use crate::cli::exit::{self, Failure};
use crate::cli::output::{Json, emit, say};
use crate::cli::{Outcome, client, confirm, require_confirmation_possible};

/// The failure of a deletion; when Gong may have registered it, with the clientRequestId to
/// check it with, or to send it again under.
fn unsettled_deletion(error: Error, integration_id: i64, client_request_id: &str) -> Failure {
    let unsettled = error.may_have_taken_effect();
    let mut failure = Failure::from_sdk(error);
    if unsettled {
        failure.message = format!(
            "{}. The deletion may have been registered under clientRequestId \
             {client_request_id}: check it with: gong-privacy crm status {integration_id} \
             {client_request_id}; or send the same deletion again (never registered twice): \
             gong-privacy crm delete {integration_id} --client-request-id {client_request_id}",
            failure.message
        );
    }
    failure
}

fn status_json(
    integration_id: i64,
    client_request_id: &str,
    status: &CrmRequestStatus,
) -> Json<'static> {
    Json::CrmStatus {
        integration_id,
        client_request_id: client_request_id.to_owned(),
        status: status.state.to_string(),
        errors: status.errors(),
        response: serde_json::to_value(&status.response).expect("responses serialise"),
    }
}

pub async fn run(cli: &Cli, command: &CrmCommand) -> Outcome {
    if let CrmCommand::Delete { yes, .. } = command {
        require_confirmation_possible(*yes, "delete a CRM integration")?;
    }
    let (client, _) = client(cli)?;
    match command {
        CrmCommand::List => {
            let list = client
                .list_crm_integrations()
                .await
                .map_err(Failure::from_sdk)?;
            if cli.json {
                emit(&Json::CrmIntegrations {
                    response: serde_json::to_value(&list).expect("responses serialise"),
                });
            } else if list.integrations.is_empty() {
                say!("No generic CRM integrations.");
            } else {
                for i in &list.integrations {
                    say!(
                        "{}\t{}\t{}",
                        i.integration_id.map_or("?".into(), |id| id.to_string()),
                        i.name.as_deref().unwrap_or("-"),
                        i.owner_email.as_deref().unwrap_or("-"),
                    );
                }
            }
            Ok(exit::DONE)
        }
        CrmCommand::Delete {
            integration_id,
            wait,
            wait_timeout,
            poll_interval,
            client_request_id,
            yes,
        } => {
            if !yes
                && !confirm(&format!(
                    "Delete CRM integration {integration_id} and all its CRM objects? This cannot be undone."
                ))
            {
                eprintln!("Declined: nothing deleted.");
                return Ok(exit::DECLINED);
            }
            let id = client_request_id
                .clone()
                .unwrap_or_else(|| client.new_client_request_id());
            let deletion = match client
                .delete_crm_integration_with_request_id(*integration_id, &id)
                .await
            {
                Ok(deletion) => deletion,
                // The id of an earlier deletion whose answer was lost, sent again: Gong's 409
                // "client request id has already been used" says that one was registered.
                Err(error)
                    if client_request_id.is_some()
                        && error.status().map(|s| s.as_u16()) == Some(409) =>
                {
                    CrmDeletion {
                        integration_id: *integration_id,
                        client_request_id: id.clone(),
                        request_id: error.request_id().map(str::to_owned),
                        confirmed_by_conflict: true,
                    }
                }
                Err(error) => return Err(unsettled_deletion(error, *integration_id, &id)),
            };
            if cli.json {
                emit(&Json::CrmDeletion {
                    integration_id: deletion.integration_id,
                    client_request_id: deletion.client_request_id.clone(),
                    request_id: deletion.request_id.clone(),
                    confirmed_by_conflict: deletion.confirmed_by_conflict,
                });
            } else if deletion.confirmed_by_conflict {
                say!(
                    "Deletion of integration {} registered earlier under clientRequestId {} \
                     (Gong answered that the id has already been used), Gong requestId {}",
                    deletion.integration_id,
                    deletion.client_request_id,
                    deletion.request_id.as_deref().unwrap_or("-")
                );
            } else {
                say!(
                    "Deletion of integration {} registered: clientRequestId {}, Gong requestId {}",
                    deletion.integration_id,
                    deletion.client_request_id,
                    deletion.request_id.as_deref().unwrap_or("-")
                );
            }
            if !wait {
                return Ok(exit::DONE);
            }
            let check_later = format!(
                "check it with: gong-privacy crm status {} {}",
                deletion.integration_id, deletion.client_request_id
            );
            eprintln!(
                "Waiting for Gong to finish (it may take up to 24 hours; giving up after {}); \
                 Ctrl-C stops waiting, not the deletion.",
                humantime::format_duration(*wait_timeout)
            );
            let options = WaitOptions {
                deadline: *wait_timeout,
                initial_interval: *poll_interval,
                max_interval: *poll_interval,
            };
            let started = Instant::now();
            let mut last: Option<CrmRequestState> = None;
            let json = cli.json;
            let waiting = client.wait_for_crm_deletion_with(&deletion, &options, |status| {
                if last.as_ref() == Some(&status.state) {
                    return;
                }
                last = Some(status.state.clone());
                if json {
                    emit(&status_json(
                        deletion.integration_id,
                        &deletion.client_request_id,
                        status,
                    ));
                } else {
                    let after = Duration::from_secs(started.elapsed().as_secs());
                    say!(
                        "{} (after {})",
                        status.state,
                        humantime::format_duration(after)
                    );
                    for error in status.errors() {
                        say!("  {error}");
                    }
                }
            });
            let result = tokio::select! {
                result = waiting => result,
                _ = tokio::signal::ctrl_c() => {
                    eprintln!("Interrupted: stopped waiting; the deletion goes on at Gong; {check_later}");
                    return Ok(exit::INTERRUPTED);
                }
            };
            match result {
                Ok(_) => Ok(exit::DONE),
                Err(error @ Error::CrmWaitTimedOut { .. }) => Err(Failure {
                    code: exit::WAIT_TIMEOUT,
                    message: format!(
                        "{error} after {}; the deletion goes on at Gong; {check_later}",
                        humantime::format_duration(*wait_timeout)
                    ),
                }),
                Err(error) => Err(Failure::from_sdk(error)),
            }
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
                emit(&status_json(*integration_id, client_request_id, &status));
            } else {
                say!("{}", status.state);
                for error in status.errors() {
                    say!("  {error}");
                }
            }
            Ok(if status.state == CrmRequestState::Failed {
                exit::FAILED
            } else {
                exit::DONE
            })
        }
    }
}

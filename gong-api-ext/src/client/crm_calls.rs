//! [`GongClient`]'s CRM-teardown calls: list, delete (one `clientRequestId` per logical
//! delete, reused across retries), status and waiting. Apart from the client's core so that
//! the CRM types (`crm`) need nothing of the client.

use gong_api::progenitor_client;
use gong_api::types;
use reqwest::StatusCode;

use super::{GongClient, call, into_error, trace_id, unsettled};
use crate::client::crm::{CrmDeletion, CrmRequestState, CrmRequestStatus, WaitOptions};
use crate::error::{Error, InputKind, InvalidInput};
use crate::wire::trace::traced;

impl GongClient {
    /// The company's generic CRM integrations (`GET /crm/integrations`, scope
    /// `api:crm:integrations:read`).
    pub async fn list_crm_integrations(&self) -> Result<types::CrmIntegrations, Error> {
        let raw = &self.shared.raw;
        let response = call(
            "list_generic_crm_integration",
            raw.list_generic_crm_integration(),
        )
        .await?;
        Ok(response.into_inner())
    }

    /// Registers the deletion of a generic CRM integration and all its CRM objects
    /// (`DELETE /crm/integrations`, scope `api:crm:integration:delete`).
    ///
    /// One `clientRequestId` is generated per call and reused on every retry, so a retry can
    /// never register a second request. When an attempt fails ambiguously (timeout, reset, 5xx)
    /// and the retry is answered 409 "client request id has already been used", the first
    /// attempt was registered: the result is a success with `confirmed_by_conflict` set. A 409
    /// on a first attempt is an error.
    pub async fn delete_crm_integration(&self, integration_id: i64) -> Result<CrmDeletion, Error> {
        let id = self.new_client_request_id();
        self.delete_crm_integration_with_request_id(integration_id, &id)
            .await
    }

    /// A fresh `clientRequestId` from the client's source (random unless
    /// [`client_request_id_source`](crate::GongClientBuilder::client_request_id_source) set
    /// one), for [`delete_crm_integration_with_request_id`](Self::delete_crm_integration_with_request_id)
    /// when the id must be known whatever happens: a deletion whose answer was lost
    /// ([`Error::may_have_taken_effect`]) can then be checked with
    /// [`crm_request_status`](Self::crm_request_status), or sent again with the same id.
    pub fn new_client_request_id(&self) -> String {
        (self.shared.client_request_ids)()
    }

    /// [`delete_crm_integration`](Self::delete_crm_integration) with a `clientRequestId` of
    /// your own (letters, digits, `-`, `_`), e.g. one recorded before a crash to resume the
    /// same deletion. Use an id for one logical deletion only: a 409 answered after an
    /// ambiguous attempt is taken as confirmation that *this* id was registered, which is
    /// wrong if the id was already used for something else.
    pub async fn delete_crm_integration_with_request_id(
        &self,
        integration_id: i64,
        client_request_id: &str,
    ) -> Result<CrmDeletion, Error> {
        check_integration_id(integration_id)?;
        let typed = parse_client_request_id(client_request_id)?;
        let raw = &self.shared.raw;
        let (result, trace) =
            traced(raw.delete_generic_crm_integration(&typed, integration_id)).await;
        let deletion = |request_id, confirmed_by_conflict| CrmDeletion {
            integration_id,
            client_request_id: client_request_id.to_owned(),
            request_id,
            confirmed_by_conflict,
        };
        match result {
            Ok(response) => {
                let header_id = trace_id(response.headers());
                Ok(deletion(
                    response.into_inner().request_id.or(header_id),
                    false,
                ))
            }
            Err(progenitor_client::Error::ErrorResponse(response))
                if response.status() == StatusCode::CONFLICT && trace.ambiguous_before_last =>
            {
                let header_id = trace_id(response.headers());
                tracing::info!(
                    integration_id,
                    attempts = trace.attempts,
                    "409 after an ambiguous attempt: the earlier attempt was registered"
                );
                Ok(deletion(
                    response.into_inner().request_id.or(header_id),
                    true,
                ))
            }
            Err(e) => Err(unsettled(
                into_error(e, "delete_generic_crm_integration", &trace).await,
                "delete_generic_crm_integration",
                &trace,
            )),
        }
    }

    /// The status of a CRM request (`GET /crm/request-status`, scope `api:crm:upload`).
    pub async fn crm_request_status(
        &self,
        integration_id: i64,
        client_request_id: &str,
    ) -> Result<CrmRequestStatus, Error> {
        check_integration_id(integration_id)?;
        let typed = parse_client_request_id(client_request_id)?;
        let raw = &self.shared.raw;
        let response = call(
            "get_request_status",
            raw.get_request_status(&typed, integration_id),
        )
        .await?;
        let header_id = trace_id(response.headers());
        let body = response.into_inner();
        let request_id = body.request_id.clone().or(header_id);
        Ok(CrmRequestStatus::from_response(body, request_id))
    }

    /// Polls the deletion's status, with pauses doubling from `initial_interval` to
    /// `max_interval`, until it is `DONE` (returned), `FAILED`
    /// ([`Error::CrmRequestFailed`]) or the deadline passes ([`Error::CrmWaitTimedOut`]).
    /// [`wait_for_crm_deletion_with`](Self::wait_for_crm_deletion_with) also reports every
    /// status read.
    pub async fn wait_for_crm_deletion(
        &self,
        deletion: &CrmDeletion,
        options: &WaitOptions,
    ) -> Result<CrmRequestStatus, Error> {
        self.wait_for_crm_deletion_with(deletion, options, |_| {})
            .await
    }

    /// [`wait_for_crm_deletion`](GongClient::wait_for_crm_deletion), calling `on_status` with
    /// every status read (before the pause that follows it), e.g. to show progress.
    ///
    /// ```no_run
    /// use gong_api_ext::{GongClient, WaitOptions};
    ///
    /// # async fn run() -> Result<(), gong_api_ext::Error> {
    /// let client = GongClient::from_env()?;
    /// let deletion = client.delete_crm_integration(5517027188234205706).await?;
    /// let mut last = None;
    /// client
    ///     .wait_for_crm_deletion_with(&deletion, &WaitOptions::default(), |status| {
    ///         if last.as_ref() != Some(&status.state) {
    ///             println!("{}", status.state);
    ///             last = Some(status.state.clone());
    ///         }
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_crm_deletion_with(
        &self,
        deletion: &CrmDeletion,
        options: &WaitOptions,
        mut on_status: impl FnMut(&CrmRequestStatus) + Send,
    ) -> Result<CrmRequestStatus, Error> {
        let deadline = tokio::time::Instant::now() + options.deadline;
        let mut interval = options.initial_interval;
        loop {
            let status = self
                .crm_request_status(deletion.integration_id, &deletion.client_request_id)
                .await?;
            on_status(&status);
            match status.state {
                CrmRequestState::Done => return Ok(status),
                CrmRequestState::Failed => {
                    return Err(Error::CrmRequestFailed {
                        client_request_id: deletion.client_request_id.clone(),
                        errors: status.errors(),
                        request_id: status.request_id,
                    });
                }
                _ => {}
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::CrmWaitTimedOut {
                    client_request_id: deletion.client_request_id.clone(),
                    last_status: status.state.to_string(),
                });
            }
            tracing::debug!(state = %status.state, wait_ms = interval.as_millis() as u64, "CRM request not finished");
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = (interval * 2).min(options.max_interval);
        }
    }
}

fn check_integration_id(integration_id: i64) -> Result<(), InvalidInput> {
    if integration_id > 0 {
        Ok(())
    } else {
        Err(InvalidInput::new(
            InputKind::IntegrationId,
            &integration_id.to_string(),
            "Gong's integration ids are positive",
        ))
    }
}

fn parse_client_request_id(id: &str) -> Result<types::ClientRequestId, InvalidInput> {
    id.parse().map_err(|_| {
        InvalidInput::new(
            InputKind::ClientRequestId,
            id,
            "only letters, digits, '-' and '_' are allowed, at least one",
        )
    })
}

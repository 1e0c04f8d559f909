//! The raw client for Gong's data-privacy and CRM-integration API.
//!
//! Everything but this file is generated from `openapi/gong-api.yaml` by `cargo xtask generate`
//! (see the repository README): one method per operation of the spec, with the spec's names.
//! Most users want `gong-api-ext`, which validates inputs, authenticates, retries and types
//! errors; this crate is the spec, as code, and nothing more.
//!
//! ```no_run
//! # async fn run() -> Result<(), gong_api::Error<gong_api::types::ErrorResponse>> {
//! let client = gong_api::Client::new("https://api.gong.io/v2", gong_api::Inner::default());
//! let receipt = client.purge_email_address("jane@example.com").await?;
//! println!("erase requested: {:?}", receipt.request_id);
//! # Ok(()) }
//! ```
//!
//! # The executor hook
//!
//! progenitor has no middleware; its extension point is [`ClientHooks`](progenitor_client::ClientHooks),
//! which must be implemented here (the orphan rule). So this crate implements it once, and hands
//! every attempt to an [`Executor`] carried in the client's [`Inner`] value. An executor sees the
//! raw `reqwest` request and response of every attempt — undocumented statuses, HTML error pages
//! and all — which is what retries and rate limiting need. This crate ships no policy: without an
//! executor a request is sent once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::OperationInfo;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_imports,
    dead_code,
    missing_docs,
    rustdoc::all
)]
#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use progenitor_client;
pub use reqwest;

#[cfg(feature = "mock")]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused_imports,
    dead_code,
    missing_docs,
    rustdoc::all
)]
#[rustfmt::skip]
mod generated_mock;

/// Typed mocks of every operation (cargo feature `mock`), generated with the client.
///
/// [`MockServerExt`](mock::MockServerExt) adds one method per operation to an
/// [`httpmock::MockServer`], named like the client's: `when`
/// takes the operation's parameters with their types, `then` its documented statuses with
/// their response types (`ok`, `bad_request`, `too_many_requests`, …). A route or field that
/// does not exist is a compile error, and a spec change that reshapes a response changes the
/// types the test must build. The server stands in for Gong's host: point the raw client at
/// `{server}/v2` (as Gong's base URL ends in `/v2`), or `gong-api-ext` at the server itself.
///
/// ```
/// use gong_api::mock::{MockServerExt, httpmock::MockServer};
/// use gong_api::types;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::start_async().await;
/// let erase = server.purge_email_address(|when, then| {
///     when.email_address("jane@example.com");
///     then.ok(&types::RequestIdResponse {
///         request_id: Some("4al018gzaztcr8nbukw".into()),
///         extra: Default::default(),
///     });
/// });
/// let client = gong_api::Client::new(&server.url("/v2"), gong_api::Inner::default());
/// let receipt = client.purge_email_address("jane@example.com").await.unwrap();
/// assert_eq!(receipt.request_id.as_deref(), Some("4al018gzaztcr8nbukw"));
/// erase.assert_async().await;
/// # }
/// ```
#[cfg(feature = "mock")]
pub mod mock {
    pub use crate::generated_mock::*;
    pub use httpmock;
}

/// A boxed, sendable future, as [`Executor::execute`] returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one request on behalf of the generated client.
///
/// Implement it to add cross-cutting policy (retries, rate limiting, tracing) below the typed
/// layer. `operation_id` is the generated method's name (e.g. `purge_email_address`).
pub trait Executor: Send + Sync + fmt::Debug {
    /// Sends `request` with `client` (possibly several times) and returns the final response.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The client's extension state: an optional [`Executor`].
#[derive(Clone, Debug, Default)]
pub struct Inner {
    executor: Option<Arc<dyn Executor>>,
}

impl Inner {
    /// Routes every request through `executor`.
    pub fn with_executor(executor: Arc<dyn Executor>) -> Self {
        Self {
            executor: Some(executor),
        }
    }
}

impl progenitor_client::ClientHooks<Inner> for Client {
    /// Drops the `api-version` header progenitor adds to every request: Gong does not document
    /// it, and the spec's `info.version` is not an API version Gong reads.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner.executor {
            Some(executor) => {
                executor
                    .execute(&self.client, request, info.operation_id)
                    .await
            }
            None => self.client.execute(request).await,
        }
    }
}

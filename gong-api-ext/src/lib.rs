//! The Rust SDK for Gong's data-privacy and CRM-integration API: find and erase a person's data
//! in Gong (GDPR/CCPA erasure requests) and tear down CRM integrations.
//!
//! Built on the generated [`gong_api`] client, it adds what a destructive API needs:
//!
//! - **Validated inputs.** [`PhoneNumber`] and [`EmailAddress`] reject anything ambiguous (an
//!   extension, a trunk prefix after the country code, a second `@`, a domain no host can have)
//!   *before* any network call, with an error naming the input and the rule it broke. Phone
//!   numbers are read with libphonenumber's numbering plans and sent as it reads them; email
//!   domains are checked as hostnames (IDNA) and addresses normalised to NFC.
//! - **Auth and configuration.** Basic (access key + secret), Bearer, or any
//!   [`TokenProvider`] asked before every attempt — with the `oauth` feature, Gong's OAuth with
//!   rotating refresh tokens and each customer's own API host (see `oauth`). Secrets are
//!   redacted from `Debug`, errors and logs; `https` only (plain `http` for loopback mocks).
//! - **Retries** at the request-execution layer, so every attempt's status is seen: 408, 429,
//!   5xx, connection failures and broken answers (a success whose body breaks off or carries
//!   no `requestId`), with exponential backoff and jitter, `Retry-After` honoured exactly up to
//!   a cap (see [`RetryConfig`]). 400 and 401 are never retried.
//! - **Only Gong's answer counts**: redirects are never followed ([`Error::Redirected`]),
//!   bodies are capped ([`GongClientBuilder::max_response_bytes`]), and error messages quote
//!   unexpected bodies only in short, PII-free excerpts.
//! - **Rate limiting** shared by every clone of a client, and through a [`QuotaStore`] by every
//!   process (a local file) or machine (Redis) of the company: Gong's 3 calls per second with no
//!   burst, a pause of every user when Gong answers 429, an adaptive share when other
//!   integrations draw on the same limit, and a daily budget that fails fast (see
//!   [`RateLimiter`] and [`quota`]).
//! - **Bulk erasure** ([`GongClient::erase_many`]) with bounded concurrency at the rate limit,
//!   one outcome per input (invalid and duplicate subjects included), and a lookup-first dry
//!   run ([`GongClient::lookup_many`]).
//! - **Typed errors** ([`Error`]) that keep Gong's `requestId`, `errors[]` and `Retry-After`.
//! - **Safe CRM teardown**: one `clientRequestId` per logical delete, reused across retries,
//!   and a 409 after an ambiguous attempt understood as success.
//!
//! Cargo features: `numbering-plan`, **on by default**, reads phone numbers with
//! libphonenumber's numbering plans (the `rlibphonenumber` port, metadata included) and sends
//! the number it reads; `default-features = false` gives a syntax-only build for callers who
//! validate numbers elsewhere (see [`PhoneNumber::parse`] for what it does not catch). Off by
//! default: `testing` (a request recorder for your own snapshot tests, see `testing`), `oauth`
//! (Gong's OAuth flow, token provider and token stores, see `oauth`), `file-store` and `redis`
//! (quota stores shared between processes, see [`quota`]) and `lifecycle` (look up, guard, erase,
//! verify as storable serde types, see `lifecycle`). The `gong-privacy` command-line tool, batch
//! files, the audit journal and the evidence report live in the `gong-privacy` crate, built on
//! this one's public API.
//!
//! ```no_run
//! use gong_api_ext::{GongClient, PhoneNumber};
//!
//! # async fn run() -> Result<(), gong_api_ext::Error> {
//! let client = GongClient::builder()
//!     .base_url("https://us-55616.api.gong.io")
//!     .basic_auth("ACCESS_KEY", "ACCESS_KEY_SECRET")
//!     .build()?;
//!
//! let number = PhoneNumber::parse("+1 (425) 555-2671")?;
//! let found = client.find_references_by_phone(&number).await?;
//! println!("{} calls reference {number}", found.calls.len());
//!
//! let receipt = client.erase_phone_number(&number).await?;
//! println!("erasure requested: {}", receipt.request_id);
//!
//! let deletion = client.delete_crm_integration(5517027188234205706).await?;
//! let status = client
//!     .wait_for_crm_deletion(&deletion, &Default::default())
//!     .await?;
//! println!("CRM integration deletion: {}", status.state);
//! # Ok(()) }
//! ```
//!
//! # Layers
//!
//! The crate is built in layers, each using only those below it (a test,
//! `tests/import_graph`, fails on a `use` that points up):
//!
//! 1. **ground**: [`Error`] and its parts (`error`), and the validated inputs (`identity`:
//!    [`PhoneNumber`], [`EmailAddress`], [`Subject`]);
//! 2. **wire**: reading Gong's answers (`wire`: success bodies, receipts, PII-free excerpts, the
//!    base URL and transport defaults);
//! 3. **policy**: what to do about an answer and when to send (`policy`: [`retry`], the
//!    [`RateLimiter`]'s pacing, the daily [`quota`] and its stores);
//! 4. **auth**: keys, tokens and their providers ([`Credentials`], [`TokenProvider`], and OAuth
//!    with the `oauth` feature);
//! 5. **client**: configuration, the [`GongClient`], its request executor, CRM teardown and bulk
//!    erasure (`client`);
//! 6. **lifecycle** on top: look up, guard, erase, verify as storable types (feature
//!    `lifecycle`), and the `testing` kit beside it.

#![warn(missing_docs)]

mod auth;
mod client;
mod error;
mod identity;
#[cfg(feature = "lifecycle")]
pub mod lifecycle;
mod policy;
#[cfg(feature = "testing")]
pub mod testing;
mod wire;

#[cfg(feature = "oauth")]
pub use auth::oauth;
pub use auth::{Authorization, Credentials, TokenProvider};
pub use client::GongClient;
pub use client::bulk::{
    BulkOptions, BulkOutcome, BulkStatus, ErasureOutcome, LookupOutcome, LookupSummary, Progress,
    ProgressCallback, ReferenceCounts,
};
pub use client::config::{GongClientBuilder, env};
pub use client::crm::{CrmDeletion, CrmRequestState, CrmRequestStatus, WaitOptions};
pub use error::{AnswerFault, ApiError, AuthError, Error, InputKind, InvalidInput};
pub use gong_api::types;
pub use identity::email::{EmailAddress, IntoEmailAddress};
pub use identity::phone::{IntoPhoneNumber, PhoneNumber};
pub use identity::subject::Subject;
pub use policy::quota::QuotaStore;
pub use policy::rate_limit::{RateLimitConfig, RateLimiter};
pub use policy::retry::RetryConfig;
pub use policy::{quota, retry};
pub use wire::endpoint::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    USER_AGENT,
};
pub use wire::receipt::ErasureReceipt;

/// The boxed future [`TokenProvider`] methods return.
pub use gong_api::BoxFuture;
/// The `reqwest` this crate is built with, for [`GongClientBuilder::http_client`].
pub use reqwest;
/// The `secrecy` this crate holds secrets with ([`SecretString`](secrecy::SecretString)).
pub use secrecy;

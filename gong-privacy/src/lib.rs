//! The `gong-privacy` application's library: what its `erase --from FILE`, `verify`, `report`
//! and `export` are made of, for programs that run batches of their own. It is built on the
//! SDK, [`gong_api_ext`], through its public API only.
//!
//! - [`batch`]: strict batch-file reading (CSV or a plain list, UTF-8/UTF-16), run identity and
//!   the crash-safe, locked audit journal that batches resume from.
//! - [`report`]: the evidence report of a journaled run (self-contained HTML from compile-time
//!   `askama` templates, JSON, CSV; subjects optionally replaced by HMAC-SHA-256) and the
//!   access-request export, each file written atomically.
//!
//! The command-line tool itself (feature `cli`, on by default) is the `gong-privacy` binary.

#![warn(missing_docs)]

pub mod batch;
pub mod report;

/// The guides, compiled: every ```rust block of README.md and docs/*.md is a doctest of this
/// crate (`tests/docs.rs` checks that each guide is listed here, and their links and commands).
#[cfg(doctest)]
pub mod guides {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../docs/sdk.md")]
    pub struct Sdk;
    #[doc = include_str!("../../docs/identity.md")]
    pub struct Identity;
    #[doc = include_str!("../../docs/erasing.md")]
    pub struct Erasing;
    #[doc = include_str!("../../docs/pacing-and-quota.md")]
    pub struct PacingAndQuota;
    #[doc = include_str!("../../docs/proof-and-export.md")]
    pub struct ProofAndExport;
    #[doc = include_str!("../../docs/oauth.md")]
    pub struct Oauth;
    #[doc = include_str!("../../docs/testing-kit.md")]
    pub struct TestingKit;
    #[doc = include_str!("../../docs/ci.md")]
    pub struct Ci;
    #[doc = include_str!("../../docs/regenerating.md")]
    pub struct Regenerating;
}

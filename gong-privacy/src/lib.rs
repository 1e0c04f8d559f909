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

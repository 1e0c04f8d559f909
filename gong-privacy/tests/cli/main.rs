//! `gong-privacy` end to end: the real binary against local mocks of Gong that record what was
//! sent. One test binary, several files.

mod auth;
mod auth_scopes;
mod auth_timing;
mod basics;
mod corpus;
mod invariant;
#[path = "../../../gong-api-ext/tests/support/oauth_mock.rs"]
mod oauth_mock;
mod pre_move_journal;
mod proof;
mod quota;
#[cfg(feature = "redis")]
mod quota_redis;
mod quota_shared;
mod resume;
mod single;
mod spelling;
mod stops;
mod util;

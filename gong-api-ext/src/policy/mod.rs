//! Policy layer: what to do about an answer and when to send the next request. [`retry`]
//! classifies answers and backs off, [`rate_limit`] paces every clone of a client, and
//! [`quota`] shares the pace and the daily budget through a store.

pub mod quota;
pub(crate) mod rate_limit;
pub(crate) mod refusal;
pub mod retry;

//! Wire layer: reading what Gong answers (a success body and its `requestId`, receipts,
//! PII-free excerpts of unexpected bodies), and where requests go (the base URL, transport
//! defaults). Nothing here decides whether to retry or wait: that is `policy`.

pub(crate) mod answer;
pub(crate) mod endpoint;
pub(crate) mod excerpt;
pub(crate) mod outcome;
pub(crate) mod receipt;
pub(crate) mod trace;

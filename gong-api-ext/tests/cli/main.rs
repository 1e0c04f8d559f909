//! `gong-privacy` end to end: the real binary against local mocks of Gong that record what was
//! sent. One test binary, several files.

mod basics;
mod corpus;
mod invariant;
mod proof;
mod resume;
mod stops;
mod util;

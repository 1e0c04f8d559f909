//! `erase` and `lookup`: one subject ([`single`]), or a batch file ([`batch`]) planned
//! ([`plan`]) and optionally looked up first without erasing ([`dry_run`]).

pub mod batch;
pub mod dry_run;
pub mod plan;
pub mod record;
pub mod single;
pub mod single_journal;

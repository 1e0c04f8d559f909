//! `erase` and `lookup`: one subject ([`single`]), or a batch file ([`batch`]) planned
//! ([`plan`]) and optionally looked up first without erasing ([`dry_run`]); each says how a
//! subject sent otherwise than written was written ([`spelling`]).

pub mod batch;
pub mod dry_run;
pub mod plan;
pub mod record;
pub mod single;
pub mod single_journal;
pub mod spelling;

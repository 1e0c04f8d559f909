//! One module per subcommand: each takes the parsed [`Cli`](crate::cli::args::Cli) and its own
//! arguments and returns an [`Outcome`](crate::cli::Outcome) (an exit code, or why it stopped).

pub mod auth;
pub mod crm;
pub mod doctor;
pub mod erase;
pub mod export;
pub mod report;
pub mod verify;

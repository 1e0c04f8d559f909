//! The scopes a command needs, derived from the operations it will send (the SDK's
//! [`Operation`] table, and the lifecycle's own plan of an erasure: a preview is a lookup).
//! The same derivation serves the check before any request with an OAuth login
//! ([`crate::cli::credentials`]) and `doctor`'s list of what each form of each command needs.

use clap::Parser as _;
use gong_api_ext::lifecycle::Erasure;
use gong_api_ext::{Operation, Subject};

use crate::cli::args::{Cli, Command, CrmCommand, Target};

/// A valid subject of `target`'s kind: the command checks the subject itself before any
/// request, and only its kind decides the operation.
fn example(target: &Target) -> Subject {
    let text = match target {
        Target::Email { .. } => "subject@example.com",
        Target::Phone { .. } => "+14255552671",
    };
    Subject::parse(text).expect("the examples are valid")
}

/// A subject of each kind. A batch's kinds are not known when its client is built (nor a
/// journal's for `verify`), so it is planned for both; both kinds need the same scopes.
fn each_kind() -> [Subject; 2] {
    [
        example(&Target::Email {
            address: String::new(),
        }),
        example(&Target::Phone {
            number: String::new(),
        }),
    ]
}

/// The operations `command` will send (each kind once; retries and repeats do not matter
/// for scopes).
pub fn operations(command: &Command) -> Vec<Operation> {
    let lookups = |subjects: &[Subject]| subjects.iter().map(Operation::lookup).collect();
    match command {
        Command::Lookup(target) => lookups(&[example(target)]),
        Command::Erase(args) => match (&args.target, &args.from) {
            (Some(target), _) => Erasure::planned_operations(&example(target), !args.no_preview),
            (None, Some(_)) if args.dry_run => lookups(&each_kind()),
            (None, _) => each_kind()
                .iter()
                .flat_map(|s| Erasure::planned_operations(s, !args.no_preview))
                .collect(),
        },
        Command::Verify(_) => each_kind()
            .iter()
            .flat_map(Erasure::verify_operations)
            .collect(),
        Command::Export(args) => match &args.target {
            Some(target) => lookups(&[example(target)]),
            None => lookups(&each_kind()),
        },
        Command::Crm(CrmCommand::List) => vec![Operation::ListCrmIntegrations],
        Command::Crm(CrmCommand::Delete { wait, .. }) => {
            let status = wait.then_some(Operation::CrmRequestStatus);
            [Operation::DeleteCrmIntegration]
                .into_iter()
                .chain(status)
                .collect()
        }
        Command::Crm(CrmCommand::Status { .. }) => vec![Operation::CrmRequestStatus],
        // `--probe` sends one lookup of an email address.
        Command::Doctor { probe: true } => vec![Operation::FindReferencesByEmail],
        Command::Doctor { probe: false }
        | Command::Report(_)
        | Command::Auth(_)
        | Command::Completions { .. }
        | Command::Man => Vec::new(),
    }
}

/// The forms of the commands `doctor` checks, as a user types them: each is parsed by the CLI's
/// own parser and planned by [`operations`], so `doctor` and the commands cannot disagree.
pub const FORMS: &[(&str, &[&[&str]])] = &[
    (
        "lookup email|phone",
        &[&["lookup", "email", "x"], &["lookup", "phone", "x"]],
    ),
    (
        "erase email|phone",
        &[&["erase", "email", "x"], &["erase", "phone", "x"]],
    ),
    (
        "erase email|phone --no-preview",
        &[
            &["erase", "email", "x", "--no-preview"],
            &["erase", "phone", "x", "--no-preview"],
        ],
    ),
    ("erase --from FILE", &[&["erase", "--from", "f"]]),
    (
        "erase --from FILE --no-preview",
        &[&["erase", "--from", "f", "--no-preview"]],
    ),
    (
        "erase --from FILE --dry-run",
        &[&["erase", "--from", "f", "--dry-run"]],
    ),
    ("verify JOURNAL", &[&["verify", "j"]]),
    (
        "export",
        &[&["export", "email", "x"], &["export", "--from", "f"]],
    ),
    ("crm list", &[&["crm", "list"]]),
    ("crm delete", &[&["crm", "delete", "1"]]),
    ("crm delete --wait", &[&["crm", "delete", "1", "--wait"]]),
    ("crm status", &[&["crm", "status", "1", "r"]]),
    ("doctor --probe", &[&["doctor", "--probe"]]),
];

/// The operations of one of [`FORMS`].
pub fn form_operations(argvs: &[&[&str]]) -> Vec<Operation> {
    argvs
        .iter()
        .flat_map(|argv| {
            let cli =
                Cli::try_parse_from(std::iter::once("gong-privacy").chain(argv.iter().copied()))
                    .unwrap_or_else(|e| panic!("doctor's form {argv:?} does not parse: {e}"));
            operations(&cli.command)
        })
        .collect()
}

#[cfg(test)]
mod tests;

//! The calls an [`Erasure`]'s steps send, as [`Operation`]s: what a caller checks its
//! credentials' scopes against before the first request (a preview is a lookup, so an erasure
//! with its preview needs the read scope as well as the delete scope).

use super::Erasure;
use crate::identity::subject::Subject;
use crate::wire::operation::Operation;

impl Erasure {
    /// The operations [`run`](Self::run) sends for `subject` when none is retried, in order:
    /// the lookup (when `preview`), then the erasure. [`calls`](Self::calls) counts them.
    pub fn planned_operations(subject: &Subject, preview: bool) -> Vec<Operation> {
        let lookup = preview.then(|| Operation::lookup(subject));
        lookup
            .into_iter()
            .chain([Operation::erase(subject)])
            .collect()
    }

    /// The operation [`verify`](Self::verify) sends for `subject`: a lookup.
    pub fn verify_operations(subject: &Subject) -> Vec<Operation> {
        vec![Operation::lookup(subject)]
    }
}

#[cfg(test)]
mod tests;

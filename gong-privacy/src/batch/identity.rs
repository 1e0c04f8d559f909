//! What identifies a run: the operation and the SHA-256 of its input, and the generation after
//! restarts. Its own room, below both the journal that records it and the run logic that
//! chooses it.

/// What identifies a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunIdentity {
    /// What the run does (`erase`).
    pub operation: String,
    /// SHA-256 of the input's bytes, lower-case hex.
    pub input_sha256: String,
    /// 1, then one more for each restart of the same input.
    pub generation: u32,
}

impl RunIdentity {
    /// The run's id: `OPERATION-` and the first 16 hex digits of the input's SHA-256, then
    /// `.N` for the N-th generation after a restart. Treat it as opaque.
    pub fn run_id(&self) -> String {
        let hash = self.input_sha256.get(..16).unwrap_or(&self.input_sha256);
        if self.generation > 1 {
            format!("{}-{hash}.{}", self.operation, self.generation)
        } else {
            format!("{}-{hash}", self.operation)
        }
    }
}

//! `--check`: regenerate in memory and compare with what is committed.

use std::path::Path;

use similar::TextDiff;

use crate::pipeline::{Output, path_of};

/// One generated file whose committed contents differ from a fresh generation.
pub struct Drift {
    pub path: &'static str,
    /// A unified diff from the committed file to the regenerated one.
    pub diff: String,
}

/// Compares `outputs` with the files below `root`.
pub fn drift(root: &Path, outputs: &[Output]) -> Vec<Drift> {
    outputs
        .iter()
        .filter_map(|out| {
            let committed = std::fs::read_to_string(path_of(root, out.path)).unwrap_or_default();
            (committed != out.contents).then(|| Drift {
                path: out.path,
                diff: TextDiff::from_lines(&committed, &out.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{} (committed)", out.path),
                        &format!("{} (regenerated)", out.path),
                    )
                    .to_string(),
            })
        })
        .collect()
}

//! The change report a regeneration prints and appends to `openapi/CHANGELOG.md`: the spec
//! changes by rule ([`crate::changes`]), the diff of `gong-api`'s public Rust API
//! ([`crate::rust_api`]), whether the two agree, and the versions to give `gong-api` and
//! `gong-api-ext`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::changes::{self, Row};
use crate::error::{Error, Result};
use crate::pipeline::{self, BUNDLED, GENERATED, Generation, MANIFEST};
use crate::{manifest, rust_api};

/// The changelog the reviewer commits with each regeneration.
pub const CHANGELOG: &str = "openapi/CHANGELOG.md";

const CHANGELOG_HEADER: &str = "\
# Changes to the bundled Gong API spec

`cargo xtask upstream FILE` and `cargo xtask generate` append an entry whenever
`openapi/gong-api.yaml` changes: what changed in the spec, whether it breaks code calling
`gong-api`, the diff of `gong-api`'s public Rust API and the versions to release. Commit each
entry with the change it describes. Newest last.
";

/// The report (Markdown: printed to stdout and appended to [`CHANGELOG`]) for `generation`
/// against the committed files below `root`, or `None` when the bundled spec does not change
/// (or nothing is committed yet). `command` heads the entry.
pub fn for_generation(
    root: &Path,
    generation: &Generation,
    command: &str,
) -> Result<Option<String>> {
    let committed = |rel: &str| std::fs::read_to_string(pipeline::path_of(root, rel)).ok();
    let output = |rel: &str| {
        generation
            .outputs
            .iter()
            .find(|o| o.path == rel)
            .map(|o| o.contents.as_str())
            .expect("every generation writes the bundle and the client")
    };
    let (Some(old_bundle), Some(old_source)) = (committed(BUNDLED), committed(GENERATED)) else {
        return Ok(None);
    };
    let new_bundle = output(BUNDLED);
    if old_bundle == new_bundle {
        return Ok(None);
    }
    let old = crate::yaml::parse(&old_bundle, BUNDLED)?;
    let new = crate::yaml::parse(new_bundle, BUNDLED)?;
    let old_api = rust_api::public_api(&old_source).map_err(|e| e.with_file(GENERATED))?;
    let new_api = rust_api::public_api(output(GENERATED))?;
    let committed_manifest = committed(MANIFEST).unwrap_or_default();
    let dependencies = manifest::changes(&committed_manifest, &generation.dependencies)
        .into_iter()
        .map(|(added, line)| format!("{} {line}", if added { '+' } else { '-' }))
        .collect();
    let diffs = Diffs {
        rows: changes::diff(&old, &new),
        rust: rust_api::diff(&old_api, &new_api),
        dependencies,
    };
    Ok(Some(report(root, command, &old, &new, diffs)?))
}

/// What the report is made of.
struct Diffs {
    rows: Vec<Row>,
    rust: Vec<rust_api::Change>,
    /// Lines of gong-api's generated dependency block, `+ …` added and `- …` removed.
    dependencies: Vec<String>,
}

fn report(root: &Path, command: &str, old: &Value, new: &Value, diffs: Diffs) -> Result<String> {
    let Diffs {
        rows,
        rust,
        dependencies,
    } = diffs;
    let mut text = String::new();
    let _ = writeln!(text, "## {}: `{command}`\n", today());
    let version = |doc: &Value| {
        doc.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let _ = match (version(old), version(new)) {
        (was, now) if was == now => writeln!(text, "Spec `info.version` {now} (unchanged).\n"),
        (was, now) => writeln!(text, "Spec `info.version` {was} -> {now}.\n"),
    };

    let spec_breaking = rows.iter().filter(|r| r.breaking()).count();
    let _ = writeln!(
        text,
        "### Spec changes: {} ({spec_breaking} breaking for code calling gong-api)\n",
        rows.len()
    );
    if rows.is_empty() {
        text.push_str("None the rules see (descriptions, examples or other documentation).\n\n");
    } else {
        text.push_str("| verdict | rule | where | change | for code calling gong-api |\n");
        text.push_str("| --- | --- | --- | --- | --- |\n");
        for row in &rows {
            let rule = changes::rule_named(row.rule);
            let _ = writeln!(
                text,
                "| {} | {} | {} | {} | {} |",
                if rule.breaking {
                    "**breaking**"
                } else {
                    "non-breaking"
                },
                rule.name,
                cell(&row.place),
                cell(&row.change),
                rule.why
            );
        }
        text.push('\n');
    }

    let rust_breaking = rust.iter().filter(|c| c.breaking()).count();
    let _ = writeln!(
        text,
        "### gong-api's public Rust API: {} changes ({rust_breaking} breaking)\n",
        rust.len()
    );
    if !rust.is_empty() {
        text.push_str("```diff\n");
        for change in &rust {
            let _ = writeln!(text, "{}", change.line());
        }
        text.push_str("```\n\n");
    }
    if !dependencies.is_empty() {
        let _ = writeln!(
            text,
            "gong-api's dependencies follow the generated code (`{MANIFEST}`):\n\n```diff\n{}\n```\n",
            dependencies.join("\n")
        );
    }
    let (spec_says, rust_says) = (spec_breaking > 0, rust_breaking > 0);
    let _ = writeln!(
        text,
        "{}\n",
        match (spec_says, rust_says) {
            (true, true) => "The spec rules and the Rust API diff agree: **breaking**.",
            (false, false) => "The spec rules and the Rust API diff agree: not breaking.",
            (true, false) => {
                "The spec rules and the Rust API diff disagree: the rules say breaking, the \
                 generated API does not change incompatibly. The proposal follows the rules; \
                 review the rows."
            }
            (false, true) => {
                "The spec rules and the Rust API diff disagree: the generated API changes \
                 incompatibly where no rule says so. The proposal follows the Rust API diff; \
                 review it."
            }
        }
    );

    let breaking = spec_says || rust_says;
    let additive = !rows.is_empty() || !rust.is_empty();
    let api_version = crate_version(root, "gong-api/Cargo.toml")?;
    let ext_version = crate_version(root, "gong-api-ext/Cargo.toml")?;
    let exposed = exposes_gong_api(root);
    let uses = ext_uses(root, &rust);
    text.push_str("### Proposed versions\n\n");
    let _ = writeln!(
        text,
        "- gong-api {api_version} -> {}: {}",
        bump(&api_version, breaking, additive),
        why_bump(&api_version, breaking, additive)
    );
    let ext_breaking = breaking && !exposed.is_empty();
    let _ = write!(
        text,
        "- gong-api-ext {ext_version} -> {}: ",
        bump(&ext_version, ext_breaking, true)
    );
    if exposed.is_empty() {
        text.push_str("it depends on gong-api, but its public API does not expose it");
    } else {
        let _ = write!(
            text,
            "its public API exposes gong-api ({}), so gong-api's {} are its own; {}",
            exposed.join(", "),
            if breaking {
                "breaking changes"
            } else {
                "changes"
            },
            why_bump(&ext_version, ext_breaking, true)
        );
    }
    if uses.is_empty() {
        text.push_str(".\n");
    } else {
        let _ = writeln!(
            text,
            ". It uses items that change or go: {}; update it until `cargo build -p gong-api-ext` \
             passes, then recheck its own API.",
            uses.join(", ")
        );
    }
    Ok(text)
}

/// A table cell: `|` escaped, code spans kept.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The version after the change: a breaking change bumps the major number (the minor while
/// 0.x), an additive one the minor (the patch while 0.x), anything else the patch.
pub fn bump(version: &str, breaking: bool, additive: bool) -> String {
    let mut parts = version
        .split(['-', '+'])
        .next()
        .unwrap_or(version)
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    match (major, breaking, additive) {
        (0, true, _) => format!("0.{}.0", minor + 1),
        (_, true, _) => format!("{}.0.0", major + 1),
        (0, false, _) => format!("0.{minor}.{}", patch + 1),
        (_, false, true) => format!("{major}.{}.0", minor + 1),
        (_, false, false) => format!("{major}.{minor}.{}", patch + 1),
    }
}

fn why_bump(version: &str, breaking: bool, additive: bool) -> &'static str {
    match (version.starts_with("0."), breaking, additive) {
        (true, true, _) => "breaking; while 0.x, a breaking change bumps the minor number",
        (false, true, _) => "breaking: a new major version",
        (true, false, _) => "compatible; while 0.x, compatible changes bump the patch number",
        (false, false, true) => "compatible additions: a new minor version",
        (false, false, false) => "no API change: a new patch version",
    }
}

/// `version = "…"` of a crate's `[package]`.
fn crate_version(root: &Path, manifest: &str) -> Result<String> {
    let text = pipeline::read(root, manifest)?;
    text.lines()
        .find_map(|l| {
            let value = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| Error::in_file(manifest, "no `version = \"…\"` line in [package]"))
}

/// The Rust files of gong-api-ext's library and binaries, as (path below the crate, text).
fn ext_sources(root: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                out.push((rel.display().to_string(), text));
            }
        }
    }
    let base = root.join("gong-api-ext");
    let mut out = Vec::new();
    walk(&base.join("src"), &base, &mut out);
    out
}

/// Where gong-api-ext's public API exposes gong-api: its `pub use gong_api::…` re-exports and
/// public functions whose signature names a gong-api type.
fn exposes_gong_api(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for (file, text) in ext_sources(root) {
        for line in text.lines().map(str::trim) {
            let exposes = (line.starts_with("pub use gong_api::")
                || line.starts_with("pub fn ") && line.contains("gong_api::"))
                && !file.contains("/bin/");
            if exposes {
                out.push(format!(
                    "`{}` in {file}",
                    line.trim_end_matches([';', '{', ' '])
                ));
            }
        }
    }
    out
}

/// Which removed or changed items of gong-api gong-api-ext's sources name: `file (item, …)`.
fn ext_uses(root: &Path, rust: &[rust_api::Change]) -> Vec<String> {
    let names: Vec<(String, String)> = rust
        .iter()
        .filter_map(|c| match c {
            rust_api::Change::Removed { key, .. } | rust_api::Change::Changed { key, .. } => {
                let (kind, path) = key.split_once(' ')?;
                match kind {
                    "fn" => {
                        let method = path.rsplit("::").next()?;
                        Some((format!(".{method}("), method.to_owned()))
                    }
                    "struct" | "enum" => Some((path.to_owned(), path.to_owned())),
                    _ => None,
                }
            }
            rust_api::Change::Added { .. } => None,
        })
        .collect();
    let mut out = Vec::new();
    for (file, text) in ext_sources(root) {
        let used: Vec<&str> = names
            .iter()
            .filter(|(needle, _)| text.contains(needle.as_str()))
            .map(|(_, name)| name.as_str())
            .collect();
        if !used.is_empty() {
            out.push(format!("{file} (`{}`)", used.join("`, `")));
        }
    }
    out
}

/// Appends `report` to the changelog below `root`, creating it with its header.
pub fn append_to_changelog(root: &Path, report: &str) -> Result<()> {
    let path = pipeline::path_of(root, CHANGELOG);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| CHANGELOG_HEADER.to_owned());
    if !text.ends_with("\n\n") {
        text.push('\n');
    }
    text.push_str(report);
    std::fs::write(&path, text).map_err(|e| Error::in_file(CHANGELOG, format!("cannot write: {e}")))
}

/// Today's date (UTC) as `YYYY-MM-DD`; `SOURCE_DATE_EPOCH` (seconds) overrides the clock, for
/// reproducible entries.
fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 -> (year, month, day), in the proleptic Gregorian calendar (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver_with_0x_meaning_breaking_bumps_the_minor() {
        assert_eq!(bump("0.1.0", true, true), "0.2.0");
        assert_eq!(bump("0.1.3", false, true), "0.1.4");
        assert_eq!(bump("0.1.3", false, false), "0.1.4");
        assert_eq!(bump("1.4.2", true, true), "2.0.0");
        assert_eq!(bump("1.4.2", false, true), "1.5.0");
        assert_eq!(bump("1.4.2", false, false), "1.4.3");
        assert_eq!(bump("0.3.0-alpha.1", true, true), "0.4.0");
    }

    #[test]
    fn dates_are_civil_utc_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_782), (2026, 11, 25));
    }
}

//! `cargo xtask upstream FILE`: take Gong's next spec in one command.
//!
//! FILE (JSON or YAML, OpenAPI 3.0 or 3.1) is copied byte for byte to `openapi/upstream/`,
//! then our patches are applied to it. A patch that no longer applies, or that would now
//! overwrite something upstream defines itself, is reported with its index, JSON pointer and
//! what upstream has there now; the change report of the new upstream (with the patches that
//! still apply) is printed after that list, breaking verdicts included, so a removed endpoint
//! is never hidden; nothing else is written and the exit code is [`ROTTEN_PATCHES_EXIT`]:
//! fix `openapi/patches.yaml` and run `cargo xtask generate`. A `replace` or `remove` whose target upstream rewrote still applies
//! and gets a warning. Otherwise the caller goes on to generate and print the change report.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pipeline::{self, PATCHES, UPSTREAM, UPSTREAM_JSON};
use crate::{bundle, yaml};

/// The exit code of `cargo xtask upstream FILE` when patch operations no longer apply: the
/// file is vendored and the change report printed, nothing else is written.
pub const ROTTEN_PATCHES_EXIT: u8 = 3;

/// What vendoring found.
#[derive(Debug)]
pub struct Vendored {
    /// The label generation errors carry (`file` with the patches).
    pub label: String,
    /// The patch operations that no longer apply, one line each (none: all apply).
    pub rotten: Vec<String>,
}

/// Vendors `file` below `root`, and says which patch operations no longer apply to it.
pub fn vendor(root: &Path, file: &Path) -> Result<Vendored> {
    let name = file.display().to_string();
    let bytes =
        std::fs::read(file).map_err(|e| Error::in_file(&name, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Error::in_file(&name, "not UTF-8 text; OpenAPI documents are JSON or YAML"))?;
    let new = yaml::parse(&text, &name)?;
    check_version(&new, &name)?;

    let old = pipeline::upstream_file(root)
        .ok()
        .and_then(|rel| Some((rel, pipeline::read(root, rel).ok()?)))
        .and_then(|(rel, text)| yaml::parse(&text, rel).ok());
    let patches = bundle::parse_yaml(&pipeline::read(root, PATCHES)?, PATCHES)?;
    let rotten = bundle::apply_applicable(&mut new.clone(), &patches, PATCHES)?;

    let (target, other) = if is_json(&text) {
        (UPSTREAM_JSON, UPSTREAM)
    } else {
        (UPSTREAM, UPSTREAM_JSON)
    };
    std::fs::write(pipeline::path_of(root, target), &bytes)
        .map_err(|e| Error::in_file(target, format!("cannot write: {e}")))?;
    let _ = std::fs::remove_file(pipeline::path_of(root, other));
    eprintln!("vendored {name} as {target}");

    if let Some(old) = &old {
        for warning in bundle::changed_targets(old, &new, &patches) {
            eprintln!("warning: {PATCHES}: {warning}");
        }
    }
    Ok(Vendored {
        label: format!("{name} (with {PATCHES})"),
        rotten,
    })
}

/// JSON when the first character (after a byte-order mark and whitespace) opens an object.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Only OpenAPI 3.0.x and 3.1.x documents are taken.
fn check_version(doc: &Value, name: &str) -> Result<()> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v.starts_with("3.1.") => Ok(()),
        Some(v) => Err(Error::in_file(
            name,
            format!("/openapi: `{v}`: only OpenAPI 3.0.x and 3.1.x documents are supported"),
        )),
        None => Err(Error::in_file(
            name,
            "/openapi: missing: not an OpenAPI 3.0 or 3.1 document (Swagger 2.0 needs converting)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change_report::{CHANGELOG, bump};
    use crate::pipeline::{BUNDLED, GENERATED};
    use crate::test_support::{
        cargo_xtask, cargo_xtask_command, copy_checkout, outer_target_dir, testdata, text,
    };

    /// 2026-11-25, so the changelog entry's date is known.
    const EPOCH: &str = "1795564800";

    fn read(dir: &Path, rel: &str) -> String {
        std::fs::read_to_string(dir.join(rel)).unwrap_or_default()
    }

    fn version(dir: &Path, manifest: &str) -> String {
        let text = read(dir, manifest);
        let line = text.lines().find(|l| l.starts_with("version = ")).unwrap();
        line.trim_start_matches("version = ")
            .trim_matches('"')
            .to_owned()
    }

    /// The next upstream (`xtask/testdata/gong/upstream-next.json`: published as JSON, 3.1;
    /// a new operation with a date-time query and a uuid field, an optional field in
    /// `EmailDeleteRequest`, a new `DataReference.type` value) through `cargo xtask upstream`
    /// in a copy of the checkout: the report's rows and verdicts, the Rust API diff, the
    /// proposed versions and the changelog entry. Then `generate` reports a patch's change the
    /// same way, and `generate --check` reports without writing anything.
    #[test]
    fn a_new_upstream_is_vendored_generated_and_reported() {
        let copy = tempfile::tempdir().unwrap();
        let repo = copy.path();
        copy_checkout(repo);
        let target = outer_target_dir();
        let fixture = testdata("gong/upstream-next.json");
        let output = cargo_xtask_command(repo, &target, &["upstream", fixture.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}{stderr}");

        // Vendored byte for byte under the JSON name; the YAML one is gone.
        assert_eq!(
            std::fs::read(repo.join(UPSTREAM_JSON)).unwrap(),
            std::fs::read(&fixture).unwrap()
        );
        assert!(!repo.join(UPSTREAM).exists());
        assert!(stderr.contains(&format!(
            "vendored {} as {UPSTREAM_JSON}",
            fixture.display()
        )));
        assert!(
            read(repo, BUNDLED).contains(UPSTREAM_JSON),
            "the header names the file"
        );

        let api = version(repo, "gong-api/Cargo.toml");
        let ext = version(repo, "gong-api-ext/Cargo.toml");
        for expected in [
            format!(
                "## 2026-11-25: `cargo xtask upstream {}`\n\nSpec `info.version` 2.0.0 -> 2.1.0.",
                fixture.display()
            ),
            "### Spec changes: 4 (1 breaking for code calling gong-api)".into(),
            "| non-breaking | operation-added | GET /data-privacy/erasure-requests | \
             listErasureRequests | a new `Client` method |"
                .into(),
            "| **breaking** | request-field-added | schema `EmailDeleteRequest` (request) | \
             `.reason`, optional | struct literals of the request type must set it |"
                .into(),
            "| non-breaking | response-enum-value-added | schema `DataReference` (response) | \
             .type: \"Chat\" | response enums decode as strings (`lenient-enums`) |"
                .into(),
            "| non-breaking | schema-added | schema `ErasureRequests` | ErasureRequests |".into(),
            "+ fn Client::list_erasure_requests: async fn list_erasure_requests<'a>(&'a self, \
             cursor: Option<&'a str>, since: &'a ::chrono::DateTime<::chrono::offset::Utc>)"
                .into(),
            "+ field types::EmailDeleteRequest.reason: Option<String>  (breaking: struct \
             literals and exhaustive matches of an existing type)"
                .into(),
            "+ chrono = { version = \"0.4\"".into(),
            "+ uuid = { version = \"1\"".into(),
            "The spec rules and the Rust API diff agree: **breaking**.".into(),
            format!(
                "- gong-api {api} -> {}: breaking; while 0.x, a breaking change bumps the minor",
                bump(&api, true, true)
            ),
            format!(
                "- gong-api-ext {ext} -> {}: its public API exposes gong-api (",
                bump(&ext, true, true)
            ),
        ] {
            assert!(stdout.contains(&expected), "{expected}\n---\n{stdout}");
        }
        let changelog = read(repo, CHANGELOG);
        assert!(changelog.starts_with("# Changes to the bundled Gong API spec\n"));
        assert!(changelog.ends_with(&stdout), "{changelog}");

        // The tree is consistent: --check passes and says nothing of changes.
        let output = cargo_xtask(repo, &target, &["generate", "--check", "--strict"]);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}{stderr}");
        assert!(stdout.is_empty(), "{stdout}");

        // A patch changes the bundled spec: `generate` reports it and appends an entry.
        let patch = "\n- op: add\n  path: /paths/~1data-privacy~1data-for-email-address/get/deprecated\n  value: true\n";
        let patches = read(repo, PATCHES) + patch;
        std::fs::write(repo.join(PATCHES), &patches).unwrap();
        let output = cargo_xtask_command(repo, &target, &["generate"])
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .output()
            .unwrap();
        let (stdout, _) = text(&output);
        assert!(output.status.success());
        assert!(
            stdout.starts_with("## 2026-11-25: `cargo xtask generate`"),
            "{stdout}"
        );
        assert!(
            stdout.contains(
                "| non-breaking | operation-deprecated | GET /data-privacy/data-for-email-address \
                 (findAllReferencesToEmailAddress) | findAllReferencesToEmailAddress |"
            ),
            "{stdout}"
        );
        assert_eq!(read(repo, CHANGELOG), changelog.clone() + "\n" + &stdout);

        // `--check` prints what regenerating would record, and writes nothing.
        std::fs::write(repo.join(PATCHES), patches.replace(patch, "")).unwrap();
        let before = (
            read(repo, CHANGELOG),
            read(repo, BUNDLED),
            read(repo, GENERATED),
        );
        let output = cargo_xtask(repo, &target, &["generate", "--check"]);
        let (stdout, stderr) = text(&output);
        assert!(!output.status.success());
        assert!(
            stderr.contains("regenerating would change the bundled spec"),
            "{stderr}"
        );
        assert!(stdout.starts_with("## "), "{stdout}");
        assert!(
            stdout.contains("### Spec changes: 0 (0 breaking for code calling gong-api)"),
            "{stdout}"
        );
        let after = (
            read(repo, CHANGELOG),
            read(repo, BUNDLED),
            read(repo, GENERATED),
        );
        assert!(before == after, "--check wrote a file");
    }

    /// Upstream now defines a schema a patch adds, and dropped the operation two patches
    /// change: each patch is reported with its index, pointer and what upstream has there,
    /// first; then the change report shows the removed operation as breaking; the file is
    /// vendored, nothing else is written, and the exit code is 3.
    #[test]
    fn rotten_patches_are_reported_with_the_change_report_and_nothing_is_generated() {
        let copy = tempfile::tempdir().unwrap();
        let repo = copy.path();
        copy_checkout(repo);
        let mut next: Value = serde_json::from_str(
            &std::fs::read_to_string(testdata("gong/upstream-next.json")).unwrap(),
        )
        .unwrap();
        next["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/data-privacy/phone-references");
        next["components"]["schemas"]["RequestIdResponse"] =
            serde_json::json!({"type": "object", "properties": {"requestId": {"type": "string"}}});
        let file = repo.join("next.json");
        std::fs::write(&file, serde_json::to_string_pretty(&next).unwrap()).unwrap();
        let before = (
            read(repo, BUNDLED),
            read(repo, GENERATED),
            read(repo, "gong-api/Cargo.toml"),
            read(repo, CHANGELOG),
        );

        let output = cargo_xtask(repo, &outer_target_dir(), &["upstream", "next.json"]);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(3), "{stdout}{stderr}");
        let index = |op: &str, path: &str| {
            let patches = yaml::parse(&read(repo, PATCHES), PATCHES).unwrap();
            patches
                .as_array()
                .unwrap()
                .iter()
                .position(|p| p["op"] == op && p["path"] == path)
                .unwrap_or_else(|| panic!("no patch {op} {path}"))
        };
        for expected in [
            "error: openapi/patches.yaml: 3 patch operation(s) no longer apply:".to_owned(),
            format!(
                "  patch #{} (add /components/schemas/RequestIdResponse): upstream now defines \
                 this member itself: {{\"type\":\"object\",\"properties\":{{\"requestId\":\
                 {{\"type\":\"string\"}}}}}}; review it, then drop the patch or use `replace` to \
                 overwrite it",
                index("add", "/components/schemas/RequestIdResponse")
            ),
            format!(
                "  patch #{} (add /paths/~1data-privacy~1phone-references/get/deprecated): the \
                 target vanished: upstream has no `/paths/~1data-privacy~1phone-references/get`; \
                 `/paths` holds: /data-privacy/email-references, /data-privacy/erasure-requests, \
                 /data-privacy/email-delete, /data-privacy/phone-delete, \
                 /data-privacy/data-for-email-address",
                index(
                    "add",
                    "/paths/~1data-privacy~1phone-references/get/deprecated"
                )
            ),
            format!(
                "  patch #{} (replace /paths/~1data-privacy~1phone-references/get/description): \
                 the target vanished",
                index(
                    "replace",
                    "/paths/~1data-privacy~1phone-references/get/description"
                )
            ),
            "error: nothing else was written (exit code 3): fix openapi/patches.yaml".to_owned(),
        ] {
            assert!(stderr.contains(&expected), "{expected}\n---\n{stderr}");
        }
        // The change report: the rotten patches first, then the removed operation, breaking.
        assert!(
            stdout.starts_with("### Patch operations that no longer apply: 3\n\n- patch #"),
            "{stdout}"
        );
        let removed = stdout
            .lines()
            .find(|l| l.contains("GET /data-privacy/phone-references"))
            .unwrap_or_else(|| panic!("the removed operation is reported: {stdout}"));
        assert!(
            removed.to_lowercase().contains("breaking"),
            "{removed}\n{stdout}"
        );
        assert_eq!(
            std::fs::read(repo.join(UPSTREAM_JSON)).unwrap(),
            std::fs::read(&file).unwrap()
        );
        let after = (
            read(repo, BUNDLED),
            read(repo, GENERATED),
            read(repo, "gong-api/Cargo.toml"),
            read(repo, CHANGELOG),
        );
        assert!(
            before == after,
            "a rotten patch set must not regenerate anything"
        );
    }

    #[test]
    fn only_openapi_3_documents_are_taken() {
        let dir = tempfile::tempdir().unwrap();
        let swagger = dir.path().join("swagger.json");
        std::fs::write(&swagger, "{\"swagger\": \"2.0\", \"paths\": {}}").unwrap();
        let err = vendor(dir.path(), &swagger).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: /openapi: missing", swagger.display())),
            "{err}"
        );
        let v2 = dir.path().join("next.yaml");
        std::fs::write(&v2, "openapi: 2.0.0\n").unwrap();
        let err = vendor(dir.path(), &v2).unwrap_err().to_string();
        assert!(
            err.contains("`2.0.0`: only OpenAPI 3.0.x and 3.1.x"),
            "{err}"
        );
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{\"openapi\": \"3.1.0\",").unwrap();
        let err = vendor(dir.path(), &broken).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: not valid YAML", broken.display())),
            "{err}"
        );
        assert!(
            std::fs::read_dir(dir.path()).unwrap().count() == 3,
            "nothing vendored"
        );
    }

    #[test]
    fn json_is_told_from_yaml_by_its_first_character() {
        assert!(is_json("\u{feff}\n  {\"openapi\": \"3.1.0\"}"));
        assert!(!is_json("openapi: 3.1.0\n"));
        assert!(!is_json("# {comment}\nopenapi: 3.1.0\n"));
    }
}

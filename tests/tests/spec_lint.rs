//! The bundled spec passes an independent OpenAPI validator: Redocly CLI (pinned in
//! package-lock.json, installed by `npm ci`), with the `recommended` rules of `redocly.yaml`.
//! Like the contract lane, it fails rather than skips when the tool is missing.

use std::path::Path;
use std::process::Command;

/// Runs `redocly lint` on `spec`; returns whether it passed and what it printed.
fn lint(spec: &Path) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("node_modules/.bin/redocly");
    assert!(
        bin.exists(),
        "the spec validator needs Redocly: run `npm ci` at the workspace root ({} is missing)",
        bin.display()
    );
    let output = Command::new(&bin)
        .args(["lint", "--format", "stylish"])
        .arg(spec)
        .current_dir(&root)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .expect("redocly runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn bundled_spec_passes_redocly_lint() {
    let (ok, text) = lint(Path::new("openapi/gong-api.yaml"));
    assert!(ok, "redocly lint failed:\n{text}");
    assert!(text.contains("valid"), "unexpected redocly output:\n{text}");
}

#[test]
fn the_validator_rejects_a_broken_spec() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec_lint");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.yaml");
    // An operation without `responses` and a dangling $ref.
    std::fs::write(
        &broken,
        "openapi: 3.1.0\ninfo: {title: t, version: '1', license: {name: x, url: 'https://x.io'}}\n\
         servers: [{url: 'https://x.io'}]\nsecurity: []\npaths:\n  /a:\n    get:\n      \
         operationId: a\n      summary: a\n      parameters: [{$ref: '#/components/parameters/Nope'}]\n",
    )
    .unwrap();
    let (ok, text) = lint(&broken);
    assert!(!ok, "redocly accepted a broken spec:\n{text}");
}

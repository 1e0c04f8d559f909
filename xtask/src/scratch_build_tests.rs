//! Regeneration that survives real API changes, tested the way a maintainer meets them: a new
//! upstream file dropped in with no other edit.
//!
//! - Gong-export fixtures (`xtask/testdata/gong/export-3.0.yaml`, `export-3.1.yaml`) as the
//!   upstream with an empty patch list: every rule they need fires and is reported.
//! - One `cargo check` of a scratch workspace holding `gong-api` regenerated from a 3.1 upstream
//!   revision (a date-time query parameter, a uuid field, a new operation), the Gong-export
//!   fixtures and the corpus documents marked `compile: true`, each as a crate made of
//!   `gong-api`'s `lib.rs` and the generated code, with the dependency block `generate` wrote.
//!   gong-api is built with its `mock` feature, so the typed mocks generated from the revision
//!   compile too. Its target directory is `target/xtask-scratch`, kept between runs.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::pipeline::{self, BUNDLED, GENERATED, MANIFEST, PATCHES, UPSTREAM};

use crate::test_support::{root as workspace, testdata};

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

/// A scratch copy of gong-api and the generation inputs, with `upstream` (and `patches`) as
/// the inputs, regenerated and written as `cargo xtask generate` would.
fn regenerate(dir: &Path, upstream: &Path, patches: Option<&str>) -> pipeline::Generation {
    for rel in [PATCHES, BUNDLED, GENERATED, MANIFEST, "gong-api/src/lib.rs"] {
        copy(&workspace().join(rel), &dir.join(rel));
    }
    copy(upstream, &dir.join(UPSTREAM));
    if let Some(patches) = patches {
        std::fs::write(dir.join(PATCHES), patches).unwrap();
    }
    let generation = pipeline::generate(dir).unwrap_or_else(|e| panic!("{e}"));
    pipeline::write(dir, &generation).unwrap();
    generation
}

#[test]
fn a_gong_30_export_generates_with_an_empty_patch_list() {
    let dir = tempfile::tempdir().unwrap();
    let generation = regenerate(dir.path(), &testdata("gong/export-3.0.yaml"), Some("[]\n"));
    let lines = generation.report.lines();
    for expected in [
        "rule big-numbers: 2",
        // Two on query parameters, two on path parameters, two on `Retry-After` headers
        // (a component response's and an inline 429's).
        "rule parameter-style-case: 6 (FORM -> form ×2, SIMPLE -> simple ×4)",
        "rule drop-annotations: 8 (exampleSetFlag ×4, types ×4)",
        "rule skip-unsupported-operations: 1 (PUT /v2/calls/{id}/media)",
        "rule unify-success-bodies: 1 (addCall: 200 CallAlreadyExists | 201 NewCallAddingResponse \
         -> AddCallSuccess)",
        "rule split-shared-schemas: 1 (Party -> PartyResponse)",
        "warning: PUT /v2/calls/{id}/media left out of the client: multipart/form-data request \
         body (progenitor 0.15 sends JSON, form-urlencoded, octet-stream or text/plain)",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected}\n{lines:#?}"
        );
    }
    // The 20-digit example survives exactly in the bundled spec.
    let bundled = std::fs::read_to_string(dir.path().join(BUNDLED)).unwrap();
    assert_eq!(
        bundled.matches("example: 62864782636461234567\n").count(),
        2
    );
    // The merged success body and the split request type are in the client.
    let source = std::fs::read_to_string(dir.path().join(GENERATED)).unwrap();
    assert!(source.contains("ResponseValue<types::AddCallSuccess>"));
    assert!(
        source.contains("pub enum PartyAffiliation"),
        "requests keep the enum"
    );
    assert!(source.contains("pub struct PartyResponse"));
    assert_eq!(generation.report.skipped.len(), 1, "--strict would fail");
    // A date-time query parameter: chrono joins the dependency block.
    let manifest = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
    assert!(manifest.contains("\nchrono = "), "{manifest}");
}

#[test]
fn a_gong_31_export_drops_exporter_annotations_with_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let generation = regenerate(dir.path(), &testdata("gong/export-3.1.yaml"), Some("[]\n"));
    let lines = generation.report.lines();
    assert!(
        lines.contains(&"rule drop-annotations: 9 (exampleSetFlag ×9)".to_owned()),
        "{lines:#?}"
    );
    assert!(generation.report.skipped.is_empty());
}

/// The name-collision fixture through the whole generation: each rule of `names.rs` fires
/// and the client defines each type, field and argument once (it compiles in
/// `generated_clients_compile`).
#[test]
fn colliding_names_generate_distinct_types_fields_and_arguments() {
    let file = testdata("names/collisions.yaml");
    let doc = crate::yaml::parse(&std::fs::read_to_string(&file).unwrap(), "collisions").unwrap();
    let mut report = crate::report::Report::default();
    let client = pipeline::generate_client_source(doc, &mut report, "collisions.yaml").unwrap();
    let lines = report.lines();
    for expected in [
        "rule schema-name-collisions: 1 (metadata -> Metadata2 (_metadata keeps Metadata))",
        "rule field-name-collisions: 3 (/components/schemas/Drug: property Message left out of \
         the struct, message is the field (a response keeps Message in `extra`), \
         /components/schemas/GetDrugError: property Message left out of the struct, message is \
         the field (a response keeps Message in `extra`), \
         /components/schemas/ApiException/allOf/1: property message left out of the merged \
         struct, Message is the field (a response keeps message in `extra`))",
        "warning: POST /notes left out of the client: rule argument-name-collisions: required \
         header parameter Body and the request body are both the argument `body`",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected}\n{lines:#?}"
        );
    }
    for detail in [
        "/drug/{DRUG_ID}: path parameter DRUG_ID -> DRUG_ID2 (the URL is the same)",
        "GET /drug/{DRUG_ID}: optional query parameter pageSize left out (its argument name \
         `page_size` is taken)",
        "PUT /notes: optional header parameter Body left out (its argument name `body` is taken)",
    ] {
        assert!(
            report
                .details("argument-name-collisions")
                .iter()
                .any(|d| d == detail),
            "{detail}\n{lines:#?}"
        );
    }
    let titles = report.details("title-name-collisions");
    assert!(
        titles
            .iter()
            .any(|t| t.ends_with("Prefix -> Prefix2 (a name the client defines)"))
            && titles
                .iter()
                .any(|t| t.ends_with("Kind -> Kind2 (another shape's title)")),
        "{titles:#?}"
    );
    let source = &client.source;
    for defined in [
        "pub struct Metadata {",
        "pub struct Metadata2 {",
        "pub struct Prefix {",
        "pub struct Prefix2(",
        "pub struct Kind {",
        "pub struct Kind2 {",
        "pub struct ListLabelsResponse {",
        "pub struct ListLabelsResponse2 {",
        "pub struct ApiException {",
    ] {
        assert_eq!(source.matches(defined).count(), 1, "{defined}");
    }
    // One `message` field in the struct typify merges from `allOf` (the other is in `extra`).
    let merged = source.split("pub struct ApiException {").nth(1).unwrap();
    let merged = &merged[..merged.find("\n    }\n").unwrap()];
    assert_eq!(merged.matches("pub message:").count(), 1, "{merged}");
    assert!(merged.contains("pub extra:"), "{merged}");
    // Each `Kind` keeps its own shape (typify would give `Other.kind` the first one's).
    assert!(
        source.contains("pub kind: ::std::option::Option<Kind2>"),
        "{source}"
    );
    // The URL template follows the renamed path parameter; the wire path is the same.
    assert!(source.contains("pub async fn get_drug<'a>(\n        &'a self,\n        drug_id2: &'a str,\n        drug_id: &'a str,\n        page_size: Option<i64>,"), "{source}");
    assert!(!source.contains("pub async fn add_note"));
    assert!(source.contains("pub async fn exec2<'a>"));
    assert!(
        lines.contains(&"rule method-name-collisions: 1 (POST /ping: exec -> exec2)".to_owned())
    );
    // The inline body keeps its own type, not the component of the name progenitor gives it.
    assert!(
        source.contains("ResponseValue<types::ListLabelsResponse2>"),
        "{source}"
    );
}

/// The scratch workspace's crate for one generated client and its typed mocks (feature
/// `mock`, as in gong-api).
fn client_crate(workspace: &Path, name: &str, source: &str, mock: &str, dependencies: &[&str]) {
    let dir = workspace.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    copy(
        &self::workspace().join("gong-api/src/lib.rs"),
        &dir.join("src/lib.rs"),
    );
    std::fs::write(dir.join("src/generated.rs"), source).unwrap();
    std::fs::write(dir.join("src/generated_mock.rs"), mock).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [features]\nmock = [\"dep:httpmock\", \"dep:regex\"]\n\n\
             [dependencies]\nprogenitor-client.workspace = true\nreqwest.workspace = true\n\
             serde.workspace = true\n\
             httpmock = {{ version = \"0.9\", default-features = false, optional = true }}\n\
             regex = {{ version = \"1\", optional = true }}\n{}\n",
            dependencies.join("\n")
        ),
    )
    .unwrap();
}

#[test]
fn generated_clients_compile() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    // gong-api, regenerated from a 3.1 upstream revision with no other edit.
    let generation = regenerate(root, &testdata("gong/upstream-3.1-revision.yml"), None);
    let manifest = std::fs::read_to_string(root.join(MANIFEST)).unwrap();
    assert!(
        manifest.contains("\nchrono = ") && manifest.contains("\nuuid = "),
        "{manifest}"
    );
    let source = std::fs::read_to_string(root.join(GENERATED)).unwrap();
    assert!(source.contains("pub async fn list_erasure_requests"));
    assert!(source.contains("::uuid::Uuid") && source.contains("::chrono::DateTime"));
    assert!(generation.report.skipped.is_empty());

    let mut members = vec!["\"gong-api\"".to_owned()];
    let mut add = |name: String, doc: serde_json::Value| {
        let mut report = crate::report::Report::default();
        let form =
            pipeline::progenitor_form(doc, &mut report).unwrap_or_else(|e| panic!("{name}: {e}"));
        let client =
            crate::codegen::generate_client(form.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mock =
            pipeline::mock_source(form, &mut report).unwrap_or_else(|e| panic!("{name}: {e}"));
        client_crate(
            root,
            &name,
            &client.source,
            &mock,
            &crate::manifest::lines(client.uses),
        );
        members.push(format!("\"{name}\""));
    };
    for fixture in ["export-3.0", "export-3.1"] {
        let file = testdata(&format!("gong/{fixture}.yaml"));
        let doc = crate::yaml::parse(&std::fs::read_to_string(&file).unwrap(), fixture).unwrap();
        add(format!("gong-{fixture}").replace('.', "-"), doc);
    }
    let corpus = testdata("corpus");
    let manifest = std::fs::read_to_string(corpus.join("corpus.yaml")).unwrap();
    let entries = crate::yaml::parse(&manifest, "corpus.yaml").unwrap();
    for entry in entries.as_array().unwrap() {
        if entry["compile"] == true {
            let file = entry["file"].as_str().unwrap();
            let text = std::fs::read_to_string(corpus.join(file)).unwrap();
            let name = format!(
                "corpus-{}",
                file.trim_end_matches(".yaml").replace('.', "-")
            );
            add(name, crate::yaml::parse(&text, file).unwrap());
        }
    }
    // Every name collision of `names.rs` (see its test above).
    let collisions = testdata("names/collisions.yaml");
    add(
        "name-collisions".into(),
        crate::yaml::parse(&std::fs::read_to_string(&collisions).unwrap(), "collisions").unwrap(),
    );
    // Shapes whose typed mocks progenitor writes code for that does not compile (an array
    // and an integer-enum query parameter, a nullable body: all three in Discord's public
    // spec); the rule `unmockable-operations` leaves those mocks out, the client keeps them.
    let ok = |schema: serde_json::Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let object = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    add(
        "mock-shapes".into(),
        json!({
            "openapi": "3.1.0",
            "info": {"title": "shapes progenitor's mocks do not compile", "version": "1"},
            "paths": {
                "/ids": {"get": {"operationId": "byIds", "responses": ok(object.clone()), "parameters": [
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
                ]}},
                "/kind": {"get": {"operationId": "byKind", "responses": ok(object.clone()), "parameters": [
                    {"name": "kind", "in": "query", "required": true, "schema": {"type": "integer", "enum": [1, 2]}}
                ]}},
                "/maybe": {"post": {"operationId": "maybe",
                    "requestBody": {"content": {"application/json": {"schema": {"type": ["array", "null"], "items": {"type": "string"}}}}},
                    "responses": ok(json!({"type": ["object", "null"], "properties": {"id": {"type": "string"}}}))}},
                "/plain/{id}": {"get": {"operationId": "plain", "responses": ok(object), "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}}
                ]}}
            }
        }),
    );
    let shapes = std::fs::read_to_string(root.join("mock-shapes/src/generated_mock.rs")).unwrap();
    assert!(shapes.contains("fn plain<"), "{shapes}");
    for left_out in ["fn by_ids<", "fn by_kind<", "fn maybe<"] {
        assert!(!shapes.contains(left_out), "{left_out}");
    }
    assert!(
        members.len() >= 8,
        "gong-api, two fixtures, three corpus documents, the name collisions and the mock shapes"
    );

    // The workspace's own manifest (its dependency versions) and lock file, with these members.
    let cargo_toml = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    // The members line, whatever crates the workspace has today, becomes the scratch members.
    let cargo_toml: String = cargo_toml
        .lines()
        .map(|line| {
            if line.starts_with("members = [") {
                format!("members = [{}]\n", members.join(", "))
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert!(
        cargo_toml.contains("\"corpus-"),
        "the workspace's members line moved"
    );
    std::fs::write(root.join("Cargo.toml"), cargo_toml).unwrap();
    copy(&workspace().join("Cargo.lock"), &root.join("Cargo.lock"));

    let output = Command::new(env!("CARGO"))
        // Every client with its typed mocks (gong-api's generated from the same revision),
        // type-checked: `cargo check` finds every error the compiler can give generated Rust (a
        // name defined twice, a wrong argument count…) without the dependencies' code generation.
        .args(["check", "--workspace", "--quiet", "--all-features"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", workspace().join("target/xtask-scratch"))
        // Neither CI's `-D warnings` nor its clippy wrapper: generated clients are judged by
        // whether they compile, not by their lints.
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

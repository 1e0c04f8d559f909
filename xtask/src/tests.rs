//! Tests of the whole pipeline on the repository's real inputs.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::pipeline::{self, BUNDLED, EXAMPLE_GLUE, GENERATED, MANIFEST, MOCK, PATCHES, UPSTREAM};
use crate::report::Report;

fn root() -> PathBuf {
    crate::test_support::root()
}

fn bundled() -> Value {
    bundled_and_left_out().0
}

/// The bundled spec, and the operations the client leaves out (`METHOD path` -> reason).
fn bundled_and_left_out() -> (Value, Vec<(String, String)>) {
    let generation = pipeline::generate(&root()).expect("the repository's spec generates");
    let left_out = generation
        .report
        .skipped
        .iter()
        .map(|s| (format!("{} {}", s.method, s.path), s.reason.clone()))
        .collect();
    let yaml = &generation
        .outputs
        .iter()
        .find(|o| o.path == BUNDLED)
        .unwrap()
        .contents;
    (crate::yaml::parse(yaml, BUNDLED).unwrap(), left_out)
}

/// Resolves a local `$ref` once.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .expect("ref resolves"),
        None => value,
    }
}

/// The bundled spec's operation table: every API change shows up in review as a snapshot diff.
/// An operation the generated client leaves out is listed with `leftOut` and the reason.
#[test]
fn operation_table() {
    let (doc, left_out) = bundled_and_left_out();
    let mut rows = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    let p = resolve(&doc, p);
                    let schema = resolve(&doc, &p["schema"]);
                    json!(format!(
                        "{} in {}: {}{}{}{}",
                        p["name"].as_str().unwrap(),
                        p["in"].as_str().unwrap(),
                        schema["type"].as_str().unwrap_or("any"),
                        schema
                            .get("format")
                            .map(|f| format!("({})", f.as_str().unwrap()))
                            .unwrap_or_default(),
                        schema
                            .get("pattern")
                            .map(|f| format!(" /{}/", f.as_str().unwrap()))
                            .unwrap_or_default(),
                        if p["required"] == true {
                            ", required"
                        } else {
                            ""
                        },
                    ))
                })
                .collect();
            let body = op.get("requestBody").map(|b| {
                let b = resolve(&doc, b);
                json!(b["content"].as_object().unwrap().keys().collect::<Vec<_>>())
            });
            let responses: Vec<Value> = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(status, r)| {
                    let r = resolve(&doc, r);
                    let schema = r
                        .pointer("/content/application~1json/schema/$ref")
                        .and_then(Value::as_str)
                        .map(|s| s.rsplit('/').next().unwrap().to_owned())
                        .unwrap_or_else(|| "-".into());
                    let headers = r
                        .get("headers")
                        .and_then(Value::as_object)
                        .map(|h| format!(" +{}", h.keys().cloned().collect::<Vec<_>>().join(",")))
                        .unwrap_or_default();
                    json!(format!("{status} {schema}{headers}"))
                })
                .collect();
            let operation = format!("{} {path}", method.to_uppercase());
            let mut row = json!({
                "operation": operation,
                "operationId": op["operationId"],
                "deprecated": op.get("deprecated").cloned().unwrap_or(json!(false)),
                "parameters": params,
                "requestBody": body,
                "responses": responses,
            });
            if let Some((_, reason)) = left_out.iter().find(|(op, _)| *op == operation) {
                row["leftOut"] = json!(reason);
            }
            rows.push(row);
        }
    }
    assert_eq!(rows.len(), 11, "the bundled spec has 11 operations");
    insta::assert_yaml_snapshot!(rows);
}

#[test]
fn bundled_spec_fixes_the_contact_email_and_stays_31() {
    let doc = bundled();
    assert_eq!(doc["info"]["contact"]["email"], "help@gong.io");
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn generation_is_deterministic() {
    let a = pipeline::generate(&root()).unwrap().outputs;
    let b = pipeline::generate(&root()).unwrap().outputs;
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(
            a.contents, b.contents,
            "{} differs between two runs",
            a.path
        );
    }
}

/// A copy of the generation inputs and outputs in a scratch directory.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        UPSTREAM,
        PATCHES,
        BUNDLED,
        GENERATED,
        MOCK,
        EXAMPLE_GLUE,
        MANIFEST,
    ] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join(rel), &to).unwrap();
    }
    dir
}

#[test]
fn check_passes_on_the_committed_tree_and_fails_on_a_hand_edit() {
    let dir = scratch_repo();
    let outputs = pipeline::generate(dir.path()).unwrap().outputs;
    assert!(
        crate::check::drift(dir.path(), &outputs).is_empty(),
        "committed files are stale: run `cargo xtask generate`"
    );

    let generated = dir.path().join(GENERATED);
    let text = std::fs::read_to_string(&generated).unwrap();
    let edited = text.replacen("pub struct Client {", "pub struct Client { // edited", 1);
    assert_ne!(text, edited);
    std::fs::write(&generated, edited).unwrap();

    let drift = crate::check::drift(dir.path(), &outputs);
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].path, GENERATED);
    assert!(
        drift[0].diff.contains("-pub struct Client { // edited"),
        "{}",
        drift[0].diff
    );
    assert!(
        drift[0].diff.contains("+pub struct Client {"),
        "{}",
        drift[0].diff
    );
}

#[test]
fn malformed_upstream_names_the_file() {
    let dir = scratch_repo();
    std::fs::write(dir.path().join(UPSTREAM), "openapi: [3.1.0\npaths: {}\n").unwrap();
    let err = pipeline::generate(dir.path()).err().unwrap().to_string();
    assert!(err.starts_with(UPSTREAM), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn a_shape_progenitor_refuses_is_reshaped_and_reported() {
    let mut doc = bundled();
    doc["paths"]["/data-privacy/erase-data-for-phone-number"]["post"]["responses"]["204"] =
        json!({"description": "no body"});
    let mut report = Report::default();
    let client = pipeline::generate_client_source(doc, &mut report, BUNDLED).unwrap();
    assert_eq!(
        report.details("mixed-success-bodies-as-bytes"),
        ["purgePhoneNumber (200, 204)"]
    );
    assert!(client.source.contains("ResponseValue<ByteStream>"));
}

/// A 3.1 keyword 3.0 cannot express costs only the schema holding it, with a warning naming
/// its pointer and the rule; a property's keyword costs only that property.
#[test]
fn an_unexpressible_construct_costs_only_the_schema_holding_it() {
    let mut doc = bundled();
    doc["components"]["schemas"]["RequestIdResponse"]["properties"]["requestId"]["if"] =
        json!({"type": "object"});
    let mut report = Report::default();
    pipeline::generate_client_source(doc, &mut report, BUNDLED).unwrap();
    let lines = report.lines();
    assert!(
        lines.contains(
            &"warning: /components/schemas/RequestIdResponse/properties/requestId is any JSON \
              (serde_json::Value) in the client: rule unconvertible-unit: \
              /components/schemas/RequestIdResponse/properties/requestId/if: `if` changes what the \
              schema accepts and has no OpenAPI 3.0 equivalent; progenitor would silently drop \
              it. Patch the schema into a 3.0 form"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert_eq!(report.omissions(), 1);
}

/// A shape progenitor (typify 0.8) panics on, found in Discord's public 3.1 spec: the schema it
/// panics on alone becomes any JSON with one warning naming it, the rule, the panic and where
/// it was raised; every operation is still generated, and `--strict` would fail.
#[test]
fn a_progenitor_panic_costs_only_the_schema_it_panics_on() {
    let mut doc = bundled();
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    schemas.insert(
        "Scope".into(),
        json!({"type": "string", "enum": ["a", "b"]}),
    );
    schemas.insert(
        "InstallParams".into(),
        json!({"type": "object", "properties": {"scopes": {
            "type": "array",
            "items": {"type": "string", "enum": ["a"], "allOf": [{"$ref": "#/components/schemas/Scope"}]},
            "uniqueItems": true
        }}}),
    );
    let operations = crate::spec::operations(&doc).len();
    let mut report = Report::default();
    let client = pipeline::generate_client_source(doc, &mut report, BUNDLED).unwrap();
    let warning = report
        .lines()
        .into_iter()
        .find(|l| l.starts_with("warning: /components/schemas/InstallParams "))
        .unwrap_or_else(|| panic!("{:#?}", report.lines()));
    assert!(
        warning.starts_with(
            "warning: /components/schemas/InstallParams is any JSON (serde_json::Value) in the \
             client: rule generator-failure: progenitor cannot generate a client for this spec shape: "
        ),
        "{warning}"
    );
    assert!(warning.contains("(panicked at typify-impl-"), "{warning}");
    assert!(
        warning.ends_with("(it fails alone, with the 1 schema(s) it references)"),
        "{warning}"
    );
    assert_eq!(report.omissions(), 1);
    assert!(report.skipped.is_empty());
    assert!(
        client
            .source
            .contains("pub struct InstallParams(pub ::serde_json::Value)")
            || client
                .source
                .contains("pub struct InstallParams(pub ::serde_json::Map"),
        "any JSON"
    );
    assert_eq!(client.source.matches("pub async fn ").count(), operations);
}

/// A schema nested 500 levels deep overflows a test thread's 2 MiB stack (in the xtask's own
/// recursive rules and in typify); on the big stack `main` runs everything on, and the
/// generator's own, it generates.
#[test]
fn a_deeply_nested_schema_does_not_abort_generation() {
    let mut doc = bundled();
    let mut deep = json!({"type": "string"});
    for _ in 0..500 {
        deep = json!({"type": "array", "items": deep});
    }
    doc["components"]["schemas"]["Deep"] = deep;
    let client = crate::isolate::with_big_stack(|| {
        let mut report = Report::default();
        pipeline::generate_client_source(doc, &mut report, BUNDLED).map_err(|e| e.to_string())
    });
    assert!(client.is_ok(), "{:?}", client.err());
}

/// Names progenitor derives with heck and a keyword check, where the xtask's own approximation
/// differed: `getHTTPStatus` and `get_http_status` are both `get_http_status` (two methods of
/// one name: a client that does not build), and the parameters `type` and `2fa` are the
/// arguments `type_` and `_2fa` (the example glue found no parameter for them).
#[test]
fn names_follow_progenitors_own_rules() {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}});
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "names", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": {
            "/a": {"get": {"operationId": "getHTTPStatus", "responses": ok.clone(), "parameters": [
                {"name": "type", "in": "query", "schema": {"type": "string"}},
                {"name": "2fa", "in": "query", "schema": {"type": "string"}},
                {"name": "page-size", "in": "query", "schema": {"type": "integer"}}
            ]}},
            "/b": {"get": {"operationId": "get_http_status", "responses": ok}}
        }
    });
    let mut report = Report::default();
    let client = pipeline::generate_client_source(doc.clone(), &mut report, "names.yaml").unwrap();
    assert_eq!(
        report.details("operation-ids"),
        ["GET /b -> get_http_status2"]
    );
    assert_eq!(
        client
            .source
            .matches("pub async fn get_http_status<")
            .count(),
        1
    );
    let glue = crate::example_glue::generate(&doc, &client.source).unwrap();
    for name in ["\"type\"", "\"2fa\"", "\"page-size\""] {
        assert!(glue.contains(name), "{name} in {glue}");
    }
}

/// progenitor refuses (an error, not a panic) a `default` beside an `anyOf`, from OpenAI's
/// public 3.0 spec: only that schema is untyped, and the warning names it and the error.
#[test]
fn a_progenitor_error_costs_only_the_schema_it_fails_on() {
    let mut doc = bundled();
    doc["components"]["schemas"]["FineTune"] = json!({"type": "object", "properties": {"model": {
        "default": "curie",
        "anyOf": [{"type": "string"}, {"type": "string", "enum": ["ada", "curie"]}]
    }}});
    let mut report = Report::default();
    pipeline::generate_client_source(doc, &mut report, BUNDLED).unwrap();
    assert_eq!(
        report
            .degraded
            .iter()
            .map(|d| d.unit.as_str())
            .collect::<Vec<_>>(),
        ["/components/schemas/FineTune"]
    );
    let reason = &report.degraded[0].reason;
    assert!(
        reason.starts_with("progenitor rejected the spec: ")
            && reason.ends_with("(it fails alone, with the 0 schema(s) it references)"),
        "{reason}"
    );
}

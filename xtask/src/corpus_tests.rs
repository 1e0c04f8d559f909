//! The corpus: real public OpenAPI documents of other APIs (`xtask/testdata/corpus/`, listed
//! with their source, licence and sha256 in `corpus.yaml` there). Each must generate (or fail
//! with its documented one-line error), byte for byte the same on two runs.

use std::path::PathBuf;

use serde_json::Value;

use crate::pipeline;
use crate::report::Report;

fn corpus_dir() -> PathBuf {
    crate::test_support::testdata("corpus")
}

/// The corpus manifest's entries.
fn entries() -> Vec<Value> {
    let path = corpus_dir().join("corpus.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let manifest = crate::yaml::parse(&text, "corpus.yaml").unwrap();
    manifest.as_array().unwrap().clone()
}

/// Generates one corpus document: the report's lines and the source, or the error.
fn generate(file: &str) -> Result<(Vec<String>, String), String> {
    let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
    let doc = crate::yaml::parse(&text, file).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    let client =
        pipeline::generate_client_source(doc, &mut report, file).map_err(|e| e.to_string())?;
    Ok((report.lines(), client.source))
}

#[test]
fn every_corpus_document_generates_deterministically_or_fails_as_documented() {
    let mut failures = Vec::new();
    for entry in entries() {
        let file = entry["file"].as_str().unwrap();
        let expect = entry["expect"].as_str().unwrap();
        let first = generate(file);
        match &first {
            Ok((lines, _)) => eprintln!("{file}:\n  {}", lines.join("\n  ")),
            Err(e) => eprintln!("{file}: {e}"),
        }
        match (&first, expect) {
            (Ok(_), "ok") => {}
            // The error names the document it is in, not the repository's bundled spec.
            (Err(e), expected)
                if expected != "ok"
                    && e.contains(expected)
                    && e.starts_with(&format!("{file}: ")) => {}
            (Ok(_), expected) => failures.push(format!("{file}: generated, expected `{expected}`")),
            (Err(e), _) => failures.push(format!("{file}: {e}")),
        }
        if let Some(lines) = entry.get("report").and_then(Value::as_array)
            && let Ok((got, _)) = &first
        {
            for line in lines {
                let line = line.as_str().unwrap();
                if !got.iter().any(|g| g == line) {
                    failures.push(format!("{file}: report lacks `{line}`: {got:#?}"));
                }
            }
        }
        if first.is_ok() {
            assert_eq!(first, generate(file), "{file}: two runs differ");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

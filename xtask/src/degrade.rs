//! Per-unit degradation: one schema, operation or mock that cannot be generated never blocks
//! the rest of the spec.
//!
//! | rule | unit | what becomes of it |
//! | --- | --- | --- |
//! | `openapiv3-strictness` | a schema, operation or component openapiv3 refuses to read ("value does not conform", "unexpected value type") | a schema becomes any JSON (`serde_json::Value`); an operation is left out; another component is removed (operations reaching it then fail and are left out) |
//! | `unconvertible-unit` | a schema a rule cannot bring into progenitor's form (a 3.1 construct 3.0 cannot express: `if`/`then`, `unevaluatedProperties`, a null-only type…) | the (sub)schema holding the keyword becomes any JSON; outside a schema, its operation is left out |
//! | `generator-failure` | the smallest schema or operation progenitor or typify fails on alone: an error, a panic, a stack overflow or a hang (see `isolate`) | as above |
//! | `mock-generation-failure` | an operation whose typed mock progenitor's httpmock generator fails on | the client keeps it; it has no typed mock |
//!
//! Each unit gets one warning naming its JSON pointer (or method and path), the rule and the
//! reason; the operation table lists left-out operations; `--strict` fails on any of them.
//! The unit is found by bisection (halves of the schemas, then of the operations), so a
//! failure costs a few runs per unit, paid only when something fails.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::codegen::{self, Client};
use crate::error::{Error, Result};
use crate::isolate::{Failure, Kind};
use crate::report::Report;
use crate::spec::{self, METHODS};

/// What a schema left as any JSON says of itself in the generated docs.
const ANY_JSON: &str = "is any JSON (serde_json::Value) in the client";
/// What an operation without a mock is reported as.
const NO_MOCK: &str = "has no typed mock (the client keeps it)";

/// A piece of the spec a failure is pinned on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    Schema(String),
    Operation { path: String, method: String },
}

impl Unit {
    /// The unit a JSON pointer lies in: `/components/schemas/A/properties/b` -> schema `A`.
    pub fn of_pointer(pointer: &str) -> Option<Unit> {
        let parts: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        match parts.as_slice() {
            [c, s, name, ..] if c == "components" && s == "schemas" => {
                Some(Unit::Schema(name.clone()))
            }
            [p, path, method, ..] if p == "paths" && METHODS.contains(&method.as_str()) => {
                Some(Unit::Operation {
                    path: path.clone(),
                    method: method.clone(),
                })
            }
            _ => None,
        }
    }
}

/// Applies the degradation of `unit` to `spec`, with one warning in `report`.
pub fn degrade(
    spec: &mut Value,
    unit: &Unit,
    rule: &'static str,
    reason: &str,
    report: &mut Report,
) {
    match unit {
        Unit::Schema(name) => {
            if let Some(schema) = spec
                .pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut)
                .and_then(|s| s.get_mut(name))
            {
                *schema = json!({
                    "description": format!("Any JSON: `cargo xtask` could not type this schema (rule `{rule}`).")
                });
            }
            report.degrade(
                format!("/components/schemas/{}", spec::escape(name)),
                ANY_JSON,
                rule,
                reason,
            );
        }
        Unit::Operation { path, method } => {
            remove_operation(spec, path, method);
            report.fired(rule, format!("{} {path}", method.to_uppercase()));
            report.skip(method, path, format!("rule {rule}: {reason}"));
        }
    }
}

/// Leaves out every operation of the path item at `path` (one warning each).
pub fn degrade_path_item(
    spec: &mut Value,
    path: &str,
    rule: &'static str,
    reason: &str,
    report: &mut Report,
) {
    let methods = spec::methods_of(spec, path);
    for method in methods {
        let unit = Unit::Operation {
            path: path.to_owned(),
            method,
        };
        degrade(spec, &unit, rule, reason, report);
    }
}

/// Removes one operation (and its path item when nothing else is left in it).
pub fn remove_operation(doc: &mut Value, path: &str, method: &str) {
    if let Some(Value::Object(item)) = doc.get_mut("paths").and_then(|p| p.get_mut(path)) {
        item.remove(method);
        if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
            doc["paths"].as_object_mut().expect("paths").remove(path);
        }
    }
}

/// Runs `step` on a copy of `spec` until it succeeds, degrading the unit named by the JSON
/// pointer each error starts with (rule `rule`). An error outside any unit is returned.
pub fn until_clean(
    spec: &Value,
    report: &mut Report,
    rule: &'static str,
    step: impl Fn(&mut Value, &mut Report) -> Result<()>,
) -> Result<Value> {
    let mut input = spec.clone();
    let mut warnings = Report::default();
    loop {
        let mut attempt = input.clone();
        let mut attempt_report = Report::default();
        match step(&mut attempt, &mut attempt_report) {
            Ok(()) => {
                report.absorb(attempt_report);
                report.absorb(warnings);
                return Ok(attempt);
            }
            Err(e) => {
                let message = e.to_string();
                let pointer = message.split(':').next().unwrap_or("");
                // The schema holding the keyword the rule stopped on becomes any JSON, and
                // nothing else: `/…/properties/stock/type` -> `/…/properties/stock`.
                if let Some((holder, _)) = pointer.rsplit_once('/')
                    && crate::refs::in_schema(holder)
                    && let Some(schema) = input.pointer_mut(holder).filter(|s| s.is_object())
                {
                    *schema = json!({
                        "description": format!("Any JSON: `cargo xtask` could not convert this schema (rule `{rule}`).")
                    });
                    warnings.degrade(holder.to_owned(), ANY_JSON, rule, message);
                    continue;
                }
                let Some(unit) = Unit::of_pointer(pointer).filter(|u| present(&input, u)) else {
                    return Err(e);
                };
                degrade(&mut input, &unit, rule, &message, &mut warnings);
            }
        }
    }
}

fn present(spec: &Value, unit: &Unit) -> bool {
    match unit {
        Unit::Schema(name) => spec
            .pointer("/components/schemas")
            .and_then(|s| s.get(name))
            .is_some_and(|s| {
                s.get("description")
                    .and_then(Value::as_str)
                    .is_none_or(|d| !d.starts_with("Any JSON: `cargo xtask`"))
            }),
        Unit::Operation { path, method } => spec
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|i| i.get(method))
            .is_some(),
    }
}

/// Whether openapiv3 reads a value as one kind of object: the reason when it does not.
type Check = fn(&Value) -> Option<String>;

/// `openapiv3-strictness`: every schema, operation and component openapiv3 cannot read is
/// degraded, one by one, so the document as a whole reads.
pub fn readable(spec: &mut Value, report: &mut Report) {
    if serde_json::from_value::<openapiv3::OpenAPI>(spec.clone()).is_ok() {
        return;
    }
    const RULE: &str = "openapiv3-strictness";
    fn check<T: serde::de::DeserializeOwned>(value: &Value) -> Option<String> {
        serde_json::from_value::<T>(value.clone())
            .err()
            .map(|e| e.to_string())
    }
    use openapiv3::{
        Callback, Example, Header, Link, Operation, Parameter, ReferenceOr, RequestBody, Response,
        Schema, SecurityScheme,
    };
    let schemas: Vec<(String, Value)> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    for (name, schema) in schemas {
        if let Some(reason) = check::<ReferenceOr<Schema>>(&schema) {
            degrade(spec, &Unit::Schema(name), RULE, &reason, report);
        }
    }
    let kinds: [(&str, Check); 8] = [
        ("parameters", check::<ReferenceOr<Parameter>>),
        ("responses", check::<ReferenceOr<Response>>),
        ("requestBodies", check::<ReferenceOr<RequestBody>>),
        ("headers", check::<ReferenceOr<Header>>),
        ("securitySchemes", check::<ReferenceOr<SecurityScheme>>),
        ("examples", check::<ReferenceOr<Example>>),
        ("links", check::<ReferenceOr<Link>>),
        ("callbacks", check::<ReferenceOr<Callback>>),
    ];
    for (kind, check) in kinds {
        let Some(Value::Object(entries)) = spec.pointer_mut(&format!("/components/{kind}")) else {
            continue;
        };
        let bad: Vec<(String, String)> = entries
            .iter()
            .filter_map(|(name, v)| Some((name.clone(), check(v)?)))
            .collect();
        for (name, reason) in bad {
            entries.remove(&name);
            report.fired(
                RULE,
                format!(
                    "/components/{kind}/{} removed: {reason}",
                    spec::escape(&name)
                ),
            );
        }
    }
    for (path, method) in spec::operations(spec) {
        let op = &spec["paths"][&path][&method];
        if let Some(reason) = check::<Operation>(op) {
            let unit = Unit::Operation { path, method };
            degrade(spec, &unit, RULE, &reason, report);
        }
    }
    let paths: Vec<String> = spec
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item = &spec["paths"][&path];
        let reason = item
            .get("parameters")
            .and_then(check::<Vec<ReferenceOr<Parameter>>>);
        if let Some(reason) = reason {
            degrade_path_item(
                spec,
                &path,
                RULE,
                &format!("its path item's parameters: {reason}"),
                report,
            );
        }
    }
}

/// Generates the client from `spec`, degrading each unit the generator fails on (rule
/// `generator-failure`). Returns the client and the form it was generated from (the typed
/// mocks are generated from the same form).
pub fn client(mut spec: Value, report: &mut Report) -> Result<(Client, Value)> {
    loop {
        match codegen::run(Kind::Client, &spec) {
            Ok(answer) => return Ok((codegen::client_of(&answer)?, spec)),
            Err(failure) => {
                let Some((unit, note)) = locate(&spec, Kind::Client, true) else {
                    return Err(Error::msg(format!(
                        "{}; no single schema or operation fails alone",
                        failure.reason
                    )));
                };
                let reason = alone(&spec, &unit, Kind::Client).unwrap_or(failure).reason;
                degrade(
                    &mut spec,
                    &unit,
                    "generator-failure",
                    &format!("{reason}{note}"),
                    report,
                );
            }
        }
    }
}

/// The typed mocks of `form` (see `codegen::mock_form`): an operation whose mock the generator
/// fails on is left out of the mocks (rule `mock-generation-failure`), never out of the client.
pub fn mock(form: Value, report: &mut Report) -> Result<String> {
    let mut spec = codegen::mock_form(form);
    loop {
        match codegen::run(Kind::Mock, &spec) {
            Ok(answer) => return Ok(answer["source"].as_str().unwrap_or_default().to_owned()),
            Err(failure) => {
                let Some((Unit::Operation { path, method }, _)) = locate(&spec, Kind::Mock, false)
                else {
                    return Err(Error::msg(format!(
                        "typed mocks: {}; no single operation fails alone",
                        failure.reason
                    )));
                };
                let unit = Unit::Operation {
                    path: path.clone(),
                    method: method.clone(),
                };
                let reason = alone(&spec, &unit, Kind::Mock).unwrap_or(failure).reason;
                remove_operation(&mut spec, &path, &method);
                report.degrade(
                    format!("{} {path}", method.to_uppercase()),
                    NO_MOCK,
                    "mock-generation-failure",
                    reason,
                );
            }
        }
    }
}

/// The failure of `unit` alone (its own message, rather than the whole spec's).
fn alone(spec: &Value, unit: &Unit, kind: Kind) -> Option<Failure> {
    let piece = match unit {
        Unit::Schema(name) => schema_piece(spec, &references(schemas(spec), name)),
        Unit::Operation { path, method } => {
            operation_piece(spec, &[(path.clone(), method.clone())])
        }
    };
    codegen::run(kind, &piece).err()
}

fn schemas(spec: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// `spec` with no operations and only the schemas `names`.
fn schema_piece(spec: &Value, names: &BTreeSet<String>) -> Value {
    let all = schemas(spec);
    let mut piece = spec.clone();
    piece["paths"] = json!({});
    if let Some(Value::Object(components)) = piece.get_mut("components") {
        components.insert(
            "schemas".into(),
            names
                .iter()
                .filter_map(|n| Some((n.clone(), all.get(n)?.clone())))
                .collect(),
        );
    }
    piece
}

/// `spec` with every schema and only the operations `ops`.
fn operation_piece(spec: &Value, ops: &[(String, String)]) -> Value {
    let mut piece = spec.clone();
    let mut paths = Map::new();
    for (path, method) in ops {
        let item = paths.entry(path.clone()).or_insert_with(|| {
            let mut item = spec["paths"][path].clone();
            if let Value::Object(item) = &mut item {
                item.retain(|key, _| !METHODS.contains(&key.as_str()));
            }
            item
        });
        item[method.as_str()] = spec["paths"][path][method].clone();
    }
    piece["paths"] = Value::Object(paths);
    piece
}

/// After a failure of the whole spec: the smallest unit that fails alone, and a note saying
/// what it was tried with. Schemas first (when `schemas` is set), each with the schemas it
/// references; then operations, each with every schema.
fn locate(spec: &Value, kind: Kind, with_schemas: bool) -> Option<(Unit, String)> {
    let fails = |piece: Value| codegen::run(kind, &piece).is_err();
    let all = schemas(spec);
    if with_schemas && !all.is_empty() {
        let everything: BTreeSet<String> = all.keys().cloned().collect();
        if !fails(schema_piece(spec, &BTreeSet::new())) && fails(schema_piece(spec, &everything)) {
            let mut names: Vec<(usize, String)> = all
                .keys()
                .map(|n| (references(all, n).len(), n.clone()))
                .collect();
            names.sort();
            let names: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
            let closure_of = |subset: &[String]| -> BTreeSet<String> {
                subset.iter().flat_map(|n| references(all, n)).collect()
            };
            let mut found = bisect(&names, &|subset| {
                fails(schema_piece(spec, &closure_of(subset)))
            })?;
            // Narrow down to a schema it references that fails alone, if there is one.
            loop {
                let members: Vec<String> = references(all, &found)
                    .into_iter()
                    .filter(|m| *m != found && !references(all, m).contains(&found))
                    .collect();
                if members.is_empty() || !fails(schema_piece(spec, &closure_of(&members))) {
                    break;
                }
                match bisect(&members, &|subset| {
                    fails(schema_piece(spec, &closure_of(subset)))
                }) {
                    Some(m) => found = m,
                    None => break,
                }
            }
            let n = references(all, &found).len() - 1;
            return Some((
                Unit::Schema(found),
                format!(" (it fails alone, with the {n} schema(s) it references)"),
            ));
        }
    }
    let ops = spec::operations(spec);
    if ops.is_empty() || fails(operation_piece(spec, &[])) {
        return None;
    }
    let (path, method) = bisect(&ops, &|subset| fails(operation_piece(spec, subset)))?;
    Some((
        Unit::Operation { path, method },
        " (it fails alone, with every schema)".to_owned(),
    ))
}

/// One item of `items` that fails alone, given that `items` together fail: halves first; when
/// neither half fails alone (the failure needs both), each item alone.
fn bisect<T: Clone>(items: &[T], fails: &dyn Fn(&[T]) -> bool) -> Option<T> {
    match items {
        [] => None,
        [one] => Some(one.clone()),
        _ => {
            let (a, b) = items.split_at(items.len() / 2);
            if fails(a) {
                bisect(a, fails)
            } else if fails(b) {
                bisect(b, fails)
            } else {
                items
                    .iter()
                    .find(|i| fails(std::slice::from_ref(*i)))
                    .cloned()
            }
        }
    }
}

/// `name` and every component schema it reaches through `$ref`s.
pub fn references(schemas: &Map<String, Value>, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([name.to_owned()]);
    while let Some(next) = queue.pop_front() {
        if let Some(schema) = schemas.get(&next)
            && seen.insert(next)
        {
            spec::collect_refs(schema, &mut queue);
        }
    }
    seen
}

//! Response rules: progenitor 0.15 gives each operation one success type and one error type
//! (it asserts on more). Real specs answer 200 with one body and 201 with another, list a
//! body-less 404 beside a JSON 400, or pair a `default` error with a 2xx. These rules turn each
//! into a shape progenitor takes, deterministically, without losing a status:
//!
//! | rule | what it does |
//! | --- | --- |
//! | `default-response-as-error` | beside explicit 2xx responses, `default` describes errors: it becomes `4XX` and `5XX` (those not listed) |
//! | `default-response-as-success` | beside error statuses only, `default` describes success: it becomes `2XX` |
//! | `unify-success-bodies` | different JSON success bodies -> one merged schema `<OperationId>Success` (below) |
//! | `unify-error-bodies` | different JSON error bodies -> one merged schema `<OperationId>Error` |
//! | `mixed-success-bodies-as-bytes` | a JSON success body beside a body-less or non-JSON one -> every success status answers raw bytes (`ByteStream`), status in hand |
//! | `error-statuses-to-unexpected-response` | body-less or non-JSON error statuses beside a JSON one are left to `Error::UnexpectedResponse`, which keeps the whole response |
//! | `json-body-without-schema` | an `application/json` response without a schema gets `{}` (any JSON value) |
//!
//! A merged schema is an object with every property of every body, none required; a property
//! the bodies type differently becomes any JSON value. When a body is not an object (an array,
//! a string, a `oneOf`), the merged schema is any JSON value. Its description names each status
//! and its schema, so a caller who needs one strictly can decode the value again by status.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::report::Report;
use crate::spec::{self, escape};

/// The three kinds of response body progenitor tells apart, with the schema of a JSON one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Body {
    None,
    Raw,
    Json(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Success,
    Error,
}

fn class_of(status: &str, has_success: bool) -> Option<Class> {
    match status.as_bytes().first() {
        Some(b'2') => Some(Class::Success),
        Some(b'4' | b'5') => Some(Class::Error),
        // Only ever alone (see `unify_operation`).
        _ if status == "default" && !has_success => Some(Class::Success),
        _ => None,
    }
}

/// Runs the response rules on every operation of a 3.0 document, in place.
pub fn unify(doc: &mut Value, report: &mut Report) -> Result<()> {
    for (path, method) in spec::operations(doc) {
        let place = format!("/paths/{}/{method}", escape(&path));
        unify_operation(doc, &path, &method, report)
            .map_err(|e| Error::msg(format!("{place}: {e}")))?;
    }
    Ok(())
}

fn unify_operation(doc: &mut Value, path: &str, method: &str, report: &mut Report) -> Result<()> {
    let op = &doc["paths"][path][method];
    let id = op["operationId"].as_str().unwrap_or("?").to_owned();
    let Some(Value::Object(responses)) = op.get("responses") else {
        return Ok(());
    };
    // Inline every response (a shared component response may be rewritten for one operation).
    let mut responses: Map<String, Value> = responses
        .iter()
        .map(|(status, r)| Ok((status.clone(), spec::resolve(doc, r)?.clone())))
        .collect::<Result<_>>()?;
    let original = responses.clone();

    for response in responses.values_mut() {
        if let Some(Value::Object(content)) = response.get_mut("content") {
            for (media, object) in content.iter_mut() {
                if is_json(media) && object.get("schema").is_none() {
                    object["schema"] = json!({});
                    report.fired("json-body-without-schema", format!("{id} {media}"));
                }
            }
        }
    }

    // progenitor counts `default` as a success *and* an error: beside other statuses it must
    // become one of the two.
    let has_success = responses.keys().any(|s| s.starts_with('2'));
    let has_error = responses.keys().any(|s| s.starts_with(['4', '5']));
    if let Some(default) = responses.get("default").cloned() {
        let ranges: &[&str] = if has_success {
            &["4XX", "5XX"]
        } else if has_error {
            &["2XX"]
        } else {
            &[]
        };
        if !ranges.is_empty() {
            responses.shift_remove("default");
            for range in ranges {
                if !responses.contains_key(*range) {
                    responses.insert((*range).into(), default.clone());
                }
            }
            let rule = if has_success {
                "default-response-as-error"
            } else {
                "default-response-as-success"
            };
            report.fired(rule, id.clone());
        }
    }
    let has_success = responses.keys().any(|s| s.starts_with('2'));

    for class in [Class::Success, Class::Error] {
        let statuses: Vec<String> = responses
            .keys()
            .filter(|s| class_of(s, has_success) == Some(class))
            .cloned()
            .collect();
        let bodies: BTreeSet<Body> = statuses.iter().map(|s| body(&responses[s])).collect();
        if bodies.len() < 2 {
            continue;
        }
        let json: Vec<(String, Value)> = statuses
            .iter()
            .filter_map(|s| json_schema(&responses[s]).map(|schema| (s.clone(), schema.clone())))
            .collect();
        let distinct_json: BTreeSet<String> = json.iter().map(|(_, s)| s.to_string()).collect();
        let others: Vec<&String> = statuses
            .iter()
            .filter(|s| !matches!(body(&responses[*s]), Body::Json(_)))
            .collect();
        match class {
            Class::Success if !others.is_empty() => {
                for status in &statuses {
                    responses[status.as_str()]["content"] = json!({
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    });
                }
                report.fired(
                    "mixed-success-bodies-as-bytes",
                    format!("{id} ({})", statuses.join(", ")),
                );
                continue;
            }
            Class::Error if !others.is_empty() && !json.is_empty() => {
                for status in &others {
                    responses.shift_remove(status.as_str());
                }
                let dropped: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
                report.fired(
                    "error-statuses-to-unexpected-response",
                    format!("{id} ({})", dropped.join(", ")),
                );
            }
            Class::Error if json.is_empty() => {
                // Body-less and non-JSON errors only: all raw.
                for status in &statuses {
                    responses[status.as_str()]["content"] = json!({
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    });
                }
                continue;
            }
            _ => {}
        }
        if distinct_json.len() > 1 {
            let (rule, suffix) = match class {
                Class::Success => ("unify-success-bodies", "Success"),
                Class::Error => ("unify-error-bodies", "Error"),
            };
            let name = {
                let schemas = doc.pointer("/components/schemas");
                spec::unique_name(&format!("{}{suffix}", spec::pascal(&id)), |n| {
                    schemas.is_some_and(|s| s.get(n).is_some())
                })
            };
            let merged = merge(doc, &id, suffix, &json)?;
            let summary: Vec<String> = json
                .iter()
                .map(|(status, schema)| format!("{status} {}", schema_label(schema)))
                .collect();
            report.fired(rule, format!("{id}: {} -> {name}", summary.join(" | ")));
            insert_schema(doc, &name, merged);
            let reference = json!({"$ref": format!("#/components/schemas/{}", escape(&name))});
            for (status, _) in &json {
                let content = responses[status.as_str()]["content"]
                    .as_object_mut()
                    .expect("a JSON body has content");
                for (media, object) in content.iter_mut() {
                    if is_json(media) {
                        object["schema"] = reference.clone();
                    }
                }
            }
        }
    }

    if responses != original {
        let op = spec::operation_mut(doc, path, method).expect("the operation exists");
        op["responses"] = Value::Object(responses);
    }
    Ok(())
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

/// The body kind of an (inlined) response, as progenitor classifies it.
fn body(response: &Value) -> Body {
    match response.get("content").and_then(Value::as_object) {
        None => Body::None,
        Some(content) if content.is_empty() => Body::None,
        Some(_) => match json_schema(response) {
            Some(schema) => Body::Json(schema.to_string()),
            None => Body::Raw,
        },
    }
}

fn json_schema(response: &Value) -> Option<&Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media, _)| is_json(media))
        .and_then(|(_, object)| object.get("schema"))
}

/// `A` for a `$ref` to schema A, `inline` otherwise.
fn schema_label(schema: &Value) -> String {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(spec::schema_name)
        .unwrap_or_else(|| "inline".into())
}

fn insert_schema(doc: &mut Value, name: &str, schema: Value) {
    let root = doc.as_object_mut().expect("a document is a mapping");
    let components = root.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .expect("components is a mapping")
        .entry("schemas")
        .or_insert_with(|| json!({}));
    schemas
        .as_object_mut()
        .expect("schemas is a mapping")
        .insert(name.into(), schema);
}

/// The properties of an object schema, following `$ref`s and `allOf`; `None` for a schema
/// that is not a plain object.
fn object_properties(doc: &Value, schema: &Value) -> Result<Option<Map<String, Value>>> {
    let schema = spec::resolve(doc, schema)?;
    let Some(map) = schema.as_object() else {
        return Ok(None);
    };
    if map.contains_key("oneOf") || map.contains_key("anyOf") || map.contains_key("not") {
        return Ok(None);
    }
    let typed_object = map.get("type") == Some(&json!("object"));
    let mut properties = Map::new();
    if let Some(Value::Array(parts)) = map.get("allOf") {
        for part in parts {
            match object_properties(doc, part)? {
                Some(p) => properties.extend(p),
                None => return Ok(None),
            }
        }
    } else if !typed_object && !map.contains_key("properties") {
        return Ok(None);
    }
    if let Some(Value::Object(own)) = map.get("properties") {
        properties.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok(Some(properties))
}

/// The merged schema of an operation's different JSON bodies (see the module docs).
fn merge(doc: &Value, id: &str, suffix: &str, bodies: &[(String, Value)]) -> Result<Value> {
    let by_status: Vec<String> = bodies
        .iter()
        .map(|(status, schema)| format!("{status} -> `{}`", schema_label(schema)))
        .collect();
    let what = if suffix == "Success" {
        "success"
    } else {
        "error"
    };
    let mut description = format!(
        "The {what} body of `{id}`, which differs by status: {}. Merged by `cargo xtask \
         generate` (rule unify-{what}-bodies): every field of each body, none required.",
        by_status.join(", ")
    );
    let mut properties = Map::new();
    let mut conflicts = BTreeSet::new();
    for (_, schema) in bodies {
        let Some(own) = object_properties(doc, schema)? else {
            description.push_str(" A body is not an object, so this is any JSON value.");
            return Ok(json!({"description": description}));
        };
        for (name, property) in own {
            match properties.get(&name) {
                Some(existing) if *existing != property => {
                    conflicts.insert(name);
                }
                Some(_) => {}
                None => {
                    properties.insert(name, property);
                }
            }
        }
    }
    for name in &conflicts {
        properties.insert(
            name.clone(),
            json!({"description": "Typed differently by status: any JSON value."}),
        );
    }
    Ok(json!({"type": "object", "description": description, "properties": properties}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(schema: &str) -> Value {
        json!({"description": "", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    fn doc_with(responses: Value) -> Value {
        json!({"openapi": "3.0.1", "paths": {"/x": {"post": {"operationId": "create-thing", "responses": responses}}},
        "components": {"schemas": {
            "A": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"n": {"type": "string"}, "extra": {"type": "boolean"}}}]},
            "E": {"type": "object", "properties": {"message": {"type": "string"}}},
            "L": {"type": "array", "items": {"type": "string"}}
        }}})
    }

    fn run(doc: &mut Value) -> Report {
        let mut report = Report::default();
        unify(doc, &mut report).unwrap();
        report
    }

    #[test]
    fn two_success_bodies_merge_into_one_schema() {
        let mut doc = doc_with(json!({"200": body_of("A"), "201": body_of("B")}));
        let report = run(&mut doc);
        assert_eq!(
            report.lines(),
            ["rule unify-success-bodies: 1 (create-thing: 200 A | 201 B -> CreateThingSuccess)"]
        );
        let merged = &doc["components"]["schemas"]["CreateThingSuccess"];
        assert_eq!(
            merged["properties"],
            json!({"id": {"type": "string"}, "n": {"description": "Typed differently by status: any JSON value."}, "extra": {"type": "boolean"}})
        );
        assert!(merged.get("required").is_none());
        let responses = &doc["paths"]["/x"]["post"]["responses"];
        for status in ["200", "201"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"],
                json!({"$ref": "#/components/schemas/CreateThingSuccess"})
            );
        }
    }

    #[test]
    fn a_non_object_body_merges_into_any_value() {
        let mut doc = doc_with(json!({"200": body_of("A"), "202": body_of("L")}));
        run(&mut doc);
        let merged = &doc["components"]["schemas"]["CreateThingSuccess"];
        assert!(merged.get("type").is_none());
        assert!(
            merged["description"]
                .as_str()
                .unwrap()
                .contains("any JSON value")
        );
    }

    #[test]
    fn default_beside_success_becomes_the_error_ranges() {
        let mut doc = doc_with(
            json!({"200": body_of("A"), "404": {"description": "gone"}, "default": body_of("E")}),
        );
        let report = run(&mut doc);
        let responses = doc["paths"]["/x"]["post"]["responses"].as_object().unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "4XX", "5XX"]);
        assert_eq!(
            report.details("default-response-as-error"),
            ["create-thing"]
        );
        assert_eq!(
            report.details("error-statuses-to-unexpected-response"),
            ["create-thing (404)"]
        );
    }

    #[test]
    fn default_beside_errors_only_is_the_success() {
        let mut doc = doc_with(json!({"400": body_of("E"), "default": body_of("A")}));
        let report = run(&mut doc);
        let responses = doc["paths"]["/x"]["post"]["responses"].as_object().unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["400", "2XX"]);
        assert_eq!(
            report.details("default-response-as-success"),
            ["create-thing"]
        );
    }

    #[test]
    fn different_error_bodies_merge_and_body_less_success_mixes_go_raw() {
        let mut doc = doc_with(json!({"200": body_of("A"), "204": {"description": ""},
                                      "400": body_of("E"), "500": body_of("A")}));
        let report = run(&mut doc);
        let responses = &doc["paths"]["/x"]["post"]["responses"];
        for status in ["200", "204"] {
            assert!(responses[status]["content"]["application/octet-stream"].is_object());
        }
        assert_eq!(
            report.details("mixed-success-bodies-as-bytes"),
            ["create-thing (200, 204)"]
        );
        assert_eq!(
            report.details("unify-error-bodies"),
            ["create-thing: 400 E | 500 A -> CreateThingError"]
        );
    }

    #[test]
    fn one_body_per_class_is_left_alone() {
        for responses in [
            json!({"200": body_of("A"), "201": body_of("A"), "400": body_of("E"), "500": body_of("E")}),
            json!({"default": body_of("A")}),
        ] {
            let original = doc_with(responses);
            let mut doc = original.clone();
            let report = run(&mut doc);
            assert_eq!(doc, original);
            assert!(report.lines().is_empty());
        }
    }
}

//! Lenient response types: the generated client decodes what Gong actually sends, and loses
//! none of it.
//!
//! The bundled spec stays an accurate description of Gong's API (Prism and the validator read
//! it). The *generated client* must however decode what Gong sends, and Gong adds fields and
//! enum values without warning (gong-reference.md), while progenitor's enums have no fallback
//! variant. So, for every schema reachable from a response:
//!
//! | rule | what it does |
//! | --- | --- |
//! | `lenient-enums` | a string `enum` is dropped (the field decodes as `String`); its values stay in the description as "Known values" |
//! | `lenient-date-formats` | `format: date-time` / `date` is dropped: Gong's timestamps come in several forms (no zone, even a number), which a `chrono` type would reject |
//! | `keep-unknown-fields` | an object gets `additionalProperties: {}`, so its type keeps every field it does not name in a flattened `extra` map and serialises it back: nothing of Gong's answer is lost |
//! | `split-shared-schemas` | a component schema reached from a request *and* a response, which the rules above would loosen, is copied: responses use `<Name>Response` (lenient), requests keep `<Name>` with its checks |
//!
//! Request-side schemas keep their constraints. An object reached from both sides keeps its
//! unknown fields on both (an empty `extra` map sends nothing), so only enum and date
//! loosening makes a split.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::report::Report;
use crate::schema_rules::NO_EXTRA;
use crate::spec::{self, METHODS, collect_refs, escape};

/// What one pass of the rules changed.
#[derive(Default)]
struct Counts {
    enums: usize,
    dates: usize,
    objects: usize,
}

/// Makes response schemas lenient (see the module docs), in place.
pub fn make_responses_lenient(doc: &mut Value, report: &mut Report) -> Result<()> {
    let request_side = closure(doc, request_roots(doc))?;
    let mut roots = VecDeque::new();
    for response in all_responses_mut(doc) {
        collect_refs(response, &mut roots);
    }
    let response_side = closure(doc, roots)?;

    // Which response-side components the loosening rules change, directly or through a
    // component they refer to (whose reference would then change).
    let schema = |doc: &Value, name: &str| -> Value {
        doc.pointer(&format!("/components/schemas/{}", escape(name)))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut differs: BTreeSet<String> = response_side
        .iter()
        .filter(|name| {
            let original = schema(doc, name);
            let mut loosened = original.clone();
            loosen(&mut loosened, &mut Counts::default());
            loosened != original
        })
        .cloned()
        .collect();
    loop {
        let more: Vec<String> = response_side
            .iter()
            .filter(|name| !differs.contains(*name))
            .filter(|name| {
                let mut refs = VecDeque::new();
                collect_refs(&schema(doc, name), &mut refs);
                refs.iter().any(|r| differs.contains(r))
            })
            .cloned()
            .collect();
        if more.is_empty() {
            break;
        }
        differs.extend(more);
    }

    let mut split: BTreeMap<String, String> = BTreeMap::new();
    for name in response_side.intersection(&request_side) {
        if differs.contains(name) {
            let taken = |n: &str| {
                doc.pointer(&format!("/components/schemas/{}", escape(n)))
                    .is_some()
                    || split.values().any(|v| v == n)
            };
            let new = spec::unique_name(&format!("{name}Response"), taken);
            report.fired("split-shared-schemas", format!("{name} -> {new}"));
            split.insert(name.clone(), new);
        }
    }

    let mut counts = Counts::default();
    for response in all_responses_mut(doc) {
        if let Some(Value::Object(content)) = response.get_mut("content") {
            for media in content.values_mut() {
                if let Some(schema) = media.get_mut("schema") {
                    rename_refs(schema, &split);
                    loosen(schema, &mut counts);
                    keep_unknown_fields(schema, &mut counts);
                }
            }
        }
    }
    for name in &response_side {
        let pointer = format!("/components/schemas/{}", escape(name));
        let original = doc.pointer_mut(&pointer).expect("in the closure");
        keep_unknown_fields(original, &mut counts);
        if let Some(new) = split.get(name) {
            let mut copy = original.clone();
            rename_refs(&mut copy, &split);
            loosen(&mut copy, &mut counts);
            doc["components"]["schemas"]
                .as_object_mut()
                .expect("schemas")
                .insert(new.clone(), copy);
        } else if !request_side.contains(name) {
            rename_refs(original, &split);
            loosen(original, &mut counts);
        }
    }
    report.count("lenient-enums", counts.enums);
    report.count("lenient-date-formats", counts.dates);
    report.count("keep-unknown-fields", counts.objects);
    Ok(())
}

/// The parameters and request bodies of the document: the roots of the request side.
fn request_roots(doc: &Value) -> VecDeque<String> {
    let mut roots = VecDeque::new();
    for pointer in ["/components/parameters", "/components/requestBodies"] {
        if let Some(value) = doc.pointer(pointer) {
            collect_refs(value, &mut roots);
        }
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values().filter_map(Value::as_object) {
            if let Some(parameters) = item.get("parameters") {
                collect_refs(parameters, &mut roots);
            }
            for (method, op) in item {
                if METHODS.contains(&method.as_str()) {
                    for key in ["parameters", "requestBody"] {
                        if let Some(value) = op.get(key) {
                            collect_refs(value, &mut roots);
                        }
                    }
                }
            }
        }
    }
    roots
}

/// The component schemas reachable from `roots`.
fn closure(doc: &Value, mut pending: VecDeque<String>) -> Result<BTreeSet<String>> {
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = doc
            .pointer(&format!("/components/schemas/{}", escape(&name)))
            .ok_or_else(|| {
                Error::msg(format!(
                    "#/components/schemas/{name} is referenced but not defined"
                ))
            })?;
        collect_refs(schema, &mut pending);
    }
    Ok(seen)
}

/// Points every `$ref` to a split schema at its response-side copy.
fn rename_refs(value: &mut Value, split: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = spec::schema_name(reference).and_then(|n| split.get(&n))
            {
                *reference = format!("#/components/schemas/{}", escape(new));
            }
            map.values_mut().for_each(|v| rename_refs(v, split));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, split)),
        _ => {}
    }
}

/// Applies `apply` to a schema and to each of its subschemas. It walks the schema structure
/// (not every map it meets), so a property named `enum`, `default` or `example` is a schema
/// like any other, and example data is never touched.
fn walk_schema(schema: &mut Value, apply: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = schema else {
        return;
    };
    apply(map);
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            walk_schema(child, apply);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(|item| walk_schema(item, apply));
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties
            .values_mut()
            .for_each(|property| walk_schema(property, apply));
    }
}

/// `lenient-enums` and `lenient-date-formats` on a schema and its subschemas.
fn loosen(schema: &mut Value, counts: &mut Counts) {
    walk_schema(schema, &mut |map| relax_string(map, counts));
}

/// `keep-unknown-fields` on a schema and its subschemas: every object schema with no
/// `additionalProperties` schema of its own gets `{}`.
fn keep_unknown_fields(schema: &mut Value, counts: &mut Counts) {
    walk_schema(schema, &mut |map| {
        let object = map.get("type") == Some(&json!("object")) || map.contains_key("properties");
        // `true`, `false` or absent: typify would ignore (or deny) unknown fields.
        let closed = matches!(map.get("additionalProperties"), None | Some(Value::Bool(_)));
        // An object with an `extra` property keeps no map (rule `unknown-fields-name`).
        if object && closed && !map.contains_key("allOf") && !map.contains_key(NO_EXTRA) {
            map.insert("additionalProperties".into(), json!({}));
            counts.objects += 1;
        }
    });
}

/// Drops a string enum (any enum whose values are all strings, typed or not) and a date format.
fn relax_string(map: &mut Map<String, Value>, counts: &mut Counts) {
    let string_enum = matches!(map.get("enum"), Some(Value::Array(values)) if values.iter().all(Value::is_string));
    if string_enum && let Some(Value::Array(values)) = map.remove("enum") {
        counts.enums += 1;
        let known = values
            .iter()
            .map(|v| match v {
                Value::String(s) => format!("`{s}`"),
                other => format!("`{other}`"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let note = format!(
            "Known values: {known}. Decoded as a string: Gong adds values without warning."
        );
        let description = match map.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\n{note}"),
            None => note,
        };
        map.insert("description".into(), Value::String(description));
    }
    if map.get("type") == Some(&json!("string"))
        && matches!(
            map.get("format").and_then(Value::as_str),
            Some("date-time" | "date")
        )
    {
        counts.dates += 1;
        map.remove("format");
    }
}

/// Every response object of the document (components and operations).
fn all_responses_mut(doc: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let Value::Object(root) = doc else {
        return out;
    };
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "components" => {
                if let Some(Value::Object(responses)) = value.get_mut("responses") {
                    out.extend(responses.values_mut());
                }
            }
            "paths" => {
                if let Value::Object(paths) = value {
                    for item in paths.values_mut() {
                        let Value::Object(item) = item else { continue };
                        for (method, op) in item.iter_mut() {
                            if METHODS.contains(&method.as_str())
                                && let Some(Value::Object(responses)) = op.get_mut("responses")
                            {
                                out.extend(responses.values_mut());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: &mut Value) -> Report {
        let mut report = Report::default();
        make_responses_lenient(doc, &mut report).unwrap();
        report
    }

    #[test]
    fn response_schemas_become_lenient_and_request_schemas_do_not() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Res"}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "string", "enum": ["a"]},
                "Res": {"type": "object", "additionalProperties": false, "properties": {
                    "status": {"type": "string", "description": "State.", "enum": ["DONE", "FAILED"]},
                    "at": {"type": "string", "format": "date-time"},
                    "nested": {"$ref": "#/components/schemas/Nested"}
                }},
                "Nested": {"type": "string", "enum": ["x"]}
            }}
        });
        let report = run(&mut doc);
        let res = &doc["components"]["schemas"]["Res"];
        assert_eq!(
            res["additionalProperties"],
            json!({}),
            "unknown fields are kept"
        );
        assert!(res["properties"]["status"].get("enum").is_none());
        assert_eq!(
            res["properties"]["status"]["description"],
            "State.\n\nKnown values: `DONE`, `FAILED`. Decoded as a string: Gong adds values without warning."
        );
        assert_eq!(res["properties"]["at"], json!({"type": "string"}));
        assert!(doc["components"]["schemas"]["Nested"].get("enum").is_none());
        assert_eq!(doc["components"]["schemas"]["Req"]["enum"], json!(["a"]));
        assert_eq!(
            report.lines(),
            [
                "rule lenient-enums: 2",
                "rule lenient-date-formats: 1",
                "rule keep-unknown-fields: 1"
            ]
        );
    }

    #[test]
    fn properties_named_like_keywords_are_relaxed_too() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "default": {"type": "string", "enum": ["A"]},
                    "example": {"type": "array", "items": {"type": "string", "enum": ["B"]}}
                },
                "example": {"default": "A"}
            }}}}}}}}
        });
        run(&mut doc);
        let schema = doc
            .pointer("/paths/~1x/get/responses/200/content/application~1json/schema")
            .unwrap();
        assert!(schema["properties"]["default"].get("enum").is_none());
        assert!(
            schema["properties"]["example"]["items"]
                .get("enum")
                .is_none()
        );
        assert_eq!(
            schema["example"],
            json!({"default": "A"}),
            "example data is left alone"
        );
    }

    #[test]
    fn untyped_string_enums_are_relaxed_and_numeric_ones_kept() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "kind": {"enum": ["A"]},
                    "level": {"type": "integer", "enum": [1, 2]}
                }
            }}}}}}}}
        });
        run(&mut doc);
        let props = doc
            .pointer("/paths/~1x/get/responses/200/content/application~1json/schema/properties")
            .unwrap();
        assert!(props["kind"].get("enum").is_none());
        assert_eq!(props["level"]["enum"], json!([1, 2]));
    }

    #[test]
    fn a_schema_shared_by_requests_and_responses_is_split() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"post": {
                "parameters": [{"name": "s", "in": "query", "schema": {"$ref": "#/components/schemas/State"}}],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}}}
            }}},
            "components": {"schemas": {
                "State": {"type": "string", "enum": ["ON", "OFF"]},
                "Thing": {"type": "object", "properties": {"state": {"$ref": "#/components/schemas/State"}, "n": {"type": "integer"}}},
                "Plain": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "Envelope": {"type": "object", "properties": {
                    "thing": {"$ref": "#/components/schemas/Thing"},
                    "plain": {"$ref": "#/components/schemas/Plain"}
                }},
                "ThingResponse": {"type": "string"}
            }}
        });
        let report = run(&mut doc);
        assert_eq!(
            report.details("split-shared-schemas"),
            ["State -> StateResponse", "Thing -> ThingResponse2"]
        );
        let schemas = &doc["components"]["schemas"];
        // Requests keep their checks.
        assert_eq!(schemas["State"]["enum"], json!(["ON", "OFF"]));
        assert_eq!(
            schemas["Thing"]["properties"]["state"],
            json!({"$ref": "#/components/schemas/State"})
        );
        // Responses use the lenient copies.
        assert!(schemas["StateResponse"].get("enum").is_none());
        assert_eq!(
            schemas["ThingResponse2"]["properties"]["state"],
            json!({"$ref": "#/components/schemas/StateResponse"})
        );
        assert_eq!(
            schemas["Envelope"]["properties"]["thing"],
            json!({"$ref": "#/components/schemas/ThingResponse2"})
        );
        // Plain is reached from responses only: loosened in place, never split.
        assert_eq!(
            schemas["Envelope"]["properties"]["plain"],
            json!({"$ref": "#/components/schemas/Plain"})
        );
        assert_eq!(schemas["Thing"]["additionalProperties"], json!({}));
    }
}

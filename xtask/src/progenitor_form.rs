//! The last step before progenitor: lenient response types, and a check of the shapes
//! progenitor 0.15 cannot generate.
//!
//! The bundled spec stays an accurate description of Gong's API (Prism and the validator read
//! it). The *generated client* must however decode what Gong actually sends, and Gong adds
//! fields and enum values without warning (gong-reference.md), while progenitor's enums have no
//! fallback variant. So, for every schema reachable from a response:
//!
//! - a string `enum` is dropped (the field decodes as `String`) and its values are kept in the
//!   description as "Known values";
//! - `format: date-time` / `date` is dropped: Gong's timestamps come in several forms (an
//!   ISO-8601 string without zone, even a number in its own examples), and a `chrono` type would
//!   reject them.
//!
//! Unknown *fields* already decode: typify only denies them for `additionalProperties: false`,
//! which is removed here too.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::downconvert::escape;
use crate::error::{Error, Result};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Makes response schemas lenient (see the module docs), in place. Fails when a component
/// schema it would loosen is also used by a request: that would drop request-side checks.
pub fn make_responses_lenient(doc: &mut Value) -> Result<()> {
    let request_side = request_schemas(doc);
    // Inline response schemas, and the component schemas they reach.
    let mut pending: VecDeque<String> = VecDeque::new();
    for response in all_responses_mut(doc) {
        if let Some(Value::Object(content)) = response.get_mut("content") {
            for media in content.values_mut() {
                if let Some(schema) = media.get_mut("schema") {
                    collect_refs(schema, &mut pending);
                    lenient_schema(schema);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = doc
            .pointer_mut(&format!("/components/schemas/{}", escape(&name)))
            .ok_or_else(|| {
                Error::msg(format!(
                    "#/components/schemas/{name} is referenced but not defined"
                ))
            })?;
        collect_refs(schema, &mut pending);
        let before = schema.clone();
        lenient_schema(schema);
        if *schema != before && request_side.contains(&name) {
            return Err(Error::msg(format!(
                "#/components/schemas/{name} is used by requests and responses alike; making \
                 its response side lenient would drop request-side checks. Patch it into two \
                 schemas"
            )));
        }
    }
    Ok(())
}

/// The component schemas reachable from request bodies and parameters.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut pending = VecDeque::new();
    if let Some(parameters) = doc.pointer("/components/parameters") {
        collect_refs(parameters, &mut pending);
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values().filter_map(Value::as_object) {
            if let Some(parameters) = item.get("parameters") {
                collect_refs(parameters, &mut pending);
            }
            for (method, op) in item {
                if METHODS.contains(&method.as_str()) {
                    for key in ["parameters", "requestBody"] {
                        if let Some(value) = op.get(key) {
                            collect_refs(value, &mut pending);
                        }
                    }
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop_front() {
        if seen.insert(name.clone())
            && let Some(schema) = doc.pointer(&format!("/components/schemas/{}", escape(&name)))
        {
            collect_refs(schema, &mut pending);
        }
    }
    seen
}

/// Relaxes one schema and its subschemas. It walks the schema structure (not every map it
/// meets), so a property named `enum`, `default` or `example` is a schema like any other, and
/// example data is never touched.
fn lenient_schema(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    relax_string(map);
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        map.remove("additionalProperties");
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            lenient_schema(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(lenient_schema);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.values_mut().for_each(lenient_schema);
    }
}

/// Drops a string enum (any enum whose values are all strings, typed or not) and a date format.
fn relax_string(map: &mut Map<String, Value>) {
    let string_enum = matches!(map.get("enum"), Some(Value::Array(values)) if values.iter().all(Value::is_string));
    if string_enum && let Some(Value::Array(values)) = map.remove("enum") {
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
        map.remove("format");
    }
}

fn collect_refs(schema: &Value, out: &mut VecDeque<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push_back(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

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

/// Fails, naming the operation, on shapes progenitor 0.15 cannot generate: its success
/// responses (2xx) must share one body type, and so must its error responses (4xx, 5xx,
/// `default`); a request body may have one media type only. (progenitor asserts or `todo!`s
/// on these; this check turns the panic into an error a maintainer can act on.)
pub fn check_shapes(doc: &Value) -> Result<()> {
    let empty = Map::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let place = format!("/paths/{}/{method}", escape(path));
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::msg(format!("{place}: no operationId")))?;
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            for (class, is_class) in [
                ("success", is_success as fn(&str) -> bool),
                ("error", is_error),
            ] {
                let bodies: BTreeSet<String> = responses
                    .iter()
                    .filter(|(status, _)| is_class(status))
                    .map(|(_, r)| body_kind(doc, r))
                    .collect::<Result<_>>()
                    .map_err(|e| Error::msg(format!("{place} ({id}): {e}")))?;
                if bodies.len() > 1 {
                    return Err(Error::msg(format!(
                        "{place} ({id}): its {class} responses have {} different bodies \
                         ({}); progenitor 0.15 needs one body type per class. Patch the spec so \
                         they share one schema",
                        bodies.len(),
                        bodies.into_iter().collect::<Vec<_>>().join(" | ")
                    )));
                }
            }
            if let Some(content) = op
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                && content.len() > 1
            {
                return Err(Error::msg(format!(
                    "{place} ({id}): its request body has {} media types; progenitor 0.15 \
                     takes one",
                    content.len()
                )));
            }
        }
    }
    Ok(())
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5') || status == "default"
}

/// What a response decodes to: "none", "raw", or its JSON schema (a `$ref` or inline).
fn body_kind(doc: &Value, response: &Value) -> Result<String> {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r
                .strip_prefix('#')
                .ok_or_else(|| Error::msg(format!("external $ref {r} is not supported")))?;
            doc.pointer(pointer)
                .ok_or_else(|| Error::msg(format!("$ref {r} points at nothing")))?
        }
        None => response,
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok("none".into());
    };
    match content
        .get("application/json")
        .and_then(|m| m.get("schema"))
    {
        Some(schema) => Ok(schema.to_string()),
        None if content.is_empty() => Ok("none".into()),
        None => Ok("raw".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op_with(responses: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {"/x": {"get": {"operationId": "op", "responses": responses}}},
               "components": {"schemas": {"A": {}, "B": {}},
                              "responses": {"Err": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}})
    }

    fn json_body(schema: &str) -> Value {
        json!({"description": "", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    #[test]
    fn one_body_per_class_passes() {
        let doc = op_with(json!({
            "200": json_body("A"), "201": json_body("A"),
            "400": {"$ref": "#/components/responses/Err"}, "500": json_body("B")
        }));
        check_shapes(&doc).unwrap();
    }

    #[test]
    fn mixed_success_bodies_are_an_error_naming_the_operation() {
        let doc = op_with(json!({"200": json_body("A"), "204": {"description": ""}}));
        let msg = check_shapes(&doc).unwrap_err().to_string();
        assert!(
            msg.starts_with("/paths/~1x/get (op): its success responses have 2"),
            "{msg}"
        );
    }

    #[test]
    fn mixed_error_bodies_are_an_error() {
        let doc =
            op_with(json!({"200": json_body("A"), "400": json_body("A"), "401": json_body("B")}));
        assert!(
            check_shapes(&doc)
                .unwrap_err()
                .to_string()
                .contains("error responses")
        );
    }

    #[test]
    fn dangling_response_ref_is_an_error() {
        let doc = op_with(json!({"400": {"$ref": "#/components/responses/Nope"}}));
        assert!(
            check_shapes(&doc)
                .unwrap_err()
                .to_string()
                .contains("points at nothing")
        );
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
        make_responses_lenient(&mut doc).unwrap();
        let res = &doc["components"]["schemas"]["Res"];
        assert!(res.get("additionalProperties").is_none());
        assert!(res["properties"]["status"].get("enum").is_none());
        assert_eq!(
            res["properties"]["status"]["description"],
            "State.\n\nKnown values: `DONE`, `FAILED`. Decoded as a string: Gong adds values without warning."
        );
        assert_eq!(res["properties"]["at"], json!({"type": "string"}));
        assert!(doc["components"]["schemas"]["Nested"].get("enum").is_none());
        assert_eq!(doc["components"]["schemas"]["Req"]["enum"], json!(["a"]));
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
        make_responses_lenient(&mut doc).unwrap();
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
        make_responses_lenient(&mut doc).unwrap();
        let props = doc
            .pointer("/paths/~1x/get/responses/200/content/application~1json/schema/properties")
            .unwrap();
        assert!(props["kind"].get("enum").is_none());
        assert_eq!(props["level"]["enum"], json!([1, 2]));
    }

    #[test]
    fn a_schema_shared_by_requests_and_responses_is_not_loosened_silently() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"post": {
                "parameters": [{"name": "s", "in": "query", "schema": {"$ref": "#/components/schemas/State"}}],
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/State"}}}}}
            }}},
            "components": {"schemas": {"State": {"type": "string", "enum": ["ON", "OFF"]}}}
        });
        let err = make_responses_lenient(&mut doc).unwrap_err().to_string();
        assert!(
            err.contains("#/components/schemas/State is used by requests and responses"),
            "{err}"
        );
    }
}

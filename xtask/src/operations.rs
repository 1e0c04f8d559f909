// Over 500 lines: the operation rules share one walk over paths, operations and parameters.
//! Operation-level rules: what progenitor 0.15 needs of each operation, and the operations it
//! cannot generate at all.
//!
//! | rule | what it does |
//! | --- | --- |
//! | `parameter-style-case` | `style: FORM` -> `form` wherever OpenAPI allows `style` (parameters, headers in components, responses and encodings; exporters write enum names; openapiv3 rejects them) |
//! | `path-parameters-required` | a path parameter without `required: true` gets it (OpenAPI requires it; progenitor asserts it) |
//! | `scalar-path-and-header-parameters` | a path or header parameter progenitor cannot write (`to_string()` on an `Option`, a `Vec` or a struct): its `nullable` is dropped; an array or object schema becomes a string written as `simple` style sends it (`a,b,c`); an `anyOf` (typify's struct of optional alternatives; threatjammer's IPv4-or-IPv6 `{address}`) becomes a string holding one alternative's text |
//! | `operation-ids` | an operation without `operationId` gets `<method>_<path>`; a repeated one gets a number |
//! | `responses-required` | an operation without `responses` (openapiv3 requires them) gets `default` with no body |
//! | `request-media-type` | of several request media types, `application/json` (else the first progenitor takes) is kept |
//! | `skip-unsupported-operations` | an operation progenitor cannot generate (also `OPTIONS` and `TRACE`: reqwest's client has no such method) is left out with a warning naming method, path and reason |
//! | `unmockable-operations` | (typed mocks only) an operation whose progenitor httpmock code would not compile, or whose mock it panics on (a path holding `#` or `?`, a status without a reason phrase), has no typed mock; the client keeps it |
//!
//! Leaving one operation out never blocks regenerating the others; `cargo xtask generate
//! --strict` turns every left-out operation into a failure.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::degrade::remove_operation;
use crate::error::Result;
use crate::report::Report;
use crate::spec::{self, METHODS};

/// The parameter styles OpenAPI 3.0 defines, as openapiv3 spells them.
const STYLES: [&str; 7] = [
    "form",
    "simple",
    "label",
    "matrix",
    "spaceDelimited",
    "pipeDelimited",
    "deepObject",
];

/// The status codes the `http` crate knows a reason phrase for (AWS's specs use 480-49x for
/// their error types, which have none).
const CANONICAL_STATUSES: [u16; 62] = [
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
    305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
    416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
    506, 507, 508, 510, 511,
];

/// Runs the operation rules on a 3.0 document, in place.
pub fn normalise(doc: &mut Value, report: &mut Report) -> Result<()> {
    parameters(doc, report);
    operation_ids(doc, report);
    for (path, method) in spec::operations(doc) {
        if let Some(Value::Object(op)) = spec::operation_mut(doc, &path, &method)
            && !op.get("responses").is_some_and(Value::is_object)
        {
            op.insert(
                "responses".into(),
                json!({"default": {"description": "No response is documented."}}),
            );
            report.fired(
                "responses-required",
                format!("{} {path}", method.to_uppercase()),
            );
        }
    }
    for (path, method) in spec::operations(doc) {
        let reason = unsupported(doc, &path, &method)?;
        if let Some(reason) = reason {
            remove_operation(doc, &path, &method);
            report.fired(
                "skip-unsupported-operations",
                format!("{} {path}", method.to_uppercase()),
            );
            report.skip(&method, &path, reason);
            continue;
        }
        pick_request_media_type(doc, &path, &method, report);
    }
    Ok(())
}

/// Every parameter object of the document (components, path items, operations).
fn parameters_mut(doc: &mut Value) -> Vec<&mut Value> {
    let mut out: Vec<&mut Value> = Vec::new();
    let Value::Object(root) = doc else { return out };
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "components" => {
                if let Some(Value::Object(params)) = value.get_mut("parameters") {
                    out.extend(params.values_mut());
                }
            }
            "paths" => {
                let Value::Object(paths) = value else {
                    continue;
                };
                for item in paths.values_mut().filter_map(Value::as_object_mut) {
                    for (key, value) in item.iter_mut() {
                        let list = if key == "parameters" {
                            Some(value)
                        } else if METHODS.contains(&key.as_str()) {
                            value.get_mut("parameters")
                        } else {
                            None
                        };
                        if let Some(Value::Array(list)) = list {
                            out.extend(list.iter_mut());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `parameter-style-case` on every `style` keyword of the document, by keyword, not position:
/// parameters, headers (in components, in responses, in encodings) and encodings all carry
/// one. Example values, defaults, enums and extensions are data and are left alone; a schema's
/// property named `style` is a schema (an object), never a string, so it is not touched.
fn fold_styles(value: &mut Value, report: &mut Report) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(style)) = map.get("style")
                && !STYLES.contains(&style.as_str())
            {
                let folded = style.replace(['_', '-'], "").to_lowercase();
                if let Some(canonical) = STYLES.iter().find(|s| s.to_lowercase() == folded) {
                    report.fired("parameter-style-case", format!("{style} -> {canonical}"));
                    map.insert("style".into(), json!(canonical));
                }
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                    && !key.starts_with("x-")
                {
                    fold_styles(child, report);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fold_styles(v, report)),
        _ => {}
    }
}

/// `scalar-path-and-header-parameters` on one parameter (`schemas`: the component schemas, to
/// follow a `$ref`): progenitor writes a path or header value with `to_string()`, which an
/// `Option` (a `nullable` schema) or a `Vec` or struct (an array or object schema) does not
/// have. `nullable` is dropped (a path segment or header is never null); an array or object
/// becomes a string the caller writes as `simple` style sends it (`a,b,c`); so does an `anyOf`
/// (a struct to typify), which the caller writes as one alternative's text.
fn scalar_parameter(param: &mut Map<String, Value>, schemas: &Value, report: &mut Report) {
    let location = param
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !matches!(location.as_str(), "path" | "header") {
        return;
    }
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let Some(Value::Object(schema)) = param.get_mut("schema") else {
        return;
    };
    let target = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(spec::schema_name)
        .and_then(|n| schemas.get(&n));
    let shape = target.unwrap_or(&Value::Null);
    let kind = |s: &Map<String, Value>| s.get("type").and_then(Value::as_str).map(str::to_owned);
    let compound = match (kind(schema), shape.get("type").and_then(Value::as_str)) {
        (Some(k), _) => matches!(k.as_str(), "array" | "object").then_some(k),
        (None, Some(k)) => matches!(k, "array" | "object").then(|| k.to_owned()),
        (None, None) => None,
    }
    // typify makes an `anyOf` a struct of optional flattened alternatives (threatjammer's
    // `{address}`: IPv4 or IPv6), which has no `Display` either.
    .or_else(|| {
        (schema.contains_key("anyOf") || shape.get("anyOf").is_some()).then(|| "anyOf".to_owned())
    });
    if let Some(kind) = compound {
        let how = if kind == "anyOf" {
            "the text of one of its `anyOf` alternatives".to_owned()
        } else {
            format!("{kind} values in `simple` style: `a,b,c`")
        };
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\nSent as written ({how})."),
            None => format!("Sent as written ({how})."),
        };
        *schema = Map::new();
        schema.insert("type".into(), json!("string"));
        schema.insert("description".into(), json!(description));
        report.fired(
            "scalar-path-and-header-parameters",
            format!("{location} {name}: {kind} -> string"),
        );
    } else if schema.get("nullable") == Some(&json!(true)) {
        schema.shift_remove("nullable");
        report.fired(
            "scalar-path-and-header-parameters",
            format!("{location} {name}: nullable dropped"),
        );
    }
}

/// `parameter-style-case`, `path-parameters-required` and `scalar-path-and-header-parameters`.
fn parameters(doc: &mut Value, report: &mut Report) {
    fold_styles(doc, report);
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for param in parameters_mut(doc) {
        let Value::Object(param) = param else {
            continue;
        };
        if let Some(Value::String(location)) = param.get("in")
            && location != &location.to_lowercase()
        {
            let lower = location.to_lowercase();
            report.fired("parameter-style-case", format!("in: {location} -> {lower}"));
            param.insert("in".into(), json!(lower));
        }
        if param.get("in") == Some(&json!("path")) && param.get("required") != Some(&json!(true)) {
            report.fired(
                "path-parameters-required",
                param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned(),
            );
            param.insert("required".into(), json!(true));
        }
        scalar_parameter(param, &schemas, report);
    }
}

/// `operation-ids`: every operation gets a distinct `operationId`.
fn operation_ids(doc: &mut Value, report: &mut Report) {
    let mut seen = BTreeSet::new();
    for (path, method) in spec::operations(doc) {
        let op = spec::operation_mut(doc, &path, &method).expect("listed above");
        let Value::Object(op) = op else { continue };
        let given = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let base = given.clone().unwrap_or_else(|| derived_id(&method, &path));
        // Distinct after progenitor's snake_case, which is what names the methods.
        let id = spec::unique_name(&base, |n| seen.contains(&spec::rust_snake(n)));
        seen.insert(spec::rust_snake(&id));
        if given.as_deref() != Some(id.as_str()) {
            report.fired(
                "operation-ids",
                format!("{} {path} -> {id}", method.to_uppercase()),
            );
            op.insert("operationId".into(), json!(id));
        }
    }
}

/// `get /pets/{petId}/toys` -> `get_pets_petId_toys`.
fn derived_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(
            segment
                .chars()
                .filter(|c| !matches!(c, '{' | '}'))
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id.trim_end_matches('_').to_owned()
}

/// Whether progenitor can send a request body of `media` with `schema` (resolved).
fn request_media_supported(media: &str, schema: Option<&Value>, encoding: bool) -> bool {
    let base = media.split(';').next().unwrap_or("").trim();
    let plain_string = |format: Option<&str>| {
        schema.is_some_and(|s| {
            s.get("type") == Some(&json!("string"))
                && s.get("format").and_then(Value::as_str) == format
                && s.get("enum").is_none()
                && s.get("pattern").is_none()
                && s.get("minLength").is_none()
                && s.get("maxLength").is_none()
        })
    };
    match base {
        "application/json" | "application/x-www-form-urlencoded" => schema.is_some() && !encoding,
        "application/octet-stream" => plain_string(Some("binary")),
        "text/plain" | "text/x-markdown" => plain_string(None),
        _ => false,
    }
}

/// The parameters of an operation: its path item's, then its own.
fn parameters_of<'a>(item: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> {
    [item, op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
}

/// `unmockable-operations`, on the copy of the progenitor form the typed mocks are generated
/// from: leaves out the mocks progenitor 0.15's httpmock generator writes code for that does
/// not compile, so `gong-api --features mock` builds: a parameter that is not a plain scalar
/// (it calls `to_string()` on arrays, objects, `Option`s and integer enums) and a nullable
/// JSON body (it passes an `Option<&T>` where httpmock takes `&T`). The client keeps them.
pub fn leave_out_unmockable(doc: &mut Value, report: &mut Report) -> Result<()> {
    for (path, method) in spec::operations(doc) {
        if let Some(reason) = unmockable(doc, &path, &method)? {
            remove_operation(doc, &path, &method);
            report.fired(
                "unmockable-operations",
                format!("{} {path}: {reason}", method.to_uppercase()),
            );
        }
    }
    Ok(())
}

/// Why progenitor's typed mock of this operation would not compile, if it would not.
fn unmockable(doc: &Value, path: &str, method: &str) -> Result<Option<String>> {
    if path.contains(['#', '?']) {
        // AWS's specs route by `/#X-Amz-Target=…`; progenitor's httpmock generator panics on it.
        return Ok(Some("its path holds `#` or `?`".to_owned()));
    }
    let item = &doc["paths"][path];
    let op = &item[method];
    if let Some(status) = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, _)| status)
        .find(|s| {
            s.parse::<u16>()
                .is_ok_and(|n| !CANONICAL_STATUSES.contains(&n))
        })
    {
        // progenitor names the mock's method after the status's reason phrase and unwraps it.
        return Ok(Some(format!("status {status} has no reason phrase")));
    }
    for param in parameters_of(item, op) {
        let param = spec::resolve(doc, param)?;
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let schema = spec::resolve(doc, param.get("schema").unwrap_or(&Value::Null))?;
        let kind = schema.get("type").and_then(Value::as_str);
        let string_enum = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_none_or(|values| values.iter().all(Value::is_string));
        let plain = matches!(kind, Some("string" | "integer" | "number" | "boolean"))
            && (kind == Some("string") || schema.get("enum").is_none())
            && string_enum
            && schema.get("nullable") != Some(&json!(true))
            && ["oneOf", "anyOf", "allOf", "not"]
                .iter()
                .all(|k| schema.get(k).is_none());
        if !plain {
            return Ok(Some(format!("parameter `{name}` is not a plain scalar")));
        }
    }
    let mut bodies = Vec::new();
    if let Some(body) = op.get("requestBody") {
        bodies.push(("request body".to_owned(), spec::resolve(doc, body)?));
    }
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        bodies.push((format!("{status} response"), spec::resolve(doc, response)?));
    }
    for (what, body) in bodies {
        if let Some(schema) = body.pointer("/content/application~1json/schema") {
            let schema = spec::resolve(doc, schema)?;
            if schema.get("nullable") == Some(&json!(true)) {
                return Ok(Some(format!("the {what} is nullable")));
            }
        }
    }
    Ok(None)
}

/// Why progenitor 0.15 cannot generate this operation, if it cannot.
fn unsupported(doc: &Value, path: &str, method: &str) -> Result<Option<String>> {
    let item = &doc["paths"][path];
    let op = &item[method];
    if op.get("x-dropshot-websocket").is_some() {
        return Ok(Some("a websocket upgrade (x-dropshot-websocket)".into()));
    }
    if matches!(method, "options" | "trace") {
        return Ok(Some(format!(
            "an {} request (progenitor 0.15 calls `reqwest::Client::{method}`, which reqwest does \
             not have)",
            method.to_uppercase()
        )));
    }
    for param in parameters_of(item, op) {
        let param = spec::resolve(doc, param)?;
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = param.get("in").and_then(Value::as_str).unwrap_or("?");
        let style = param.get("style").and_then(Value::as_str);
        if location == "cookie" {
            return Ok(Some(format!("cookie parameter `{name}`")));
        }
        if param.get("schema").is_none() {
            return Ok(Some(format!(
                "parameter `{name}` is described by `content`, not `schema`"
            )));
        }
        let supported_style = match location {
            "query" => style.is_none_or(|s| s == "form"),
            "path" | "header" => style.is_none_or(|s| s == "simple"),
            _ => false,
        };
        if !supported_style {
            return Ok(Some(format!(
                "{location} parameter `{name}` with style `{}`",
                style.unwrap_or("?")
            )));
        }
        if location == "path" && !path.contains(&format!("{{{name}}}")) {
            return Ok(Some(format!("path parameter `{name}` is not in the path")));
        }
    }
    if let Some(body) = op.get("requestBody") {
        let body = spec::resolve(doc, body)?;
        if let Some(Value::Object(content)) = body.get("content")
            && !content.is_empty()
        {
            let mut supported = false;
            for (media, object) in content {
                let schema = match object.get("schema") {
                    Some(s) => Some(spec::resolve(doc, s)?),
                    None => None,
                };
                let encoding = object
                    .get("encoding")
                    .and_then(Value::as_object)
                    .is_some_and(|e| !e.is_empty());
                supported |= request_media_supported(media, schema, encoding);
            }
            if !supported {
                let kinds: Vec<&str> = content.keys().map(String::as_str).collect();
                return Ok(Some(format!(
                    "{} request body (progenitor 0.15 sends JSON, form-urlencoded, \
                     octet-stream or text/plain)",
                    kinds.join(", ")
                )));
            }
        }
    }
    Ok(None)
}

/// `request-media-type`: keeps one request media type progenitor can send.
fn pick_request_media_type(doc: &mut Value, path: &str, method: &str, report: &mut Report) {
    let Some(body) = doc["paths"][path][method].get("requestBody") else {
        return;
    };
    let Ok(resolved) = spec::resolve(doc, body) else {
        return;
    };
    let Some(Value::Object(content)) = resolved.get("content") else {
        return;
    };
    if content.len() < 2 {
        return;
    }
    let supported = |media: &str, object: &Value| {
        let schema = object
            .get("schema")
            .and_then(|s| spec::resolve(doc, s).ok());
        let encoding = object
            .get("encoding")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty());
        request_media_supported(media, schema, encoding)
    };
    let chosen = content
        .iter()
        .find(|(m, o)| m.starts_with("application/json") && supported(m, o))
        .or_else(|| content.iter().find(|(m, o)| supported(m, o)))
        .map(|(m, o)| (m.clone(), o.clone()));
    let Some((media, object)) = chosen else {
        return;
    };
    let mut inline = resolved.clone();
    let mut kept = Map::new();
    kept.insert(media.clone(), object);
    inline["content"] = Value::Object(kept);
    report.fired(
        "request-media-type",
        format!("{} {path}: {media}", method.to_uppercase()),
    );
    doc["paths"][path][method]["requestBody"] = inline;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: &mut Value) -> Report {
        let mut report = Report::default();
        normalise(doc, &mut report).unwrap();
        report
    }

    #[test]
    fn path_and_header_parameters_become_scalars_progenitor_can_write() {
        let ok = json!({"200": {"description": "ok"}});
        let mut doc = json!({"openapi": "3.0.1", "paths": {"/a/{ids}": {
            "get": {"operationId": "a", "responses": ok.clone(), "parameters": [
                {"name": "ids", "in": "path", "required": true,
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "key", "in": "header", "schema": {"type": "string", "nullable": true}},
                {"name": "tags", "in": "header", "schema": {"$ref": "#/components/schemas/Tags"}},
                {"name": "ip", "in": "header", "schema": {"title": "Address", "anyOf": [
                    {"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"}]}},
                {"name": "who", "in": "header", "schema": {"$ref": "#/components/schemas/Who"}},
                {"name": "q", "in": "query", "schema": {"type": "array", "items": {}, "nullable": true}}
            ]},
            "options": {"operationId": "o", "responses": ok.clone()},
            "trace": {"operationId": "t", "responses": ok}
        }}, "components": {"schemas": {"Tags": {"type": "array", "items": {"type": "string"}},
            "Who": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}}});
        let report = run(&mut doc);
        let params = &doc["paths"]["/a/{ids}"]["get"]["parameters"];
        assert_eq!(params[0]["schema"]["type"], "string");
        assert!(params[0]["schema"].get("items").is_none());
        assert_eq!(params[1]["schema"], json!({"type": "string"}));
        assert_eq!(params[2]["schema"]["type"], "string");
        // threatjammer: an `anyOf` is typify's struct without `Display`.
        assert_eq!(
            params[3]["schema"],
            json!({"type": "string", "description":
                "Sent as written (the text of one of its `anyOf` alternatives)."})
        );
        assert_eq!(params[4]["schema"]["type"], "string");
        // Query parameters progenitor serialises itself: left alone.
        assert_eq!(params[5]["schema"]["type"], "array");
        assert_eq!(
            report.details("scalar-path-and-header-parameters"),
            [
                "path ids: array -> string",
                "header key: nullable dropped",
                "header tags: array -> string",
                "header ip: anyOf -> string",
                "header who: anyOf -> string"
            ]
        );
        assert!(doc["paths"]["/a/{ids}"].get("options").is_none());
        assert!(doc["paths"]["/a/{ids}"].get("trace").is_none());
        assert_eq!(
            report.skipped[0].reason,
            "an OPTIONS request (progenitor 0.15 calls `reqwest::Client::options`, which reqwest \
             does not have)"
        );
    }

    #[test]
    fn upper_case_styles_are_normalised() {
        let mut doc = json!({"openapi": "3.0.1", "paths": {"/a/{id}": {"get": {"operationId": "a",
            "parameters": [
                {"name": "id", "in": "path", "style": "SIMPLE", "schema": {"type": "string"}},
                {"name": "q", "in": "QUERY", "style": "FORM", "schema": {"type": "string"}},
                {"name": "d", "in": "query", "style": "DEEP_OBJECT", "schema": {"type": "object"}}
            ], "responses": {}}}}});
        let report = run(&mut doc);
        // deepObject is normalised, then left out as unsupported.
        assert_eq!(
            report.details("parameter-style-case"),
            [
                "SIMPLE -> simple",
                "FORM -> form",
                "DEEP_OBJECT -> deepObject",
                "in: QUERY -> query"
            ]
        );
        assert_eq!(report.details("path-parameters-required"), ["id"]);
        assert_eq!(report.skipped.len(), 1);
        assert_eq!(
            report.skipped[0].reason,
            "query parameter `d` with style `deepObject`"
        );
    }

    /// Gong's current export writes `style: SIMPLE` on the `Retry-After` header of every 429;
    /// the rule folds `style` wherever it stands, and leaves data (examples, a property named
    /// `style`) alone.
    #[test]
    fn styles_are_folded_in_headers_responses_and_encodings_too() {
        let mut doc = json!({"openapi": "3.0.1",
            "components": {
                "headers": {"Limit": {"style": "SIMPLE", "schema": {"type": "integer"}}},
                "responses": {"TooMany": {"description": "slow down", "headers": {
                    "Retry-After": {"style": "SIMPLE", "explode": false, "schema": {"type": "integer"}}}}},
                "schemas": {"S": {"type": "object", "properties": {"style": {"type": "string"}},
                    "example": {"style": "SIMPLE"}}}
            },
            "paths": {"/a": {"post": {"operationId": "a",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {
                    "schema": {"type": "object"},
                    "encoding": {"f": {"style": "FORM", "headers": {"X-F": {"style": "SIMPLE", "schema": {"type": "string"}}}}}}}},
                "responses": {"429": {"description": "slow down", "headers": {
                    "Retry-After": {"style": "SIMPLE", "schema": {"type": "integer"}}}}}}}}});
        let mut report = Report::default();
        parameters(&mut doc, &mut report);
        assert_eq!(
            report.times("parameter-style-case"),
            5,
            "{:?}",
            report.lines()
        );
        assert_eq!(doc["components"]["headers"]["Limit"]["style"], "simple");
        assert_eq!(
            doc["components"]["responses"]["TooMany"]["headers"]["Retry-After"]["style"],
            "simple"
        );
        let post = &doc["paths"]["/a"]["post"];
        assert_eq!(
            post["responses"]["429"]["headers"]["Retry-After"]["style"],
            "simple"
        );
        let encoding =
            &post["requestBody"]["content"]["application/x-www-form-urlencoded"]["encoding"]["f"];
        assert_eq!(encoding["style"], "form");
        assert_eq!(encoding["headers"]["X-F"]["style"], "simple");
        assert_eq!(
            doc["components"]["schemas"]["S"]["example"]["style"],
            "SIMPLE"
        );
    }

    #[test]
    fn multipart_operations_are_left_out_and_the_others_kept() {
        let mut doc = json!({"openapi": "3.0.1", "paths": {
            "/upload": {"post": {"operationId": "upload", "requestBody": {"content": {
                "multipart/form-data": {"schema": {"type": "object"}}}}, "responses": {}}},
            "/both": {"post": {"operationId": "both", "requestBody": {"content": {
                "application/xml": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}}}}, "responses": {}}},
            "/keep": {"get": {"operationId": "keep", "responses": {}}}
        }});
        let report = run(&mut doc);
        assert!(doc["paths"].get("/upload").is_none());
        assert_eq!(
            report.lines(),
            [
                "rule skip-unsupported-operations: 1 (POST /upload)",
                "rule request-media-type: 1 (POST /both: application/json)",
                "warning: POST /upload left out of the client: multipart/form-data request body \
                 (progenitor 0.15 sends JSON, form-urlencoded, octet-stream or text/plain)",
            ]
        );
        assert_eq!(
            doc["paths"]["/both"]["post"]["requestBody"]["content"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["application/json"]
        );
    }

    #[test]
    fn missing_and_repeated_operation_ids_are_made_distinct() {
        let mut doc = json!({"openapi": "3.0.1", "paths": {
            "/pets/{petId}": {"get": {"responses": {}}, "put": {"operationId": "getPetsPetId", "responses": {}}},
            "/x": {"get": {"operationId": "list", "responses": {}}, "post": {"operationId": "list", "responses": {}}}
        }});
        let report = run(&mut doc);
        assert_eq!(
            doc["paths"]["/pets/{petId}"]["get"]["operationId"],
            "get_pets_petId"
        );
        assert_eq!(
            doc["paths"]["/pets/{petId}"]["put"]["operationId"],
            "getPetsPetId2"
        );
        assert_eq!(doc["paths"]["/x"]["post"]["operationId"], "list2");
        assert_eq!(report.times("operation-ids"), 3);
    }
}

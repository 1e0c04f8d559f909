// Over 500 lines: one rule per 3.1 construct, all applied in one walk of the document.
//! OpenAPI 3.1 -> 3.0.3 down-conversion, rule by rule.
//!
//! progenitor 0.15 reads documents through `openapiv3`, which only knows OpenAPI 3.0.x and
//! rejects `openapi: 3.1.0` outright. Upstream publishes 3.1, so every regeneration goes through
//! this module. It rewrites the JSON Schema 2020-12 constructs 3.1 allows into their 3.0
//! equivalents and fails, naming the JSON pointer, on a construct 3.0 cannot express, instead of
//! silently dropping meaning:
//!
//! | 3.1 | 3.0 |
//! | --- | --- |
//! | `openapi: 3.1.x` | `openapi: 3.0.3` |
//! | `type: [X, "null"]` | `type: X` + `nullable: true` |
//! | `type: "null"` alternative in `anyOf`/`oneOf` | removed, `nullable: true` |
//! | `examples: [a, …]` (in a schema) | `example: a` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n` + `exclusiveMinimum: true` |
//! | `exclusiveMaximum: n` (a number) | `maximum: n` + `exclusiveMaximum: true` |
//! | `$ref` with constraints beside it (3.1 applies them, 3.0 ignores them) | `allOf: [{$ref}]` + the constraints |
//! | `$comment`, top-level `jsonSchemaDialect`, `webhooks`, `info.license.identifier`, `components.pathItems` | removed |
//!
//! Each rewrite is a named rule, counted in the [`Report`]. In 3.1 a keyword a schema vocabulary
//! does not define is an annotation: exporters leave their own beside `$ref` and in schemas (a
//! Java exporter writes `exampleSetFlag` everywhere). Those are dropped (rule
//! `drop-annotations`, one line naming each keyword and how often). The 2020-12 keywords that
//! change what a schema accepts and that 3.0 cannot express (`if`/`then`/`else`, `prefixItems`,
//! `unevaluatedProperties`, `patternProperties`, `$defs`, a null-only type, …) stay errors naming
//! their JSON pointer: openapiv3 would silently drop them, changing the schema's meaning.
//!
//! `examples` outside schemas (parameters, media types) is a map in both versions and is left
//! alone.
//!
//! A 3.0 document is not down-converted, but Java exporters (swagger-core, which Gong's export
//! comes from) write their model's fields into 3.0 schemas too: `exampleSetFlag`, and `types:
//! [...]` beside `type`. Those (rule `drop-annotations`, the [`EXPORTER_ANNOTATIONS`]) are
//! dropped from 3.0 schemas anywhere; a `types` list with one non-null entry on a schema without
//! `type` becomes its `type`.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::report::Report;

/// Rewrites `doc` in place from OpenAPI 3.1 to 3.0.3. A 3.0.x document passes unchanged.
pub fn to_openapi_30(doc: &mut Value, report: &mut Report) -> Result<()> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::msg("/openapi: missing or not a string"))?
        .to_owned();
    if version.starts_with("3.0.") {
        return walk_document(doc, "", report, &mut |schema, _, report| {
            drop_exporter_annotations(schema, report);
            Ok(())
        });
    }
    if !version.starts_with("3.1.") {
        return Err(Error::msg(format!(
            "/openapi: version {version} is not 3.0.x or 3.1.x"
        )));
    }
    let root = doc
        .as_object_mut()
        .ok_or_else(|| Error::msg("/: the document is not a mapping"))?;
    root.insert("openapi".into(), json!("3.0.3"));
    report.fired("openapi-3.1-to-3.0", format!("{version} -> 3.0.3"));
    for key in ["jsonSchemaDialect", "webhooks"] {
        if root.remove(key).is_some() {
            report.fired("drop-3.1-only-fields", format!("/{key}"));
        }
    }
    if let Some(license) = root
        .get_mut("info")
        .and_then(|i| i.get_mut("license"))
        .and_then(Value::as_object_mut)
        && license.remove("identifier").is_some()
    {
        report.fired("drop-3.1-only-fields", "/info/license/identifier");
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut)
        && components.remove("pathItems").is_some()
    {
        report.fired("drop-3.1-only-fields", "/components/pathItems");
    }
    if !root.contains_key("paths") {
        // 3.1 allows a document of webhooks or components only; 3.0 requires `paths`.
        root.insert("paths".into(), json!({}));
        report.fired("drop-3.1-only-fields", "/paths added (empty)");
    }
    walk_document(doc, "", report, &mut convert_schema)
}

/// What a schema visitor of [`walk_document`] is: a schema, its JSON pointer, the report.
type SchemaVisitor<'a> = dyn FnMut(&mut Value, &str, &mut Report) -> Result<()> + 'a;

/// The fields swagger-core's Java model serialises into 3.0 schemas beside the schema keywords.
pub const EXPORTER_ANNOTATIONS: &[&str] = &["exampleSetFlag", "types", "jsonSchema", "specVersion"];

/// Drops [`EXPORTER_ANNOTATIONS`] from a 3.0 schema and its subschemas (rule `drop-annotations`).
/// Only schema positions are visited: a property *named* `types` stays.
fn drop_exporter_annotations(schema: &mut Value, report: &mut Report) {
    let Value::Object(map) = schema else { return };
    if !map.contains_key("type")
        && let Some(Value::Array(types)) = map.get("types")
    {
        let named: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        if let [single] = named.as_slice() {
            let single = (*single).clone();
            map.insert("type".into(), single);
        }
    }
    for key in EXPORTER_ANNOTATIONS {
        if map.remove(*key).is_some() {
            report.fired("drop-annotations", *key);
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            drop_exporter_annotations(child, report);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items
                .iter_mut()
                .for_each(|item| drop_exporter_annotations(item, report));
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties
            .values_mut()
            .for_each(|property| drop_exporter_annotations(property, report));
    }
}

/// Walks the non-schema part of the document, converting every schema it finds: the values
/// of `components.schemas` and of every `schema` key (parameters, headers, media types).
fn walk_document(
    value: &mut Value,
    pointer: &str,
    report: &mut Report,
    visit: &mut SchemaVisitor<'_>,
) -> Result<()> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = format!("{pointer}/{}", escape(key));
                // Example payloads and extensions are data, not spec structure.
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                if key == "schema" && child.is_object() {
                    visit(child, &here, report)?;
                } else if key == "schemas" && pointer == "/components" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            visit(schema, &format!("{here}/{}", escape(name)), report)?;
                        }
                    }
                } else {
                    walk_document(child, &here, report, visit)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk_document(item, &format!("{pointer}/{i}"), report, visit)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The keywords of an OpenAPI 3.0 Schema Object (besides `x-` extensions).
const SCHEMA_30_KEYWORDS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// The 3.1 (JSON Schema 2020-12) keywords the rules below rewrite into 3.0.
const SCHEMA_31_REWRITTEN: &[&str] = &["$ref", "examples", "const"];

/// 2020-12 keywords that change what a schema accepts (or where a `$ref` points) and that
/// OpenAPI 3.0 cannot express: dropping them would change the schema's meaning, so they are
/// errors. Every other unknown keyword is an annotation and is dropped.
const SCHEMA_31_UNEXPRESSIBLE: &[&str] = &[
    "if",
    "then",
    "else",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "unevaluatedProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "$defs",
    "definitions",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
];

/// Keys that may stand beside a `$ref` without changing what it means.
const REF_ANNOTATIONS: &[&str] = &[
    "$ref",
    "description",
    "summary",
    "title",
    "example",
    "deprecated",
    "externalDocs",
];

/// Converts one schema object and, recursively, its subschemas.
pub fn convert_schema(schema: &mut Value, pointer: &str, report: &mut Report) -> Result<()> {
    let Value::Object(map) = schema else {
        // `true`/`false` schemas: 3.0 has no equivalent, but progenitor treats a missing
        // schema like `true`; leave them for openapiv3 to judge.
        return Ok(());
    };
    if let Some(key) = map
        .keys()
        .find(|k| SCHEMA_31_UNEXPRESSIBLE.contains(&k.as_str()))
    {
        return Err(Error::msg(format!(
            "{pointer}/{}: `{key}` changes what the schema accepts and has no OpenAPI 3.0 \
             equivalent; progenitor would silently drop it. Patch the schema into a 3.0 form",
            escape(key)
        )));
    }
    drop_annotations(map, report);
    if map.contains_key("$ref") {
        if map
            .keys()
            .all(|k| REF_ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
        {
            return Ok(());
        }
        report.fired("ref-siblings-to-allof", pointer.to_owned());
        // 3.1 applies a `$ref`'s siblings as constraints; 3.0 ignores them. `allOf` keeps both.
        let reference = map.remove("$ref").expect("checked above");
        let mut all_of = match map.remove("allOf") {
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(Error::msg(format!("{pointer}/allOf: not a list")));
            }
            None => Vec::new(),
        };
        all_of.insert(0, json!({ "$ref": reference }));
        map.insert("allOf".into(), Value::Array(all_of));
    }
    if strip_null_alternatives(map, pointer)? {
        report.fired("null-alternatives-to-nullable", pointer.to_owned());
    }
    if convert_type_array(map, pointer)? {
        report.fired("type-list-to-nullable", pointer.to_owned());
    }
    if convert_examples(map) {
        report.fired("schema-examples-to-example", pointer.to_owned());
    }
    if convert_const(map) {
        report.fired("const-to-enum", pointer.to_owned());
    }
    if convert_exclusive_bound(map, "exclusiveMinimum", "minimum", pointer)?
        | convert_exclusive_bound(map, "exclusiveMaximum", "maximum", pointer)?
    {
        report.fired("exclusive-bounds-to-3.0", pointer.to_owned());
    }

    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key).filter(|c| c.is_object()) {
            convert_schema(child, &format!("{pointer}/{key}"), report)?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for (i, item) in items.iter_mut().enumerate() {
                convert_schema(item, &format!("{pointer}/{key}/{i}"), report)?;
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            convert_schema(
                property,
                &format!("{pointer}/properties/{}", escape(name)),
                report,
            )?;
        }
    }
    Ok(())
}

/// Drops every keyword that is neither a 3.0 schema keyword, nor an extension, nor one the
/// rules rewrite: in 3.1 an unknown keyword is an annotation (rule `drop-annotations`).
fn drop_annotations(map: &mut Map<String, Value>, report: &mut Report) {
    let unknown: Vec<String> = map
        .keys()
        .filter(|k| {
            !SCHEMA_30_KEYWORDS.contains(&k.as_str())
                && !SCHEMA_31_REWRITTEN.contains(&k.as_str())
                && !k.starts_with("x-")
        })
        .cloned()
        .collect();
    for key in unknown {
        map.remove(&key);
        report.fired("drop-annotations", key);
    }
}

/// `type: [X, "null"]` -> `type: X, nullable: true`.
fn convert_type_array(map: &mut Map<String, Value>, pointer: &str) -> Result<bool> {
    if map.get("type") == Some(&json!("null")) {
        return Err(Error::msg(format!(
            "{pointer}/type: a schema that allows only null has no OpenAPI 3.0 equivalent"
        )));
    }
    let Some(Value::Array(types)) = map.get("type") else {
        return Ok(false);
    };
    let nullable = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    match rest.as_slice() {
        [] => {
            return Err(Error::msg(format!(
                "{pointer}/type: a schema that allows only null has no OpenAPI 3.0 equivalent"
            )));
        }
        [single] => {
            map.insert("type".into(), single.clone());
        }
        _ => {
            return Err(Error::msg(format!(
                "{pointer}/type: a list of several non-null types ({}) cannot be expressed in \
                 OpenAPI 3.0; patch the schema into a `oneOf`",
                rest.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    Ok(true)
}

/// A schema's `examples: [a, …]` -> `example: a`, unless `example` is already set.
fn convert_examples(map: &mut Map<String, Value>) -> bool {
    let Some(examples) = map.remove("examples") else {
        return false;
    };
    {
        let first = match examples {
            Value::Array(items) => items.into_iter().next(),
            other => Some(other),
        };
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
    true
}

/// `const: v` -> `enum: [v]`.
fn convert_const(map: &mut Map<String, Value>) -> bool {
    match map.remove("const") {
        Some(value) => {
            map.insert("enum".into(), Value::Array(vec![value]));
            true
        }
        None => false,
    }
}

/// Numeric `exclusiveMinimum: n` -> `minimum: n, exclusiveMinimum: true` (and the same for
/// the maximum). A boolean is already the 3.0 form.
fn convert_exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    pointer: &str,
) -> Result<bool> {
    let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() else {
        return Ok(false);
    };
    if map.contains_key(inclusive) {
        return Err(Error::msg(format!(
            "{pointer}: both `{inclusive}` and a numeric `{exclusive}`; OpenAPI 3.0 can hold \
             only one bound"
        )));
    }
    map.insert(inclusive.into(), bound);
    map.insert(exclusive.into(), Value::Bool(true));
    Ok(true)
}

/// `anyOf`/`oneOf` alternatives that allow only null (`type: "null"` or `type: ["null"]`) ->
/// removed, `nullable: true`. Nothing may be left empty.
fn strip_null_alternatives(map: &mut Map<String, Value>, pointer: &str) -> Result<bool> {
    let null_only = |item: &Value| matches!(item.get("type"), Some(t) if *t == json!("null") || *t == json!(["null"]));
    let mut nullable = false;
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            let before = items.len();
            items.retain(|item| !null_only(item));
            nullable |= items.len() != before;
            if items.is_empty() {
                return Err(Error::msg(format!(
                    "{pointer}/{key}: only null alternatives; OpenAPI 3.0 cannot express that"
                )));
            }
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    Ok(nullable)
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_openapi_30(doc: &mut Value) -> Result<()> {
        super::to_openapi_30(doc, &mut Report::default())
    }

    fn schema(value: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": value}}});
        to_openapi_30(&mut doc).unwrap();
        doc["components"]["schemas"]["S"].take()
    }

    fn schema_err(value: Value) -> String {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": value}}});
        to_openapi_30(&mut doc).unwrap_err().message().to_owned()
    }

    #[test]
    fn version_becomes_303() {
        let mut doc = json!({"openapi": "3.1.0"});
        to_openapi_30(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
    }

    #[test]
    fn a_30_document_is_left_alone() {
        let original = json!({"openapi": "3.0.1", "components": {"schemas": {"S": {"const": 1}}}});
        let mut doc = original.clone();
        to_openapi_30(&mut doc).unwrap();
        assert_eq!(doc, original);
    }

    #[test]
    fn other_versions_are_rejected() {
        let mut doc = json!({"openapi": "2.0"});
        assert!(to_openapi_30(&mut doc).is_err());
        let mut doc = json!({"swagger": "2.0"});
        assert!(
            to_openapi_30(&mut doc)
                .unwrap_err()
                .message()
                .contains("/openapi")
        );
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["integer"]})),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn type_array_with_two_real_types_is_an_error_naming_the_pointer() {
        let msg = schema_err(json!({"properties": {"a/b": {"type": ["string", "integer"]}}}));
        assert!(
            msg.starts_with("/components/schemas/S/properties/a~1b/type:"),
            "{msg}"
        );
    }

    #[test]
    fn schema_examples_become_example() {
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"example": "keep", "examples": ["drop"]})),
            json!({"example": "keep"})
        );
    }

    #[test]
    fn media_type_examples_map_is_untouched() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": ["string", "null"]},
                "examples": {"one": {"value": {"type": ["x", "null"]}}}
            }}}}}}}
        });
        to_openapi_30(&mut doc).unwrap();
        let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            media["examples"]["one"]["value"]["type"],
            json!(["x", "null"])
        );
    }

    #[test]
    fn const_becomes_single_enum() {
        assert_eq!(
            schema(json!({"type": "string", "const": "DONE"})),
            json!({"type": "string", "enum": ["DONE"]})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_form() {
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
            json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true,
                   "minimum": 0, "maximum": 10})
        );
        // Already the 3.0 form: unchanged.
        assert_eq!(
            schema(json!({"minimum": 1, "exclusiveMinimum": true})),
            json!({"minimum": 1, "exclusiveMinimum": true})
        );
        assert!(schema_err(json!({"minimum": 1, "exclusiveMinimum": 2})).contains("only one"));
    }

    #[test]
    fn null_alternatives_become_nullable() {
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "string"}], "nullable": true})
        );
    }

    #[test]
    fn rules_apply_to_nested_schemas_and_parameters() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"S": {"type": "object", "properties": {
                "list": {"type": "array", "items": {"const": 1}},
                "map": {"additionalProperties": {"type": ["boolean", "null"]}},
                "all": {"allOf": [{"examples": [3]}]}
            }}}},
            "paths": {"/a": {"get": {"parameters": [
                {"name": "p", "in": "query", "schema": {"type": ["integer", "null"]}}
            ]}}}
        });
        to_openapi_30(&mut doc).unwrap();
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["list"]["items"], json!({"enum": [1]}));
        assert_eq!(
            props["map"]["additionalProperties"],
            json!({"type": "boolean", "nullable": true})
        );
        assert_eq!(props["all"]["allOf"][0], json!({"example": 3}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn refs_and_31_only_top_level_keys() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "x",
            "webhooks": {},
            "info": {"license": {"name": "n", "identifier": "MIT"}},
            "components": {"pathItems": {}, "schemas": {"R": {"$ref": "#/components/schemas/S", "const": 1}}}
        });
        to_openapi_30(&mut doc).unwrap();
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        assert_eq!(doc["info"]["license"], json!({"name": "n"}));
        assert!(doc["components"].get("pathItems").is_none());
        // A constraint beside a $ref is kept, through allOf.
        assert_eq!(
            doc["components"]["schemas"]["R"],
            json!({"enum": [1], "allOf": [{"$ref": "#/components/schemas/S"}]})
        );
    }

    #[test]
    fn keywords_without_30_equivalent_are_errors_naming_the_pointer() {
        for (keyword, value) in [
            ("prefixItems", json!([])),
            ("if", json!({"type": "string"})),
            ("unevaluatedProperties", json!(false)),
            ("patternProperties", json!({"^a": {}})),
            ("propertyNames", json!({"pattern": "^a"})),
            ("dependentRequired", json!({})),
            ("$defs", json!({})),
        ] {
            let msg = schema_err(json!({"properties": {"p": {keyword: value}}}));
            assert!(
                msg.starts_with(&format!("/components/schemas/S/properties/p/{keyword}:")),
                "{msg}"
            );
        }
        // Extensions are fine.
        assert_eq!(
            schema(json!({"x-internal": true})),
            json!({"x-internal": true})
        );
    }

    #[test]
    fn unknown_keywords_are_annotations_dropped_with_one_summary() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "S": {"type": "object", "exampleSetFlag": false, "contentMediaType": "text/html",
                  "properties": {
                      "r": {"$ref": "#/components/schemas/T", "exampleSetFlag": false},
                      "s": {"type": "string", "$comment": "c", "exampleSetFlag": true}
                  }},
            "T": {"type": "string", "x-keep": 1}
        }}});
        let mut report = Report::default();
        super::to_openapi_30(&mut doc, &mut report).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["S"],
            json!({"type": "object", "properties": {
                "r": {"$ref": "#/components/schemas/T"},
                "s": {"type": "string"}
            }})
        );
        assert_eq!(schemas["T"], json!({"type": "string", "x-keep": 1}));
        assert_eq!(report.times("drop-annotations"), 5);
        assert_eq!(
            report.times("ref-siblings-to-allof"),
            0,
            "a plain $ref stays one"
        );
        assert!(
            report.lines().contains(
                &"rule drop-annotations: 5 (exampleSetFlag ×3, contentMediaType, $comment)"
                    .to_owned()
            ),
            "{:?}",
            report.lines()
        );
    }

    #[test]
    fn ref_siblings_become_all_of() {
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "maxLength": 3})),
            json!({"maxLength": 3, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            json!({"$ref": "#/components/schemas/T", "description": "d"})
        );
    }

    #[test]
    fn null_only_schemas_are_errors() {
        assert!(schema_err(json!({"type": "null"})).contains("only null"));
        assert!(schema_err(json!({"type": ["null"]})).contains("only null"));
        assert!(schema_err(json!({"oneOf": [{"type": "null"}]})).contains("only null"));
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": ["null"]}]})),
            json!({"anyOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
    }

    /// swagger-core writes `exampleSetFlag` and `types` into 3.0 schemas (Gong's export does):
    /// dropped in schema positions anywhere, a lone `types` entry becomes the `type`, and a
    /// property that is itself named `types` stays.
    #[test]
    fn exporter_annotations_are_dropped_from_30_schemas() {
        let mut doc = json!({"openapi": "3.0.1",
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query",
                "schema": {"types": ["string"], "exampleSetFlag": false}}], "responses": {}}}},
            "components": {"schemas": {"S": {"type": "object", "exampleSetFlag": true,
                "types": ["object"],
                "properties": {"types": {"type": "array", "items": {"type": "string", "exampleSetFlag": false}}}}}}});
        let mut report = Report::default();
        super::to_openapi_30(&mut doc, &mut report).unwrap();
        assert_eq!(doc["openapi"], "3.0.1");
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "object", "properties": {"types": {"type": "array", "items": {"type": "string"}}}})
        );
        assert_eq!(
            report.lines(),
            ["rule drop-annotations: 5 (exampleSetFlag ×3, types ×2)"]
        );
    }
}

//! Schema rules that apply to every schema of the document, wherever it stands (component
//! schemas, parameters, headers, bodies, and their subschemas): typify refuses these shapes for
//! the whole document.
//!
//! | rule | what it does |
//! | --- | --- |
//! | `unconforming-defaults` | a `default` that does not have the schema's `type`, is not one of its `enum` values (`default: "4 10:55:34.12"` on `type: object`) or lies outside its `minimum`/`maximum` (`default: 0` with `minimum: 1`, cloudrf) is dropped; typify rejects the first two ("value does not conform to the given schema") and types the third `NonZeroU32` with `#[serde(default)]`, which does not compile |
//! | `enum-variant-names` | a string `enum` whose values give no distinct Rust variant names (`==`, `!=`; `DD.MM.YYYY`, `DD/MM/YYYY`; emoji) becomes a plain string; its values stay in the description as "Known values" |
//! | `recursive-all-of` | a component schema that is an `allOf` of plain objects (a `$ref` to one and inline ones) reaching itself back through its parts (britbox's `ItemDetail`: `allOf: [ItemSummary, {properties: {show: ItemDetail}}]`) is written as the one object typify would merge it into; typify recurses without end merging it (a stack overflow after minutes, per generator run) |
//! | `unknown-fields-name` | an object with a property named `extra` gets no `additionalProperties` map (the map is the generated `extra` field; two fields of one name do not compile) |

use std::collections::BTreeSet;

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use crate::report::Report;
use crate::spec;

/// Runs the rules on every schema of a 3.0 document.
pub fn normalise(doc: &mut Value, report: &mut Report) {
    flatten_recursive_all_of(doc, report);
    visit_document(doc, "", &mut |schema, pointer| {
        fix_default(schema, pointer, report);
        fix_enum_names(schema, pointer, report);
        fix_extra(schema, pointer, report);
    });
}

/// Calls `visit` on every schema below `value` (a part of the document that is not a schema).
pub(crate) fn visit_document(
    value: &mut Value,
    pointer: &str,
    visit: &mut impl FnMut(&mut Map<String, Value>, &str),
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = format!("{pointer}/{}", spec::escape(key));
                if matches!(key.as_str(), "example" | "examples") || key.starts_with("x-") {
                    continue;
                }
                if key == "schema" {
                    visit_schema(child, &here, visit);
                } else if key == "schemas" && pointer == "/components" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            visit_schema(schema, &format!("{here}/{}", spec::escape(name)), visit);
                        }
                    }
                } else {
                    visit_document(child, &here, visit);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                visit_document(item, &format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

/// Calls `visit` on a schema and each of its subschemas (not on data such as examples).
fn visit_schema(
    schema: &mut Value,
    pointer: &str,
    visit: &mut impl FnMut(&mut Map<String, Value>, &str),
) {
    let Value::Object(map) = schema else { return };
    visit(map, pointer);
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            visit_schema(child, &format!("{pointer}/{key}"), visit);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for (i, item) in items.iter_mut().enumerate() {
                visit_schema(item, &format!("{pointer}/{key}/{i}"), visit);
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            visit_schema(
                property,
                &format!("{pointer}/properties/{}", spec::escape(name)),
                visit,
            );
        }
    }
}

/// Whether `value` has the JSON type `kind` (OpenAPI 3.0's names).
fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// `unconforming-defaults`.
fn fix_default(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    let Some(default) = schema.get("default") else {
        return;
    };
    if default.is_null() && schema.get("nullable") == Some(&json!(true)) {
        return;
    }
    let wrong_type = schema
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|kind| !has_type(default, kind));
    let not_listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.contains(default));
    let why = if wrong_type {
        "not of its type"
    } else if not_listed {
        "not in its enum"
    } else if out_of_bounds(schema, default) {
        "outside its bounds"
    } else {
        return;
    };
    let dropped = schema.remove("default").expect("matched above");
    report.fired(
        "unconforming-defaults",
        format!("{pointer}: default {dropped} {why}"),
    );
}

/// Whether the number `default` lies outside the schema's `minimum`/`maximum` (3.0's boolean
/// `exclusiveMinimum`/`exclusiveMaximum` make the bound itself outside).
fn out_of_bounds(schema: &Map<String, Value>, default: &Value) -> bool {
    let Some(value) = default.as_f64() else {
        return false;
    };
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| schema.get(key) == Some(&json!(true));
    let below = bound("minimum")
        .is_some_and(|min| value < min || (exclusive("exclusiveMinimum") && value == min));
    let above = bound("maximum")
        .is_some_and(|max| value > max || (exclusive("exclusiveMaximum") && value == max));
    below || above
}

/// The variant name typify gives an enum value (its `sanitize`, Pascal case).
pub fn variant_name(value: &str) -> String {
    let out = match value {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => value
            .replace('\'', "")
            .replace(|c| !unicode_ident::is_xid_continue(c), "-")
            .to_pascal_case(),
    };
    match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("X{out}"),
    }
}

/// `enum-variant-names`.
fn fix_enum_names(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() != values.iter().filter(|v| !v.is_null()).count() {
        return; // not a string enum
    }
    let names: BTreeSet<String> = strings.iter().map(|v| variant_name(v)).collect();
    if names.len() == strings.len() {
        return;
    }
    let known = strings.join(", ");
    let values = schema.remove("enum").expect("matched above");
    let _ = values;
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(d) => format!("{d}\n\nKnown values: {known}"),
        None => format!("Known values: {known}"),
    };
    schema.insert("description".into(), json!(description));
    report.fired("enum-variant-names", pointer.to_owned());
}

/// `unknown-fields-name`: marks an object whose property would collide with the `extra` map.
fn fix_extra(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    let collides = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| {
            p.keys()
                .any(|k| heck::ToSnakeCase::to_snake_case(k.as_str()) == "extra")
        });
    if collides && !schema.contains_key(NO_EXTRA) {
        schema.insert(NO_EXTRA.into(), json!(true));
        report.fired("unknown-fields-name", pointer.to_owned());
    }
}

/// `recursive-all-of`: each component schema whose `allOf` reaches it back is replaced by the
/// merge of its parts when every part is a plain object (only `type: object`, `properties`,
/// `required`, `description`, `title`; a `discriminator` and `x-` extensions, which typify does
/// not read, are not kept) and no property is defined twice; otherwise it is left to the
/// generator (and `generator-failure`).
fn flatten_recursive_all_of(doc: &mut Value, report: &mut Report) {
    let Some(Value::Object(all)) = doc.pointer("/components/schemas") else {
        return;
    };
    let mut merged = Vec::new();
    for (name, schema) in all {
        let Some(Value::Array(parts)) = schema.get("allOf") else {
            continue;
        };
        let mut reached = std::collections::VecDeque::new();
        spec::collect_refs(&Value::Array(parts.clone()), &mut reached);
        let cyclic = reached
            .iter()
            .any(|r| crate::degrade::references(all, r).contains(name));
        if !cyclic {
            continue;
        }
        if let Some((object, dropped)) = merge_parts(all, schema, parts) {
            let detail = if dropped.is_empty() {
                name.clone()
            } else {
                let dropped: Vec<&str> = dropped.iter().map(String::as_str).collect();
                format!("{name} (not kept: {})", dropped.join(", "))
            };
            merged.push((name.clone(), object, detail));
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("read above");
    for (name, object, detail) in merged {
        schemas.insert(name, object);
        report.fired("recursive-all-of", detail);
    }
}

/// The one object `schema`'s `allOf` `parts` make, if each is a plain object (a `$ref` to a
/// component that is one, or inline) and no property is defined twice; with the keywords of the
/// parts it does not keep.
fn merge_parts(
    all: &Map<String, Value>,
    schema: &Value,
    parts: &[Value],
) -> Option<(Value, BTreeSet<String>)> {
    const PLAIN: [&str; 5] = ["type", "properties", "required", "description", "title"];
    let outer = schema.as_object()?;
    if outer
        .keys()
        .any(|k| !matches!(k.as_str(), "allOf" | "description" | "title" | "type"))
        || outer.get("type").is_some_and(|t| t != "object")
    {
        return None;
    }
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut description = outer.get("description").cloned();
    let mut dropped = BTreeSet::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(r) => all.get(&spec::schema_name(r)?)?,
            None => part,
        };
        let part = part.as_object()?;
        // A `discriminator` outside a `oneOf` and extensions other than typify's `x-rust-…`
        // are annotations typify does not read.
        let ignored =
            |k: &str| k == "discriminator" || (k.starts_with("x-") && !k.starts_with("x-rust"));
        if part
            .keys()
            .any(|k| !PLAIN.contains(&k.as_str()) && !ignored(k))
            || part.get("type").is_some_and(|t| t != "object")
        {
            return None;
        }
        dropped.extend(part.keys().filter(|k| ignored(k)).cloned());
        for (key, property) in part.get("properties").and_then(Value::as_object)? {
            if properties.insert(key.clone(), property.clone()).is_some() {
                return None;
            }
        }
        for name in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
        if description.is_none() {
            description = part.get("description").cloned();
        }
    }
    let mut object = Map::new();
    if let Some(title) = outer.get("title") {
        object.insert("title".into(), title.clone());
    }
    if let Some(description) = description {
        object.insert("description".into(), description);
    }
    object.insert("type".into(), json!("object"));
    object.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        object.insert("required".into(), Value::Array(required));
    }
    Some((Value::Object(object), dropped))
}

/// The mark `fix_extra` leaves for the `keep-unknown-fields` rule (lenient): no map here.
pub const NO_EXTRA: &str = "x-xtask-no-extra-map";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recursive_all_of_of_plain_objects_is_one_object() {
        let mut doc = json!({"openapi": "3.0.0", "paths": {}, "components": {"schemas": {
            "ItemSummary": {"type": "object", "required": ["id"], "description": "An item.",
                "discriminator": {"propertyName": "id"}, "x-emoji": true,
                "properties": {"id": {"type": "string"}}},
            "ItemDetail": {"allOf": [{"$ref": "#/components/schemas/ItemSummary"},
                {"type": "object", "required": ["id", "show"], "properties": {
                    "show": {"$ref": "#/components/schemas/ItemDetail"},
                    "credits": {"type": "array", "items": {"$ref": "#/components/schemas/Credit"}}}}]},
            // Not recursive: left to typify, which merges it.
            "Credit": {"allOf": [{"$ref": "#/components/schemas/ItemSummary"},
                {"properties": {"role": {"type": "string"}}}]},
            // Recursive, but a part is not a plain object: left alone.
            "Page": {"allOf": [{"$ref": "#/components/schemas/ItemSummary"},
                {"properties": {"next": {"$ref": "#/components/schemas/Page"}},
                 "additionalProperties": false}]},
            "Typed": {"allOf": [{"$ref": "#/components/schemas/ItemSummary"},
                {"properties": {"next": {"$ref": "#/components/schemas/Typed"}},
                 "x-rust-type": {}}]}}}});
        let typed = doc["components"]["schemas"]["Typed"].clone();
        let page = doc["components"]["schemas"]["Page"].clone();
        let credit = doc["components"]["schemas"]["Credit"].clone();
        let mut report = Report::default();
        normalise(&mut doc, &mut report);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["ItemDetail"],
            json!({"description": "An item.", "type": "object", "properties": {
                "id": {"type": "string"},
                "show": {"$ref": "#/components/schemas/ItemDetail"},
                "credits": {"type": "array", "items": {"$ref": "#/components/schemas/Credit"}}},
                "required": ["id", "show"]})
        );
        assert_eq!(schemas["Credit"], credit);
        assert_eq!(schemas["Page"], page);
        assert_eq!(schemas["Typed"], typed);
        assert_eq!(
            report.details("recursive-all-of"),
            ["ItemDetail (not kept: discriminator, x-emoji)"]
        );
    }

    #[test]
    fn variant_names_follow_typify() {
        assert_eq!(variant_name("open"), "Open");
        assert_eq!(variant_name("DD.MM.YYYY"), variant_name("DD/MM/YYYY"));
        assert_eq!(variant_name("=="), variant_name("!="));
        assert_eq!(variant_name("2fa"), "X2fa");
    }

    #[test]
    fn rules_fire_on_every_schema_position() {
        let mut doc = json!({"openapi": "3.0.3",
            "paths": {"/a": {"get": {"parameters": [{"name": "op", "in": "query",
                "schema": {"type": "string", "enum": ["==", "!=", ">"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "duration": {"type": "object", "default": "4 10:55:34.12"},
                        "n": {"type": "integer", "default": 3},
                        "mod": {"type": "integer", "minimum": 1, "maximum": 11, "default": 0},
                        "ber": {"type": "integer", "minimum": 0, "maximum": 10, "default": 0},
                        "top": {"type": "number", "maximum": 1, "exclusiveMaximum": true, "default": 1},
                        "low": {"type": "number", "minimum": 1, "exclusiveMinimum": false, "default": 1},
                        "state": {"type": "string", "enum": ["a", "b"], "default": "c"}}}}}}}}}},
            "components": {"schemas": {"E": {"type": "object", "properties": {"extra": {"type": "string"}},
                "example": {"default": 1}}}}});
        let mut report = Report::default();
        normalise(&mut doc, &mut report);
        let param = &doc["paths"]["/a"]["get"]["parameters"][0]["schema"];
        assert_eq!(
            param,
            &json!({"type": "string", "description": "Known values: ==, !=, >"})
        );
        let props = &doc
            .pointer("/paths/~1a/get/responses/200/content/application~1json/schema/properties")
            .unwrap();
        assert!(props["duration"].get("default").is_none());
        assert_eq!(props["n"]["default"], 3);
        assert!(props["state"].get("default").is_none());
        // cloudrf: `default: 0` below `minimum: 1` (typify: a `NonZeroU32` field whose
        // `#[serde(default)]` does not compile) is dropped; a default on a bound stays, unless
        // the bound is exclusive.
        assert!(props["mod"].get("default").is_none());
        assert_eq!(props["ber"]["default"], 0);
        assert!(props["top"].get("default").is_none());
        assert_eq!(props["low"]["default"], 1);
        assert_eq!(doc["components"]["schemas"]["E"][NO_EXTRA], true);
        let base = "/paths/~1a/get/responses/200/content/application~1json/schema/properties";
        assert_eq!(
            report.details("unconforming-defaults"),
            [
                format!("{base}/duration: default \"4 10:55:34.12\" not of its type"),
                format!("{base}/mod: default 0 outside its bounds"),
                format!("{base}/top: default 1 outside its bounds"),
                format!("{base}/state: default \"c\" not in its enum"),
            ]
        );
        assert_eq!(report.times("enum-variant-names"), 1);
        assert_eq!(report.times("unknown-fields-name"), 1);
    }
}

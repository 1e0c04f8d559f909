//! `$ref` rules: progenitor follows only `#/components/schemas/<Name>` (and the other
//! components' own `#/components/<kind>/<Name>`); published specs point deeper, at nothing,
//! or at other files.
//!
//! | rule | what it does |
//! | --- | --- |
//! | `deep-refs` | a schema `$ref` into another schema (`#/components/schemas/A/properties/b`, `#/paths/…/schema`) -> the target is copied to a component schema of its own (`A_properties_b`), and the `$ref` points there |
//! | `dangling-refs` | a `$ref` that resolves to nothing, to example data, or to another file: in a schema, the schema becomes any JSON (`{}`); an operation holding one is left out; another component holding one is removed |
//!
//! Each fires with a warning naming the `$ref`'s JSON pointer.

use serde_json::{Value, json};

use crate::degrade::{self, Unit};
use crate::report::Report;
use crate::spec::{self, METHODS};

/// Every `$ref` of `value` (not inside examples or extensions): its JSON pointer and target.
fn refs(value: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((pointer.to_owned(), target.clone()));
            }
            for (key, child) in map {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                    && !key.starts_with("x-")
                {
                    refs(child, &format!("{pointer}/{}", spec::escape(key)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                refs(item, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Whether the object at `pointer` is a schema (inside a `schema` or a component schema).
pub fn in_schema(pointer: &str) -> bool {
    let parts = segments(pointer);
    parts.iter().any(|p| p == "schema")
        || (parts.len() >= 3 && parts[0] == "components" && parts[1] == "schemas")
}

/// Whether `target` is a direct component reference progenitor follows.
fn direct(target: &str) -> bool {
    let Some(rest) = target.strip_prefix("#/components/") else {
        return false;
    };
    rest.split('/').count() == 2
}

/// Runs `deep-refs` and `dangling-refs` on a 3.0 document, in place.
pub fn normalise(doc: &mut Value, report: &mut Report) {
    // Hoisted schemas can hold deep refs themselves; a few rounds settle every real spec.
    for _ in 0..8 {
        let mut found = Vec::new();
        refs(doc, "", &mut found);
        let mut changed = false;
        for (pointer, target) in found {
            let Some(object) = doc.pointer(&pointer) else {
                continue; // removed with a unit of an earlier `$ref`
            };
            if object.get("$ref").and_then(Value::as_str) != Some(target.as_str()) {
                continue;
            }
            let resolved = target
                .strip_prefix('#')
                .and_then(|p| doc.pointer(p))
                .filter(|_| {
                    !segments(target.trim_start_matches('#'))
                        .iter()
                        .any(|s| s == "example" || s == "examples")
                })
                .cloned();
            match resolved {
                Some(_) if direct(&target) => {}
                Some(value) if in_schema(&pointer) && value.is_object() => {
                    let name = hoist(doc, &target, value);
                    doc.pointer_mut(&pointer).expect("found above")["$ref"] =
                        json!(format!("#/components/schemas/{}", spec::escape(&name)));
                    report.fired("deep-refs", format!("{pointer}: {target} -> {name}"));
                    changed = true;
                }
                _ => {
                    dangling(doc, &pointer, &target, report);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Copies a deep `$ref`'s target to a component schema; returns its name. The same target is
/// hoisted once.
fn hoist(doc: &mut Value, target: &str, value: Value) -> String {
    let base: String = segments(target.trim_start_matches('#'))
        .iter()
        .filter(|s| !matches!(s.as_str(), "components" | "schemas" | "paths" | "content"))
        .map(|s| {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_");
    let components = doc
        .as_object_mut()
        .expect("a document")
        .entry("components")
        .or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .expect("components is a mapping")
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("schemas is a mapping");
    let marker = json!(target);
    if let Some((name, _)) = schemas
        .iter()
        .find(|(_, s)| s.get("x-xtask-hoisted-from") == Some(&marker))
    {
        return name.clone();
    }
    let name = spec::unique_name(&base, |n| schemas.contains_key(n));
    let mut value = value;
    if let Value::Object(map) = &mut value {
        map.insert("x-xtask-hoisted-from".into(), marker);
    }
    schemas.insert(name.clone(), value);
    name
}

/// `dangling-refs` for the `$ref` at `pointer`.
fn dangling(doc: &mut Value, pointer: &str, target: &str, report: &mut Report) {
    const RULE: &str = "dangling-refs";
    let reason = format!("{pointer}: $ref `{target}` resolves to no schema or component here");
    if in_schema(pointer) {
        *doc.pointer_mut(pointer).expect("found above") = json!({});
        report.fired(RULE, reason);
        return;
    }
    let parts = segments(pointer);
    match parts.as_slice() {
        [p, path, method, ..] if p == "paths" && METHODS.contains(&method.as_str()) => {
            let unit = Unit::Operation {
                path: path.clone(),
                method: method.clone(),
            };
            degrade::degrade(doc, &unit, RULE, &reason, report);
        }
        [p, path, ..] if p == "paths" => {
            degrade::degrade_path_item(doc, path, RULE, &reason, report);
            if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                paths.remove(path);
            }
        }
        [c, kind, name, ..] if c == "components" => {
            if let Some(Value::Object(entries)) =
                doc.pointer_mut(&format!("/components/{}", spec::escape(kind)))
            {
                entries.remove(name);
            }
            report.fired(RULE, format!("{reason}; /components/{kind}/{name} removed"));
        }
        _ => {
            // Elsewhere (a link, a callback): the holder is removed.
            if let Some((parent, key)) = pointer.rsplit_once('/')
                && let Some(holder) = doc.pointer_mut(parent)
            {
                match holder {
                    Value::Object(map) => {
                        map.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Value::Array(items) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            report.fired(RULE, format!("{reason}; removed"));
        }
    }
}

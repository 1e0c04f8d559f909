//! Small helpers to walk an OpenAPI document held as JSON.

use std::collections::VecDeque;

use serde_json::Value;

use crate::error::{Error, Result};

/// The HTTP methods a path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `(path, method)` of every operation, in document order.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            if let Value::Object(item) = item {
                for method in item.keys().filter(|m| METHODS.contains(&m.as_str())) {
                    out.push((path.clone(), method.clone()));
                }
            }
        }
    }
    out
}

/// The operation object at `path` and `method`.
pub fn operation_mut<'a>(doc: &'a mut Value, path: &str, method: &str) -> Option<&'a mut Value> {
    doc.get_mut("paths")?.get_mut(path)?.get_mut(method)
}

/// Follows a local `$ref` (repeatedly) to what it names; other values are returned as they are.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Result<&'a Value> {
    let mut value = value;
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(value);
        };
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| Error::msg(format!("external $ref {reference} is not supported")))?;
        value = doc
            .pointer(pointer)
            .ok_or_else(|| Error::msg(format!("$ref {reference} points at nothing")))?;
    }
    Err(Error::msg("a $ref chain longer than 32 links"))
}

/// The component schema a `$ref` string names (`#/components/schemas/Name` -> `Name`).
pub fn schema_name(reference: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/schemas/")
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
}

/// Collects the names of the component schemas `value` refers to, anywhere inside it.
pub fn collect_refs(value: &Value, out: &mut VecDeque<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_name)
            {
                out.push_back(name);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The snake_case identifier progenitor 0.15 makes of a spec name (an `operationId`, a
/// parameter name), as its `sanitize(_, Case::Snake)` does: characters that cannot continue
/// an identifier become word breaks, heck's snake case, `_` before a leading character that
/// cannot start one, `_` after a keyword (typify's list, which adds `gen`).
pub fn rust_snake(name: &str) -> String {
    use heck::ToSnakeCase as _;
    let out = recased(name, |words| words.to_snake_case());
    let out = match out.chars().next() {
        None => "x".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if out == "_" || out == "gen" || syn::parse_str::<syn::Ident>(&out).is_err() {
        format!("{out}_")
    } else {
        out
    }
}

/// The first half of progenitor's and typify's `sanitize`, the same in every case: `+1` and
/// `-1` spelt out, otherwise `name`'s words (see [`word_breaks`]) in the case `to_case` gives.
pub fn recased(name: &str, to_case: impl Fn(&str) -> String) -> String {
    match name {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(&word_breaks(name)),
    }
}

/// `name` with `'` dropped and every character that cannot continue an identifier made a word
/// break (`-`), as progenitor's and typify's `sanitize` do before changing the case.
pub fn word_breaks(name: &str) -> String {
    name.replace('\'', "")
        .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
}

/// The HTTP methods (operations) of the path item `path` of `doc`, in its order.
pub fn methods_of(doc: &Value, path: &str) -> Vec<String> {
    doc["paths"][path]
        .as_object()
        .map(|item| {
            item.keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// `name`, or `name2`, `name3`, … : the first that `taken` does not hold.
pub fn unique_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|i| format!("{name}{i}"))
        .find(|n| !taken(n))
        .expect("an unused name")
}

/// `operationId` in PascalCase, for names derived from it (`get-user_by id` -> `GetUserById`).
pub fn pascal(id: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rust_snake_names_as_progenitor_does() {
        for (name, rust) in [
            ("clientRequestId", "client_request_id"),
            ("page-size", "page_size"),
            ("getHTTPStatus", "get_http_status"),
            ("get_pets_petId", "get_pets_pet_id"),
            ("type", "type_"),
            ("gen", "gen_"),
            ("2fa", "_2fa"),
            ("+1", "plus1"),
            ("", "x"),
        ] {
            assert_eq!(rust_snake(name), rust, "{name}");
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(pascal("get-user_by id"), "GetUserById");
        assert_eq!(pascal("listPets"), "ListPets");
        assert_eq!(unique_name("A", |n| n == "A" || n == "A2"), "A3");
        assert_eq!(schema_name("#/components/schemas/a~1b"), Some("a/b".into()));
        let doc = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": 1, "paths": {
            "/x": {"get": {}, "parameters": [], "post": {}}}});
        assert_eq!(resolve(&doc, &doc["a"]).unwrap(), &json!(1));
        assert_eq!(
            operations(&doc),
            [("/x".into(), "get".into()), ("/x".into(), "post".into())]
        );
    }
}

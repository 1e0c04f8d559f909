// Over 500 lines: the rule table and the differ that applies it are one unit.
//! What changed between two bundled specs, and whether it breaks code that calls `gong-api`.
//!
//! No maintained Rust library diffs OpenAPI documents (the crates that tried are unreleased for
//! years; oasdiff is a Go program), so the rules are ours, in one table ([`RULES`]) with a
//! fixed verdict each, tested case by case in `change_tests.rs`. Verdicts are for a caller of
//! the *generated Rust*, not of the HTTP API: progenitor's positional methods turn even an
//! optional new parameter into a new argument, and its structs have only public fields, so a
//! new field breaks struct literals. The Rust API diff ([`crate::rust_api`]) checks the same
//! change from the compiler's side.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use crate::spec::{self, METHODS, collect_refs, schema_name};

/// One rule of the change report: its name, its verdict and why.
#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub breaking: bool,
    /// What the change means for code calling `gong-api`.
    pub why: &'static str,
}

const fn rule(name: &'static str, breaking: bool, why: &'static str) -> Rule {
    Rule {
        name,
        breaking,
        why,
    }
}

/// Every rule, with its verdict for a caller of `gong-api`.
pub const RULES: &[Rule] = &[
    rule("operation-added", false, "a new `Client` method"),
    rule("operation-removed", true, "its `Client` method is gone"),
    rule(
        "operation-renamed",
        true,
        "the `Client` method is named after the operationId",
    ),
    rule("operation-deprecated", false, "the method still works"),
    rule(
        "parameter-added",
        true,
        "a new positional argument of the method (`Option<T>` when optional)",
    ),
    rule(
        "parameter-removed",
        true,
        "the method takes one argument fewer",
    ),
    rule(
        "parameter-now-required",
        true,
        "the argument changes from `Option<T>` to `T`",
    ),
    rule(
        "parameter-now-optional",
        true,
        "the argument changes from `T` to `Option<T>`",
    ),
    rule(
        "request-body-added",
        true,
        "a new body argument of the method",
    ),
    rule(
        "request-body-removed",
        true,
        "the method loses its body argument",
    ),
    rule(
        "request-field-added",
        true,
        "struct literals of the request type must set it",
    ),
    rule(
        "request-field-removed",
        true,
        "code that sets it no longer compiles",
    ),
    rule(
        "request-field-now-required",
        true,
        "the field changes from `Option<T>` to `T`",
    ),
    rule(
        "request-field-now-optional",
        true,
        "the field changes from `T` to `Option<T>`",
    ),
    rule(
        "response-field-added",
        true,
        "code reading answers is unaffected; struct literals of the type (tests, typed mocks) \
         must set it",
    ),
    rule(
        "response-field-removed",
        true,
        "code that reads it no longer compiles",
    ),
    rule(
        "response-field-now-required",
        true,
        "the field changes from `Option<T>` to `T`",
    ),
    rule(
        "response-field-now-optional",
        true,
        "the field changes from `T` to `Option<T>`",
    ),
    rule("type-changed", true, "the Rust type changes"),
    rule(
        "format-changed",
        true,
        "the Rust type changes (`i32` -> `i64`, `String` -> `Uuid`, …)",
    ),
    rule(
        "response-date-format-changed",
        false,
        "response dates decode as strings (`lenient-date-formats`)",
    ),
    rule(
        "now-nullable",
        true,
        "a required field or parameter becomes `Option<T>`",
    ),
    rule(
        "optional-now-nullable",
        false,
        "already an `Option<T>`; `null` decodes as `None`",
    ),
    rule(
        "no-longer-nullable",
        true,
        "a required field or parameter changes from `Option<T>` to `T`",
    ),
    rule("optional-no-longer-nullable", false, "stays an `Option<T>`"),
    rule(
        "request-enum-value-added",
        true,
        "a new enum variant: exhaustive `match`es stop compiling",
    ),
    rule(
        "request-enum-value-removed",
        true,
        "the enum variant is gone",
    ),
    rule(
        "response-enum-value-added",
        false,
        "response enums decode as strings (`lenient-enums`)",
    ),
    rule(
        "response-enum-value-removed",
        false,
        "response enums decode as strings; the value stops arriving",
    ),
    rule(
        "success-bodies-changed",
        true,
        "the method's success type changes",
    ),
    rule(
        "error-bodies-changed",
        true,
        "the method's error type changes",
    ),
    rule(
        "response-status-added",
        false,
        "same body types: the method decodes one more status",
    ),
    rule(
        "response-status-removed",
        false,
        "same body types: the status now arrives as an unexpected response",
    ),
    rule("schema-added", false, "a new type in `types`"),
    rule("schema-removed", true, "its type in `types` is gone"),
    rule(
        "schema-renamed",
        true,
        "the same type under another name in `types`",
    ),
];

/// The rule named `name`.
pub fn rule_named(name: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule {name} in the table"))
}

/// One change: the rule it falls under, where (an operation or a component schema) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub rule: &'static str,
    pub place: String,
    pub change: String,
}

impl Row {
    pub fn breaking(&self) -> bool {
        rule_named(self.rule).breaking
    }
}

/// Which way a schema's data flows, which decides the rules for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// Sent by the caller (parameters, request bodies), and also a component used both ways:
    /// its request type keeps every check.
    Request,
    /// Received only: lenient in the generated client.
    Response,
}

/// Where a schema sits: the row's place, the path inside it and the side.
#[derive(Clone)]
struct At {
    place: String,
    loc: String,
    side: Side,
}

impl At {
    fn then(&self, step: &str) -> At {
        At {
            loc: format!("{}{step}", self.loc),
            ..self.clone()
        }
    }
}

/// The changes from `old` to `new` (two bundled specs), operations first, in document order.
pub fn diff(old: &Value, new: &Value) -> Vec<Row> {
    let mut differ = Differ {
        old,
        new,
        rows: Vec::new(),
        renamed: renamed_schemas(old, new),
    };
    differ.operations();
    differ.components();
    differ.rows
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    rows: Vec<Row>,
    /// Component schemas that only changed their name: old -> new.
    renamed: BTreeMap<String, String>,
}

/// `(METHOD path)` -> the operation, in document order.
fn operations(doc: &Value) -> Vec<(String, &Value)> {
    spec::operations(doc)
        .into_iter()
        .map(|(path, method)| {
            let key = format!("{} {path}", method.to_uppercase());
            (key, &doc["paths"][&path][&method])
        })
        .collect()
}

fn operation_id(op: &Value) -> &str {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("no operationId")
}

impl<'a> Differ<'a> {
    fn push(&mut self, rule: &'static str, place: &str, change: impl Into<String>) {
        debug_assert!(RULES.iter().any(|r| r.name == rule), "{rule}");
        self.rows.push(Row {
            rule,
            place: place.to_owned(),
            change: change.into(),
        });
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        let find = |ops: &[(String, &'a Value)], key: &str| {
            ops.iter().find(|(k, _)| k == key).map(|(_, op)| *op)
        };
        for (key, op) in &old_ops {
            if find(&new_ops, key).is_none() {
                self.push("operation-removed", key, operation_id(op));
            }
        }
        for (key, new_op) in &new_ops {
            let Some(old_op) = find(&old_ops, key) else {
                self.push("operation-added", key, operation_id(new_op));
                continue;
            };
            let place = format!("{key} ({})", operation_id(new_op));
            if operation_id(old_op) != operation_id(new_op) {
                let change = format!("{} -> {}", operation_id(old_op), operation_id(new_op));
                self.push("operation-renamed", &place, change);
            }
            if old_op.get("deprecated") != Some(&Value::Bool(true))
                && new_op.get("deprecated") == Some(&Value::Bool(true))
            {
                self.push("operation-deprecated", &place, operation_id(new_op));
            }
            let (path, method) = key.split_once(' ').map(|(m, p)| (p, m)).unwrap();
            self.parameters(&place, path, &method.to_lowercase());
            self.request_body(&place, old_op, new_op);
            self.responses(&place, old_op, new_op);
        }
    }

    /// The operation's parameters, path-level ones included, keyed by `in` and name.
    fn parameters_of(
        doc: &'a Value,
        path: &str,
        method: &str,
    ) -> BTreeMap<(String, String), &'a Value> {
        let item = &doc["paths"][path];
        let mut out = BTreeMap::new();
        for list in [&item["parameters"], &item[method]["parameters"]] {
            for p in list.as_array().into_iter().flatten() {
                let p = spec::resolve(doc, p).unwrap_or(p);
                let location = p["in"].as_str().unwrap_or_default().to_owned();
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                out.insert((location, name), p);
            }
        }
        out
    }

    fn parameters(&mut self, place: &str, path: &str, method: &str) {
        let old = Self::parameters_of(self.old, path, method);
        let new = Self::parameters_of(self.new, path, method);
        let required = |p: &Value| p["required"] == Value::Bool(true);
        let describe = |(location, name): &(String, String), p: &Value| {
            let needed = if required(p) { "required" } else { "optional" };
            format!("{location} parameter `{name}`, {needed}")
        };
        for (key, p) in &old {
            if !new.contains_key(key) {
                self.push("parameter-removed", place, describe(key, p));
            }
        }
        for (key, p) in &new {
            let Some(before) = old.get(key) else {
                self.push("parameter-added", place, describe(key, p));
                continue;
            };
            let name = format!("{} parameter `{}`", key.0, key.1);
            match (required(before), required(p)) {
                (false, true) => self.push("parameter-now-required", place, name.clone()),
                (true, false) => self.push("parameter-now-optional", place, name.clone()),
                _ => {}
            }
            let at = At {
                place: place.to_owned(),
                loc: name,
                side: Side::Request,
            };
            self.schema(
                &before["schema"],
                &p["schema"],
                &at,
                required(before) && required(p),
            );
        }
    }

    fn request_body(&mut self, place: &str, old_op: &'a Value, new_op: &'a Value) {
        let body = |doc: &'a Value, op: &'a Value| -> Option<&'a Value> {
            let body = op.get("requestBody")?;
            spec::resolve(doc, body).ok()
        };
        match (body(self.old, old_op), body(self.new, new_op)) {
            (None, None) => {}
            (Some(_), None) => self.push("request-body-removed", place, "body"),
            (None, Some(_)) => self.push("request-body-added", place, "body"),
            (Some(old), Some(new)) => {
                let at = At {
                    place: place.to_owned(),
                    loc: "body".into(),
                    side: Side::Request,
                };
                let schema = |b: &'a Value| &b["content"]["application/json"]["schema"];
                self.schema(schema(old), schema(new), &at, true);
            }
        }
    }

    fn responses(&mut self, place: &str, old_op: &'a Value, new_op: &'a Value) {
        let statuses = |doc: &'a Value, op: &'a Value| -> BTreeMap<String, &'a Value> {
            op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| (status.clone(), spec::resolve(doc, r).unwrap_or(r)))
                .collect()
        };
        let old = statuses(self.old, old_op);
        let new = statuses(self.new, new_op);
        let old_kinds = body_kinds(&old, &self.renamed);
        let new_kinds = body_kinds(&new, &BTreeMap::new());
        let bodies_same = [(0, "success-bodies-changed"), (1, "error-bodies-changed")]
            .into_iter()
            .all(|(i, rule)| {
                let (was, now) = (&old_kinds[i], &new_kinds[i]);
                if was != now {
                    let list = |kinds: &BTreeSet<String>| {
                        kinds
                            .iter()
                            .map(|k| {
                                if k.starts_with('{') {
                                    "an inline schema"
                                } else {
                                    k
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    self.push(rule, place, format!("{} -> {}", list(was), list(now)));
                }
                was == now
            });
        if bodies_same {
            for status in old.keys().filter(|s| !new.contains_key(*s)) {
                self.push("response-status-removed", place, status.clone());
            }
            for status in new.keys().filter(|s| !old.contains_key(*s)) {
                self.push("response-status-added", place, status.clone());
            }
        }
        for (status, new_response) in &new {
            if let Some(old_response) = old.get(status) {
                let at = At {
                    place: place.to_owned(),
                    loc: format!("{status} body"),
                    side: Side::Response,
                };
                let schema = |r: &'a Value| &r["content"]["application/json"]["schema"];
                self.schema(schema(old_response), schema(new_response), &at, true);
            }
        }
    }

    /// Component schemas present on both sides, diffed once each; added, removed and renamed
    /// ones.
    fn components(&mut self) {
        let names = |doc: &Value| -> Vec<String> {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old_names, new_names) = (names(self.old), names(self.new));
        let request_side: BTreeSet<String> = request_closure(self.old)
            .into_iter()
            .chain(request_closure(self.new))
            .collect();
        let renamed_to: BTreeSet<&String> = self.renamed.values().collect();
        let mut rows = Vec::new();
        for name in &old_names {
            if let Some(to) = self.renamed.get(name) {
                rows.push((
                    "schema-renamed",
                    format!("schema `{name}`"),
                    format!("{name} -> {to}"),
                ));
            } else if !new_names.contains(name) {
                rows.push(("schema-removed", format!("schema `{name}`"), name.clone()));
            }
        }
        for name in new_names
            .iter()
            .filter(|n| !old_names.contains(n) && !renamed_to.contains(n))
        {
            rows.push(("schema-added", format!("schema `{name}`"), name.clone()));
        }
        for (rule, place, change) in rows {
            self.push(rule, &place, change);
        }
        for name in old_names.iter().filter(|n| new_names.contains(n)) {
            let side = if request_side.contains(name) {
                Side::Request
            } else {
                Side::Response
            };
            let at = At {
                place: format!(
                    "schema `{name}` ({})",
                    if side == Side::Request {
                        "request"
                    } else {
                        "response"
                    }
                ),
                loc: String::new(),
                side,
            };
            let pointer = format!("/components/schemas/{}", spec::escape(name));
            let (old, new) = (
                self.old.pointer(&pointer).unwrap(),
                self.new.pointer(&pointer).unwrap(),
            );
            self.schema_body(old, new, &at, true);
        }
    }

    /// Compares two schemas found at the same place. A reference to a component is compared
    /// where the component is (once); a reference to another component is a type change.
    fn schema(&mut self, old: &'a Value, new: &'a Value, at: &At, required: bool) {
        let (old_ref, new_ref) = (component(old), component(new));
        match (&old_ref, &new_ref) {
            (Some(a), Some(b)) if a == b || self.renamed.get(a) == Some(b) => return,
            (None, None) => {}
            _ => {
                let name = |r: &Option<String>| match r {
                    Some(name) => format!("types::{name}"),
                    None => "an inline schema".into(),
                };
                let change = format!("{}: {} -> {}", at.loc, name(&old_ref), name(&new_ref));
                self.push("type-changed", &at.place, change);
                return;
            }
        }
        self.schema_body(old, new, at, required);
    }

    fn schema_body(&mut self, old: &'a Value, new: &'a Value, at: &At, required: bool) {
        let (old, old_nullable) = unwrap_nullable(old);
        let (new, new_nullable) = unwrap_nullable(new);
        if component(old).is_some() || component(new).is_some() {
            // `anyOf: [$ref, null]` around a reference.
            self.nullability(old_nullable, new_nullable, at, required);
            return self.schema(old, new, at, required);
        }
        let loc = if at.loc.is_empty() {
            "the schema".to_owned()
        } else {
            at.loc.clone()
        };
        let (old_types, new_types) = (types(old), types(new));
        if old_types != new_types {
            let change = format!("{loc}: {} -> {}", show(&old_types), show(&new_types));
            return self.push("type-changed", &at.place, change);
        }
        let composite = |s: &Value| -> Option<String> {
            ["oneOf", "anyOf", "allOf"]
                .iter()
                .find_map(|k| s.get(*k))
                .map(|v| strip_docs(v).to_string())
        };
        if composite(old) != composite(new) {
            return self.push(
                "type-changed",
                &at.place,
                format!("{loc}: oneOf/anyOf/allOf changed"),
            );
        }
        let pattern = |s: &Value| s.get("pattern").is_some();
        if pattern(old) != pattern(new) {
            let what = if pattern(new) {
                "pattern added"
            } else {
                "pattern removed"
            };
            return self.push("type-changed", &at.place, format!("{loc}: {what}"));
        }
        let format = |s: &'a Value| s.get("format").and_then(Value::as_str);
        let (old_format, new_format) = (format(old), format(new));
        if old_format != new_format {
            let dates = |f: Option<&str>| matches!(f, None | Some("date" | "date-time"));
            let rule = if at.side == Side::Response && dates(old_format) && dates(new_format) {
                "response-date-format-changed"
            } else {
                "format-changed"
            };
            let change = format!(
                "{loc}: {} -> {}",
                old_format.unwrap_or("none"),
                new_format.unwrap_or("none")
            );
            self.push(rule, &at.place, change);
        }
        self.nullability(old_nullable, new_nullable, at, required);
        self.enums(old, new, at, &loc);
        self.properties(old, new, at);
        if old.get("items").is_some() && new.get("items").is_some() {
            self.schema(&old["items"], &new["items"], &at.then("[]"), true);
        }
    }

    fn nullability(&mut self, was: bool, now: bool, at: &At, required: bool) {
        let loc = if at.loc.is_empty() {
            "the schema"
        } else {
            &at.loc
        };
        let rule = match (was, now, required) {
            (false, true, true) => Some("now-nullable"),
            (false, true, false) => Some("optional-now-nullable"),
            (true, false, true) => Some("no-longer-nullable"),
            (true, false, false) => Some("optional-no-longer-nullable"),
            _ => None,
        };
        if let Some(rule) = rule {
            self.push(rule, &at.place, loc.to_owned());
        }
    }

    fn enums(&mut self, old: &'a Value, new: &'a Value, at: &At, loc: &str) {
        let values = |s: &Value| -> Option<Vec<Value>> {
            s.get("enum")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| s.get("const").map(|c| vec![c.clone()]))
        };
        let (Some(was), Some(now)) = (values(old), values(new)) else {
            return;
        };
        let (added, removed) = match at.side {
            Side::Request => ("request-enum-value-added", "request-enum-value-removed"),
            Side::Response => ("response-enum-value-added", "response-enum-value-removed"),
        };
        for v in was.iter().filter(|v| !now.contains(v)) {
            self.push(removed, &at.place, format!("{loc}: {v}"));
        }
        for v in now.iter().filter(|v| !was.contains(v)) {
            self.push(added, &at.place, format!("{loc}: {v}"));
        }
    }

    fn properties(&mut self, old: &'a Value, new: &'a Value, at: &At) {
        let props = |s: &'a Value| s.get("properties").and_then(Value::as_object);
        let (Some(old_props), Some(new_props)) = (props(old), props(new)) else {
            return;
        };
        let required = |s: &Value, name: &str| {
            s.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == name))
        };
        let side = match at.side {
            Side::Request => "request",
            Side::Response => "response",
        };
        let rule =
            |what: &str| -> &'static str { rule_named(&format!("{side}-field-{what}")).name };
        let field = |name: &str| format!("{}.{name}", at.loc);
        for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
            self.push(rule("removed"), &at.place, format!("`{}`", field(name)));
        }
        for (name, new_prop) in new_props {
            let needed = required(new, name);
            let Some(old_prop) = old_props.get(name) else {
                let how = if needed { "required" } else { "optional" };
                self.push(
                    rule("added"),
                    &at.place,
                    format!("`{}`, {how}", field(name)),
                );
                continue;
            };
            match (required(old, name), needed) {
                (false, true) => self.push(
                    rule("now-required"),
                    &at.place,
                    format!("`{}`", field(name)),
                ),
                (true, false) => self.push(
                    rule("now-optional"),
                    &at.place,
                    format!("`{}`", field(name)),
                ),
                _ => {}
            }
            let both = required(old, name) && needed;
            self.schema(old_prop, new_prop, &at.then(&format!(".{name}")), both);
        }
    }
}

/// The component a schema refers to (`$ref`, or a lone `allOf` wrapper around one).
fn component(schema: &Value) -> Option<String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return schema_name(r);
    }
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => component(only),
        _ => None,
    }
}

/// A schema without its nullability: `type: [T, "null"]`, `nullable: true` and
/// `oneOf`/`anyOf` of one schema and `{type: null}` all say "T or null".
fn unwrap_nullable(schema: &Value) -> (&Value, bool) {
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key) {
            let is_null = |s: &Value| s.get("type") == Some(&Value::String("null".into()));
            if alternatives.len() == 2 && alternatives.iter().any(is_null) {
                let other = alternatives.iter().find(|s| !is_null(s)).unwrap();
                return (other, true);
            }
        }
    }
    let listed = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|v| v == "null"));
    (
        schema,
        listed || schema.get("nullable") == Some(&Value::Bool(true)),
    )
}

/// The schema's types other than `null`.
fn types(schema: &Value) -> BTreeSet<String> {
    match schema.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    }
}

fn show(types: &BTreeSet<String>) -> String {
    if types.is_empty() {
        "any".into()
    } else {
        types.iter().cloned().collect::<Vec<_>>().join(" | ")
    }
}

/// A schema without `description`, `example(s)`, `title` and `x-` keys: what decides its shape.
fn strip_docs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "description" | "example" | "examples" | "title")
                        && !k.starts_with("x-")
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// Components that only changed their name: removed in `old`, added in `new`, same shape.
fn renamed_schemas(old: &Value, new: &Value) -> BTreeMap<String, String> {
    let schemas = |doc: &Value| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (name, schema) in old_schemas
        .iter()
        .filter(|(n, _)| !new_schemas.contains_key(*n))
    {
        let shape = strip_docs(schema);
        if let Some((to, _)) = new_schemas.iter().find(|(n, s)| {
            !old_schemas.contains_key(*n) && !taken.contains(*n) && strip_docs(s) == shape
        }) {
            taken.insert(to.clone());
            out.insert(name.clone(), to.clone());
        }
    }
    out
}

/// The success and the error body kinds of an operation's responses: a component's name (old
/// names mapped through `renamed`), an inline schema's shape, "no body" or the media type.
fn body_kinds(
    responses: &BTreeMap<String, &Value>,
    renamed: &BTreeMap<String, String>,
) -> [BTreeSet<String>; 2] {
    let mut kinds = [BTreeSet::new(), BTreeSet::new()];
    for (status, response) in responses {
        let success = status.starts_with('2');
        let kind = match response.get("content").and_then(Value::as_object) {
            None => "no body".to_owned(),
            Some(content) => match content.get("application/json") {
                Some(media) => match component(&media["schema"]) {
                    Some(name) => renamed.get(&name).cloned().unwrap_or(name),
                    None => strip_docs(&media["schema"]).to_string(),
                },
                None => content.keys().next().cloned().unwrap_or_default(),
            },
        };
        if success || kind != "no body" {
            kinds[usize::from(!success)].insert(kind);
        }
    }
    kinds
}

/// The component schemas reached from parameters and request bodies.
fn request_closure(doc: &Value) -> BTreeSet<String> {
    let mut queue = VecDeque::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values() {
            collect_refs(&item["parameters"], &mut queue);
            for method in METHODS {
                let op = &item[method];
                collect_refs(&op["parameters"], &mut queue);
                if let Some(body) = op.get("requestBody") {
                    collect_refs(spec::resolve(doc, body).unwrap_or(body), &mut queue);
                }
            }
        }
    }
    // Parameters by reference lead to their schemas.
    if let Some(Value::Object(params)) = doc.pointer("/components/parameters") {
        let used: Vec<&Value> = params.values().collect();
        for p in used {
            collect_refs(p, &mut queue);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        if seen.insert(name.clone())
            && let Some(schema) =
                doc.pointer(&format!("/components/schemas/{}", spec::escape(&name)))
        {
            collect_refs(schema, &mut queue);
        }
    }
    seen
}

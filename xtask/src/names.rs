// Over 500 lines: the five rules share one model of how progenitor and typify name things;
// apart, each would have to re-derive it. Tests are in `names_tests.rs`.
//! Name rules: every Rust name the generated client defines is unique, so a spec whose names
//! collide after progenitor's and typify's sanitising (PascalCase for types, snake_case for
//! fields and arguments) still compiles, and no type silently takes another's shape. Each
//! resolution is deterministic and never changes a wire name.
//!
//! | rule | what it does |
//! | --- | --- |
//! | `method-name-collisions` | an operation whose method would be one the client has already (`post`, `pre`, `exec`: the hooks every operation calls; `new`, `baseurl`, `client`, …) gets a numbered `operationId` (`post2`) |
//! | `schema-name-collisions` | component schemas whose type names collide (`_metadata`, `metadata` -> `Metadata`): the one spelt as its type name (else the first in byte order) keeps it, the others are renamed `Metadata2`, … and every `$ref` follows (schema names never reach the wire); so is a component named as typify names the inline copy it makes of an `allOf` component's property that refers to another `allOf` component (`<Parent><Prop>`) |
//! | `title-name-collisions` | an inline schema's `title` (which names its type) that is a component's type name, a name progenitor gives an operation's types (`<OperationId>Response`, `Body`, `<Param>`), or another title on a different shape: the title is made unique (`Prefix2`); an untitled inline object, enum, composition or constrained string whose suggested name (`<Parent><Prop>` of a property of a component or its inline `allOf` parts, `<OperationId>Body`, `Response`) is a component's gets a unique title too |
//! | `field-name-collisions` | properties of one object whose field names collide (`message`, `Message`): the one spelt as its field name (else the first) is the field; the others are left out of the struct: a response type keeps them in its `extra` map of unknown fields, a request cannot send them. Across the parts of an `allOf`, which typify merges into one struct, a referenced part's property wins over an inline part's. A `required` name with no property (typify makes it a field of any JSON) whose field name a property has is dropped from `required` |
//! | `argument-name-collisions` | parameters of one operation whose argument names collide (`drugId` in the path, `drug_id` in the query; a parameter `body` beside a request body): a path parameter is renamed with its `{template}` (`DRUG_ID2`: the URL is the same); a query or header parameter is left out if optional, else the operation is left out with a warning |
//!
//! Each fires with a detail naming the schema, the JSON pointer or the operation.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::degrade::remove_operation;
use crate::report::Report;
use crate::schema_rules::visit_document;
use crate::spec::{self, METHODS, escape, rust_snake, unique_name};

/// Runs the name rules on a document in progenitor's form, in place (last, so they see the
/// names every other rule made).
pub fn normalise(doc: &mut Value, report: &mut Report) {
    method_names(doc, report);
    schema_names(doc, report);
    titles(doc, report);
    fields(doc, report);
    merged_fields(doc, report);
    arguments(doc, report);
}

/// The type name typify gives a schema name or title (its `sanitize`, Pascal case):
/// characters that cannot continue an identifier become word breaks, heck's PascalCase, `X`
/// before a leading character that cannot start one, `_` after a keyword.
pub fn type_name(name: &str) -> String {
    use heck::ToPascalCase as _;
    let out = spec::recased(name, |words| words.to_pascal_case());
    let out = match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("X{out}"),
    };
    if out == "Self" {
        format!("{out}_")
    } else {
        out
    }
}

/// The type name progenitor asks typify for (its own `sanitize`, then typify's):
/// `<OperationId>-response` -> `OperationIdResponse`.
fn progenitor_type_name(name: &str) -> String {
    use heck::ToPascalCase as _;
    let out = spec::word_breaks(name).to_pascal_case();
    let out = match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    type_name(&out)
}

/// Which of several spellings keeps a name: the one spelt as the name itself, else the first
/// in `order`. Returns the indices of the others, in order.
fn losers(spellings: &[&str], name: &str) -> Vec<usize> {
    let winner = spellings.iter().position(|s| *s == name).unwrap_or(0);
    (0..spellings.len()).filter(|&i| i != winner).collect()
}

// --- method-name-collisions -------------------------------------------------------------

/// The methods the generated `Client` has besides one per operation: its constructors, the
/// `ClientInfo` accessors and the `ClientHooks` every operation calls (`self.pre(…)`,
/// `self.post(…)`, `self.exec(…)`, `Self::api_version()`); an operation's method of one of
/// these names shadows it, and every operation's body stops compiling.
const CLIENT_METHODS: [&str; 9] = [
    "new",
    "new_with_client",
    "api_version",
    "baseurl",
    "client",
    "inner",
    "pre",
    "post",
    "exec",
];

/// `method-name-collisions`: an operation whose method would be one of [`CLIENT_METHODS`]
/// gets a numbered `operationId` (`post` -> `post2`).
fn method_names(doc: &mut Value, report: &mut Report) {
    let operations = spec::operations(doc);
    let mut taken: BTreeSet<String> = operations
        .iter()
        .filter_map(|(path, method)| doc["paths"][path][method]["operationId"].as_str())
        .map(rust_snake)
        .collect();
    for (path, method) in operations {
        let Some(Value::Object(op)) = spec::operation_mut(doc, &path, &method) else {
            continue;
        };
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        if !CLIENT_METHODS.contains(&rust_snake(id).as_str()) {
            continue;
        }
        let new = unique_name(id, |n| {
            let snake = rust_snake(n);
            CLIENT_METHODS.contains(&snake.as_str()) || taken.contains(&snake)
        });
        taken.insert(rust_snake(&new));
        report.fired(
            "method-name-collisions",
            format!("{} {path}: {id} -> {new}", method.to_uppercase()),
        );
        op.insert("operationId".into(), json!(new));
    }
}

// --- schema-name-collisions -------------------------------------------------------------

/// `schema-name-collisions`.
fn schema_names(doc: &mut Value, report: &mut Report) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let mut keys: Vec<&String> = schemas.keys().collect();
    keys.sort();
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for key in keys {
        groups.entry(type_name(key)).or_default().push(key);
    }
    let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (name, spellings) in &groups {
        let winner = spellings.iter().position(|s| s == name).unwrap_or(0);
        for i in losers(spellings, name) {
            let new = unique_name(name, |n| taken.contains(n) || schemas.contains_key(n));
            taken.insert(new.clone());
            report.fired(
                "schema-name-collisions",
                format!(
                    "{} -> {new} ({} keeps {name})",
                    spellings[i], spellings[winner]
                ),
            );
            renames.push((spellings[i].to_owned(), new));
        }
    }
    // typify merges an `allOf` into one struct and, doing so, copies a property that refers
    // to another `allOf` component inline, naming the copy `<Parent><Prop>`: a component of
    // that name (zuora names nested components so) is then defined twice.
    for (parent, property, target) in merged_copies(&doc["components"]["schemas"]) {
        let copy = type_name(&format!(
            "{}_{}",
            type_name(&parent),
            heck::ToSnakeCase::to_snake_case(property.as_str())
        ));
        if type_name(&target) != copy || renames.iter().any(|(old, _)| *old == target) {
            continue;
        }
        let new = unique_name(&copy, |n| taken.contains(n) || schemas.contains_key(n));
        taken.insert(new.clone());
        report.fired(
            "schema-name-collisions",
            format!("{target} -> {new} (typify names its copy in {parent}.{property} {copy})"),
        );
        renames.push((target, new));
    }
    if renames.is_empty() {
        return;
    }
    let renames: BTreeMap<String, String> = renames.into_iter().collect();
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("read above");
    *schemas = std::mem::take(schemas)
        .into_iter()
        .map(|(k, v)| (renames.get(&k).cloned().unwrap_or(k), v))
        .collect();
    rewrite_refs(doc, &renames);
}

/// `(parent, property, target)` of each property of an `allOf` component's inline parts that
/// is a `$ref` to a component that is itself an `allOf`: typify copies those inline.
fn merged_copies(schemas: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Value::Object(map) = schemas else {
        return out;
    };
    let is_all_of = |name: &str| map.get(name).is_some_and(|s| s.get("allOf").is_some());
    for (parent, schema) in map {
        let Some(Value::Array(parts)) = schema.get("allOf") else {
            continue;
        };
        for part in std::iter::once(schema).chain(parts.iter()) {
            let Some(Value::Object(properties)) = part.get("properties") else {
                continue;
            };
            for (property, value) in properties {
                if let Some(target) = value
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(spec::schema_name)
                    && is_all_of(&target)
                {
                    out.push((parent.clone(), property.clone(), target));
                }
            }
        }
    }
    out
}

/// `#/components/schemas/<old>` (and pointers below it) -> `<new>`, in every `$ref` and
/// discriminator mapping of `value`.
fn rewrite_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    let renamed = |target: &str| -> Option<String> {
        let rest = target.strip_prefix("#/components/schemas/")?;
        let (head, tail) = rest.split_once('/').map_or((rest, ""), |(h, t)| (h, t));
        let name = head.replace("~1", "/").replace("~0", "~");
        let new = renames.get(&name)?;
        let sep = if tail.is_empty() { "" } else { "/" };
        Some(format!("#/components/schemas/{}{sep}{tail}", escape(new)))
    };
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && let Some(new) = renamed(target)
            {
                map.insert("$ref".into(), json!(new));
            }
            if let Some(Value::Object(mapping)) = map
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                for target in mapping.values_mut() {
                    if let Some(new) = target.as_str().and_then(renamed) {
                        *target = json!(new);
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                    && !key.starts_with("x-")
                {
                    rewrite_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

// --- title-name-collisions --------------------------------------------------------------

/// The type names the client defines other than by titles: each component schema's, and
/// those progenitor gives an operation's inline body, response and parameter types.
fn reserved_names(doc: &Value) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| type_name(k)).collect())
        .unwrap_or_default();
    for (path, method) in spec::operations(doc) {
        let item = &doc["paths"][&path];
        let op = &item[&method];
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        for suffix in ["response", "body"] {
            names.insert(progenitor_type_name(&format!("{id}-{suffix}")));
        }
        for param in [item, op]
            .into_iter()
            .filter_map(|v| v.get("parameters").and_then(Value::as_array))
            .flatten()
        {
            if let Some(name) = spec::resolve(doc, param)
                .ok()
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
            {
                names.insert(progenitor_type_name(&format!("{id}-{name}")));
            }
        }
    }
    names
}

/// Whether `pointer` is a component schema itself (typify names it by its key, not its title).
fn is_component_root(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Whether typify makes a named type of `schema` (an object, an enum, a composition), so the
/// name it is given matters.
fn makes_a_type(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && ["properties", "enum", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(k).is_some())
}

/// [`makes_a_type`], or a string with length or pattern constraints (typify makes a newtype
/// of it, named by its title); a plain string, number or array titled so is no type.
fn titled_type(schema: &Value) -> bool {
    makes_a_type(schema)
        || (schema.get("type") == Some(&json!("string"))
            && ["minLength", "maxLength", "pattern"]
                .iter()
                .any(|k| schema.get(k).is_some()))
}

/// An untitled inline schema is named by a suggestion: `<Parent><Prop>` for a component's
/// property, `<OperationId>Body` / `Response` for an operation's JSON bodies. One whose
/// suggestion is a component's type name gets that name as its title, so the title rule
/// below makes it unique (typify would give it the component's type, or define the name
/// twice).
fn title_suggestions(doc: &mut Value) {
    let components: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| type_name(k)).collect())
        .unwrap_or_default();
    if components.is_empty() {
        return;
    }
    let untitled = |schema: &Value| titled_type(schema) && schema.get("title").is_none();
    let mut suggested: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (key, schema) in schemas {
            // Its own properties and those of its inline `allOf` parts, which typify merges
            // into the component's struct (and names after it).
            let base = format!("/components/schemas/{}", escape(key));
            let mut holders = vec![(base.clone(), schema)];
            if let Some(Value::Array(parts)) = schema.get("allOf") {
                holders.extend(
                    parts
                        .iter()
                        .enumerate()
                        .map(|(i, part)| (format!("{base}/allOf/{i}"), part)),
                );
            }
            for (at, holder) in holders {
                let Some(Value::Object(properties)) = holder.get("properties") else {
                    continue;
                };
                for (name, property) in properties {
                    let suggestion = type_name(&format!(
                        "{}_{}",
                        type_name(key),
                        heck::ToSnakeCase::to_snake_case(name.as_str())
                    ));
                    if untitled(property) && components.contains(&suggestion) {
                        suggested.push((format!("{at}/properties/{}", escape(name)), suggestion));
                    }
                }
            }
        }
    }
    for (path, method) in spec::operations(doc) {
        let op = &doc["paths"][&path][&method];
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let base = format!("/paths/{}/{method}", escape(&path));
        let mut bodies: Vec<(String, &Value, &str)> = Vec::new();
        if let Some(Value::Object(content)) = op.pointer("/requestBody/content") {
            for (media, body) in content {
                bodies.push((
                    format!("{base}/requestBody/content/{}/schema", escape(media)),
                    &body["schema"],
                    "body",
                ));
            }
        }
        if let Some(Value::Object(responses)) = op.get("responses") {
            for (status, response) in responses {
                if let Some(Value::Object(content)) = response.get("content") {
                    for (media, body) in content {
                        bodies.push((
                            format!(
                                "{base}/responses/{}/content/{}/schema",
                                escape(status),
                                escape(media)
                            ),
                            &body["schema"],
                            "response",
                        ));
                    }
                }
            }
        }
        for (pointer, schema, suffix) in bodies {
            let suggestion = progenitor_type_name(&format!("{id}-{suffix}"));
            if untitled(schema) && components.contains(&suggestion) {
                suggested.push((pointer, suggestion));
            }
        }
    }
    for (pointer, suggestion) in suggested {
        if let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) {
            schema.insert("title".into(), json!(suggestion));
        }
    }
}

/// `title-name-collisions`.
fn titles(doc: &mut Value, report: &mut Report) {
    title_suggestions(doc);
    let reserved = reserved_names(doc);
    // Every title's name, so a new one is none of them.
    let mut all: BTreeSet<String> = BTreeSet::new();
    visit_document(doc, "", &mut |schema, pointer| {
        if !is_component_root(pointer)
            && titled_type(&Value::Object(schema.clone()))
            && let Some(title) = schema.get("title").and_then(Value::as_str)
        {
            all.insert(type_name(title));
        }
    });
    // name -> the shape it names (the first titled schema of that name, as visited).
    let mut shapes: BTreeMap<String, Value> = BTreeMap::new();
    // (name, shape) -> the name given to that shape when the name was taken.
    let mut given: Vec<(String, Value, String)> = Vec::new();
    visit_document(doc, "", &mut |schema, pointer| {
        if is_component_root(pointer) {
            return;
        }
        let Some(title) = schema.get("title").and_then(Value::as_str) else {
            return;
        };
        let shape = Value::Object(schema.clone());
        if !titled_type(&shape) {
            return;
        }
        let name = type_name(title);
        if !reserved.contains(&name) {
            match shapes.get(&name) {
                None => {
                    shapes.insert(name, shape);
                    return;
                }
                Some(first) if *first == shape => return,
                Some(_) => {}
            }
        }
        let new = match given.iter().find(|(n, s, _)| *n == name && *s == shape) {
            Some((.., new)) => new.clone(),
            None => {
                let new = unique_name(&name, |n| {
                    reserved.contains(n) || all.contains(n) || shapes.contains_key(n)
                });
                shapes.insert(new.clone(), shape.clone());
                given.push((name.clone(), shape, new.clone()));
                new
            }
        };
        let why = if reserved.contains(&name) {
            "a name the client defines"
        } else {
            "another shape's title"
        };
        report.fired(
            "title-name-collisions",
            format!("{pointer}: {title} -> {new} ({why})"),
        );
        schema.insert("title".into(), json!(new));
    });
}

// --- field-name-collisions --------------------------------------------------------------

/// `field-name-collisions`, on every object schema's own properties.
fn fields(doc: &mut Value, report: &mut Report) {
    visit_document(doc, "", &mut |schema, pointer| {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            return;
        };
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for key in properties.keys() {
            groups.entry(rust_snake(key)).or_default().push(key);
        }
        // A required name without a property is a field too (typify types it as any JSON);
        // one whose field name a property has is dropped from `required`.
        let mut unlisted: Vec<(String, String)> = Vec::new();
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if properties.contains_key(name) {
                continue;
            }
            if let Some(spellings) = groups.get(&rust_snake(name)) {
                unlisted.push((name.to_owned(), spellings[0].to_owned()));
            }
        }
        let mut left_out: Vec<(String, String)> = Vec::new();
        for (field, spellings) in &groups {
            let winner = spellings.iter().position(|s| s == field).unwrap_or(0);
            for i in losers(spellings, field) {
                left_out.push((spellings[i].to_owned(), spellings[winner].to_owned()));
            }
        }
        for (name, kept) in unlisted {
            drop_required(schema, &name);
            report.fired(
                "field-name-collisions",
                format!(
                    "{pointer}: required {name} (no such property) dropped from `required`, \
                     {kept} is the field"
                ),
            );
        }
        for (name, kept) in left_out {
            drop_property(schema, &name);
            report.fired(
                "field-name-collisions",
                format!(
                    "{pointer}: property {name} left out of the struct, {kept} is the field \
                     (a response keeps {name} in `extra`)"
                ),
            );
        }
    });
}

/// Leaves the property `name` out of the object `schema`, and out of its `required`.
fn drop_property(schema: &mut Map<String, Value>, name: &str) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.shift_remove(name);
    }
    drop_required(schema, name);
}

/// Takes `name` out of `schema`'s `required`, and drops a `required` left empty.
fn drop_required(schema: &mut Map<String, Value>, name: &str) {
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r.as_str() != Some(name));
        if required.is_empty() {
            schema.shift_remove("required");
        }
    }
}

/// The property names of `schema` as typify merges an `allOf` into one struct: its own, and
/// those of each part, following `$ref`s (a few levels deep).
fn merged_names(doc: &Value, schema: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 8 {
        return;
    }
    let schema = spec::resolve(doc, schema).unwrap_or(schema);
    if let Some(Value::Object(properties)) = schema.get("properties") {
        out.extend(properties.keys().cloned());
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for part in parts {
            merged_names(doc, part, depth + 1, out);
        }
    }
}

/// `field-name-collisions` across the parts of an `allOf`, which typify merges into one
/// struct: a property of the schema itself or of an inline part whose field name a
/// referenced part (or an earlier inline one) already has is left out.
fn merged_fields(doc: &mut Value, report: &mut Report) {
    let mut removals: Vec<(String, String, String)> = Vec::new();
    let frozen = doc.clone();
    let mut copy = doc.clone();
    visit_document(&mut copy, "", &mut |schema, pointer| {
        let Some(Value::Array(parts)) = schema.get("allOf") else {
            return;
        };
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for part in parts.iter().filter(|p| p.get("$ref").is_some()) {
            let mut names = Vec::new();
            merged_names(&frozen, part, 0, &mut names);
            for name in names {
                seen.entry(rust_snake(&name)).or_insert(name);
            }
        }
        let own = std::iter::once((pointer.to_owned(), schema.get("properties")));
        let inline = parts
            .iter()
            .enumerate()
            .filter(|(_, part)| part.get("$ref").is_none())
            .map(|(i, part)| (format!("{pointer}/allOf/{i}"), part.get("properties")));
        for (at, properties) in own.chain(inline) {
            let Some(Value::Object(properties)) = properties else {
                continue;
            };
            for name in properties.keys() {
                match seen.get(&rust_snake(name)) {
                    Some(kept) if kept != name => {
                        removals.push((at.clone(), name.clone(), kept.clone()));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(rust_snake(name), name.clone());
                    }
                }
            }
        }
    });
    for (at, name, kept) in removals {
        let Some(Value::Object(schema)) = doc.pointer_mut(&at) else {
            continue;
        };
        drop_property(schema, &name);
        report.fired(
            "field-name-collisions",
            format!(
                "{at}: property {name} left out of the merged struct, {kept} is the field (a \
                 response keeps {name} in `extra`)"
            ),
        );
    }
}

// --- argument-name-collisions -----------------------------------------------------------

/// One argument of an operation's method.
struct Argument {
    name: String,
    location: String,
    required: bool,
}

/// The arguments of `path`'s `method` in progenitor's order of names: the path item's
/// parameters overridden by the operation's, then `body` when there is a request body.
fn arguments_of(doc: &Value, path: &str, method: &str) -> Vec<Argument> {
    let item = &doc["paths"][path];
    let op = &item[method];
    let mut out: Vec<Argument> = Vec::new();
    for param in [item, op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
    {
        let Ok(param) = spec::resolve(doc, param) else {
            continue;
        };
        let (Some(name), Some(location)) = (
            param.get("name").and_then(Value::as_str),
            param.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let argument = Argument {
            name: name.to_owned(),
            location: location.to_owned(),
            required: param.get("required") == Some(&json!(true)),
        };
        match out
            .iter_mut()
            .find(|a| a.name == name && a.location == location)
        {
            Some(earlier) => *earlier = argument,
            None => out.push(argument),
        }
    }
    if op.get("requestBody").is_some() {
        out.push(Argument {
            name: "body".into(),
            location: "body".into(),
            required: true,
        });
    }
    out
}

/// What to do about one colliding argument.
enum Fix {
    /// Rename the path parameter (and its template) to the new name.
    Rename(String, String),
    /// Leave the optional parameter (name, location) out of the operation.
    Drop(String, String),
    /// Leave the operation out: a required parameter of this name collides.
    Skip(String),
}

/// The fixes one operation needs: of each group of arguments with one snake_case name, the
/// body and the query/header parameters come first and the first of them keeps the name; a
/// path parameter after it is renamed, a query/header one dropped if optional, else the
/// operation is left out.
fn fixes(arguments: &[Argument]) -> Vec<Fix> {
    let mut taken: BTreeSet<String> = arguments.iter().map(|a| rust_snake(&a.name)).collect();
    let mut groups: BTreeMap<String, Vec<&Argument>> = BTreeMap::new();
    for argument in arguments {
        groups
            .entry(rust_snake(&argument.name))
            .or_default()
            .push(argument);
    }
    let mut out = Vec::new();
    for group in groups.values_mut().filter(|g| g.len() > 1) {
        // The body, then query/header parameters (required first), then path parameters;
        // of equals, the one spelt as the argument name first.
        group.sort_by_key(|a| {
            let rank = match a.location.as_str() {
                "body" => 0,
                "path" => 3,
                _ if a.required => 1,
                _ => 2,
            };
            (rank, a.name != rust_snake(&a.name))
        });
        for argument in &group[1..] {
            if argument.location == "path" {
                let new = unique_name(&argument.name, |n| taken.contains(&rust_snake(n)));
                taken.insert(rust_snake(&new));
                out.push(Fix::Rename(argument.name.clone(), new));
            } else if argument.required {
                let first = match group[0].location.as_str() {
                    "body" => "the request body".to_owned(),
                    location => format!("{location} parameter {}", group[0].name),
                };
                out.push(Fix::Skip(format!(
                    "rule argument-name-collisions: required {} parameter {} and {first} are \
                     both the argument `{}`",
                    argument.location,
                    argument.name,
                    rust_snake(&argument.name)
                )));
            } else {
                out.push(Fix::Drop(argument.name.clone(), argument.location.clone()));
            }
        }
    }
    out
}

/// The path item's parameters copied into each of its operations (resolved, so each can be
/// changed alone), the item's own list removed.
fn materialise(doc: &mut Value, path: &str) {
    let Some(shared) = doc["paths"][path].get("parameters").cloned() else {
        return;
    };
    let shared: Vec<Value> = shared
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| spec::resolve(doc, p).cloned().unwrap_or_else(|_| p.clone()))
                .collect()
        })
        .unwrap_or_default();
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let item = doc["paths"][path].as_object_mut().expect("a path item");
    item.shift_remove("parameters");
    for (method, op) in item.iter_mut() {
        if !METHODS.contains(&method.as_str()) {
            continue;
        }
        let Value::Object(op) = op else { continue };
        let own = op
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut list: Vec<Value> = shared
            .iter()
            .filter(|s| !own.iter().any(|o| key(o) == key(s)))
            .cloned()
            .collect();
        list.extend(own);
        op.insert("parameters".into(), Value::Array(list));
    }
}

/// The parameters of `path`'s `method`, each resolved to an object of its own.
fn own_parameters<'a>(doc: &'a mut Value, path: &str, method: &str) -> Option<&'a mut Vec<Value>> {
    let params = doc["paths"][path][method].get("parameters")?.clone();
    let resolved: Vec<Value> = params
        .as_array()?
        .iter()
        .map(|p| spec::resolve(doc, p).cloned().unwrap_or_else(|_| p.clone()))
        .collect();
    let slot = doc["paths"][path][method].get_mut("parameters")?;
    *slot = Value::Array(resolved);
    slot.as_array_mut()
}

/// `argument-name-collisions`.
fn arguments(doc: &mut Value, report: &mut Report) {
    let paths: Vec<String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let methods = spec::methods_of(doc, &path);
        let all: Vec<(String, Vec<Fix>)> = methods
            .iter()
            .map(|m| (m.clone(), fixes(&arguments_of(doc, &path, m))))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        if all.is_empty() {
            continue;
        }
        materialise(doc, &path);
        // Path renames apply to every operation of the item: they share the template.
        let mut renames: Vec<(String, String)> = Vec::new();
        for (method, fixes) in &all {
            let label = format!("{} {path}", method.to_uppercase());
            for fix in fixes {
                match fix {
                    Fix::Skip(reason) => {
                        remove_operation(doc, &path, method);
                        report.fired("argument-name-collisions", label.clone());
                        report.skip(method, &path, reason.clone());
                        break;
                    }
                    Fix::Drop(name, location) => {
                        if let Some(params) = own_parameters(doc, &path, method) {
                            params.retain(|p| {
                                p.get("name").and_then(Value::as_str) != Some(name.as_str())
                                    || p.get("in").and_then(Value::as_str)
                                        != Some(location.as_str())
                            });
                        }
                        report.fired(
                            "argument-name-collisions",
                            format!(
                                "{label}: optional {location} parameter {name} left out (its \
                                 argument name `{}` is taken)",
                                rust_snake(name)
                            ),
                        );
                    }
                    Fix::Rename(old, new) => {
                        if !renames.iter().any(|(o, _)| o == old) {
                            renames.push((old.clone(), new.clone()));
                        }
                    }
                }
            }
        }
        if renames.is_empty() || doc["paths"].get(&path).is_none() {
            continue;
        }
        let mut new_path = path.clone();
        for (old, new) in &renames {
            new_path = new_path.replace(&format!("{{{old}}}"), &format!("{{{new}}}"));
        }
        if doc["paths"].get(&new_path).is_some() {
            continue; // another path item already has that template (never seen)
        }
        let methods = spec::methods_of(doc, &path);
        for method in &methods {
            if let Some(params) = own_parameters(doc, &path, method) {
                for param in params.iter_mut() {
                    let Value::Object(param) = param else {
                        continue;
                    };
                    let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                    if param.get("in") == Some(&json!("path"))
                        && let Some((_, new)) = renames.iter().find(|(o, _)| o == name)
                    {
                        param.insert("name".into(), json!(new));
                    }
                }
            }
        }
        for (old, new) in &renames {
            report.fired(
                "argument-name-collisions",
                format!("{path}: path parameter {old} -> {new} (the URL is the same)"),
            );
        }
        if new_path != path {
            let paths = doc["paths"].as_object_mut().expect("paths");
            *paths = std::mem::take(paths)
                .into_iter()
                .map(|(k, v)| {
                    if k == path {
                        (new_path.clone(), v)
                    } else {
                        (k, v)
                    }
                })
                .collect::<Map<String, Value>>();
        }
    }
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;

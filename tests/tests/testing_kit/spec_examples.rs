// Over 500 lines: one placement rule per place an example can stand, sharing one walk.
//! Spec examples as tests. Every `example`/`examples` of the bundled spec is found at run time
//! and placed where the API would carry it:
//!
//! - a response example (of a media type, or of a schema a response reaches) becomes the
//!   smallest response body holding it, which must decode into the type the generated client
//!   decodes that status into (`spec_examples_generated.rs`, written by `cargo xtask
//!   generate`) and serialise back with the example unchanged; the same body with an unknown
//!   field in every object and an unknown value in every enum must decode too and lose
//!   nothing (the lenient response types);
//! - a parameter or request-body example is sent through the raw client to the recorder, and
//!   the request must have the shape of the operation's snapshot in `tests/tests/snapshots/`
//!   and carry the example.
//!
//! A failure names the operation, the status and the example's JSON pointer. An example that
//! cannot be placed (a schema nothing uses) fails the coverage check.

use std::collections::BTreeSet;
use std::path::Path;

use gong_api_ext::testing::RecordingServer;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

#[path = "spec_examples_generated.rs"]
#[rustfmt::skip]
mod generated;

/// Parameter values (and the `body`) of a call, by their spec names.
pub type Args = Map<String, Value>;

/// How one JSON response status of one operation decodes.
pub struct Response {
    pub operation: &'static str,
    pub status: &'static str,
    pub decode: fn(Value) -> Result<Value, String>,
}

/// Decodes `value` into `T` and serialises it back.
pub fn decode<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// The argument `name` of a call, as the method's type.
pub fn arg<T: DeserializeOwned>(args: &Args, name: &str) -> Result<T, String> {
    serde_json::from_value(args.get(name).cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("parameter `{name}`: {e}"))
}

const UNKNOWN_FIELD: &str = "fieldGongAddedLater";
const UNKNOWN_VALUE: &str = "VALUE_GONG_ADDED_LATER";

/// One example of the spec: its JSON pointer and value.
struct Example {
    pointer: String,
    value: Value,
}

/// What to do with an example.
enum Case {
    /// Decode `body` as `status` of `operation`; the example sits at `at` inside it. `objects`
    /// are the object nodes of the body with their schemas (for the lenient variant).
    Response {
        operation: String,
        status: String,
        body: Value,
        at: String,
        objects: Vec<(String, Value)>,
    },
    /// Call `operation` with `name` (a parameter, or `body`) set to `value`; the example sits
    /// at `at` inside it.
    Request {
        operation: String,
        name: String,
        value: Value,
        at: String,
    },
}

fn bundled() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("openapi/gong-api.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Every example in `value`, with its pointer.
fn examples(value: &Value, pointer: &str, parent: &str, out: &mut Vec<Example>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{pointer}/{}", escape(key));
                match (key.as_str(), v) {
                    // A property that happens to be named `example`.
                    _ if parent == "properties" => examples(v, &here, key, out),
                    ("example", _) => out.push(Example {
                        pointer: here,
                        value: v.clone(),
                    }),
                    ("examples", Value::Array(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            out.push(Example {
                                pointer: format!("{here}/{i}"),
                                value: item.clone(),
                            });
                        }
                    }
                    ("examples", Value::Object(named)) => {
                        for (name, example) in named {
                            if let Some(value) = example.get("value") {
                                out.push(Example {
                                    pointer: format!("{here}/{}/value", escape(name)),
                                    value: value.clone(),
                                });
                            }
                        }
                    }
                    _ => examples(v, &here, key, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                examples(v, &format!("{pointer}/{i}"), "", out);
            }
        }
        _ => {}
    }
}

/// Follows `$ref`s.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(r) = value.get("$ref").and_then(Value::as_str) {
        value = spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null);
    }
    value
}

/// `METHOD /path` and the operation of every operation.
fn operations(spec: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("responses").is_some() {
                out.push((format!("{} {path}", method.to_uppercase()), op));
            }
        }
    }
    out
}

fn operation_id(spec: &Value, operation: &str) -> String {
    let (method, path) = operation.split_once(' ').unwrap();
    spec["paths"][path][method.to_lowercase()]["operationId"]
        .as_str()
        .unwrap_or("?")
        .to_owned()
}

/// A step from a schema to a value inside it: a property, an array item, or an alternative
/// (`allOf`/`oneOf`/`anyOf`) of the same value.
#[derive(Clone)]
enum Step {
    Key(String),
    Item,
    Same,
}

/// The way from `schema` down to the component `target`: the steps, and the schema before
/// each step. Breadth first, so the shortest way.
fn way_to(spec: &Value, schema: &Value, target: &str) -> Option<Vec<(Step, Value)>> {
    let wanted = format!("#/components/schemas/{}", escape(target));
    let mut queue = std::collections::VecDeque::from([(schema.clone(), Vec::new())]);
    let mut seen = BTreeSet::new();
    while let Some((schema, way)) = queue.pop_front() {
        if schema.get("$ref").and_then(Value::as_str) == Some(wanted.as_str()) {
            return Some(way);
        }
        if way.len() > 12 || !seen.insert((schema.to_string(), way.len())) {
            continue;
        }
        let here = resolve(spec, &schema).clone();
        let mut next = |step: Step, child: &Value| {
            let mut way: Vec<(Step, Value)> = way.clone();
            way.push((step, here.clone()));
            queue.push_back((child.clone(), way));
        };
        for (name, child) in here["properties"].as_object().into_iter().flatten() {
            next(Step::Key(name.clone()), child);
        }
        if let Some(items) = here.get("items") {
            next(Step::Item, items);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for child in here[key].as_array().into_iter().flatten() {
                next(Step::Same, child);
            }
        }
    }
    None
}

/// The steps a pointer inside a schema (`properties/a/items/properties/b`) takes, and the
/// schema before each step; `None` for a place no JSON value corresponds to.
fn steps_inside(spec: &Value, schema: &Value, tokens: &[String]) -> Option<Vec<(Step, Value)>> {
    let mut out = Vec::new();
    let mut schema = resolve(spec, schema).clone();
    let mut i = 0;
    while i < tokens.len() {
        let (step, child) = match tokens[i].as_str() {
            "properties" => {
                let name = tokens.get(i + 1)?;
                i += 1;
                (Step::Key(name.clone()), schema["properties"][name].clone())
            }
            "items" => (Step::Item, schema["items"].clone()),
            "allOf" | "oneOf" | "anyOf" => {
                let index: usize = tokens.get(i + 1)?.parse().ok()?;
                i += 1;
                (Step::Same, schema[tokens[i - 1].as_str()][index].clone())
            }
            _ => return None,
        };
        out.push((step, schema.clone()));
        schema = resolve(spec, &child).clone();
        i += 1;
    }
    Some(out)
}

/// The smallest value holding `example` at the end of `way`: the value, the example's pointer
/// inside it, and its object nodes with their schemas.
fn build(
    spec: &Value,
    way: &[(Step, Value)],
    example: &Value,
) -> (Value, String, Vec<(String, Value)>) {
    let Some(((step, schema), rest)) = way.split_first() else {
        return (example.clone(), String::new(), Vec::new());
    };
    let (inner, at, mut objects) = build(spec, rest, example);
    let schema = resolve(spec, schema).clone();
    let (value, at) = match step {
        Step::Key(name) => (json!({ name: inner }), format!("/{}{at}", escape(name))),
        Step::Item => (json!([inner]), format!("/0{at}")),
        Step::Same => (inner, at),
    };
    let prefix = match step {
        Step::Key(name) => format!("/{}", escape(name)),
        Step::Item => "/0".into(),
        Step::Same => String::new(),
    };
    for (pointer, _) in &mut objects {
        *pointer = format!("{prefix}{pointer}");
    }
    if value.is_object() && !matches!(step, Step::Same) {
        objects.insert(0, (String::new(), schema));
    }
    (value, at, objects)
}

/// Where each example goes. An example nothing uses is an error naming it.
fn cases(spec: &Value, example: &Example) -> Result<Vec<Case>, String> {
    let tokens: Vec<String> = example.pointer.split('/').skip(1).map(unescape).collect();
    // Up to the `example`/`examples` key: where the example is attached.
    let end = tokens
        .iter()
        .rposition(|t| t == "example" || t == "examples")
        .unwrap();
    let owner = &tokens[..end];
    let ops = operations(spec);
    let mut out = Vec::new();
    let parameter_case = |operation: &str, parameter: &Value, inner: &[String]| {
        let steps = steps_inside(spec, &parameter["schema"], inner)?;
        let (value, at, _) = build(spec, &steps, &example.value);
        Some(Case::Request {
            operation: operation.to_owned(),
            name: parameter["name"].as_str()?.to_owned(),
            value,
            at,
        })
    };
    match owner
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [
            "paths",
            path,
            method,
            "responses",
            status,
            "content",
            _media,
        ] => {
            out.push(Case::Response {
                operation: format!("{} {path}", method.to_uppercase()),
                status: (*status).to_owned(),
                body: example.value.clone(),
                at: String::new(),
                objects: Vec::new(),
            });
        }
        ["components", "responses", name, "content", _media] => {
            let wanted = format!("#/components/responses/{}", escape(name));
            for (operation, op) in &ops {
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    if r.get("$ref").and_then(Value::as_str) == Some(wanted.as_str()) {
                        out.push(Case::Response {
                            operation: operation.clone(),
                            status: status.clone(),
                            body: example.value.clone(),
                            at: String::new(),
                            objects: Vec::new(),
                        });
                    }
                }
            }
        }
        ["paths", path, method, "parameters", index, inner @ ..] => {
            let parameter = resolve(
                spec,
                &spec["paths"][*path][*method]["parameters"][index.parse::<usize>().unwrap_or(0)],
            );
            let inner: Vec<String> = inner.iter().skip(1).map(|s| (*s).to_owned()).collect();
            out.extend(parameter_case(
                &format!("{} {path}", method.to_uppercase()),
                parameter,
                &inner,
            ));
        }
        ["components", "parameters", name, inner @ ..] => {
            let wanted = format!("#/components/parameters/{}", escape(name));
            let parameter = &spec["components"]["parameters"][*name];
            let inner: Vec<String> = inner.iter().skip(1).map(|s| (*s).to_owned()).collect();
            for (operation, op) in &ops {
                if op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p.get("$ref").and_then(Value::as_str) == Some(wanted.as_str()))
                {
                    out.extend(parameter_case(operation, parameter, &inner));
                }
            }
        }
        [
            "paths",
            path,
            method,
            "requestBody",
            "content",
            _media,
            inner @ ..,
        ] => {
            let schema = &spec["paths"][*path][*method]["requestBody"]["content"]["application/json"]
                ["schema"];
            // A media type's own example holds the whole body; a schema's sits inside it.
            let inner: Vec<String> = inner.iter().skip(1).map(|s| (*s).to_owned()).collect();
            if let Some(steps) = steps_inside(spec, schema, &inner) {
                let (value, at, _) = build(spec, &steps, &example.value);
                out.push(Case::Request {
                    operation: format!("{} {path}", method.to_uppercase()),
                    name: "body".into(),
                    value,
                    at,
                });
            }
        }
        ["components", "schemas", name, inner @ ..] => {
            let inner: Vec<String> = inner.iter().map(|s| (*s).to_owned()).collect();
            let component = &spec["components"]["schemas"][*name];
            let Some(within) = steps_inside(spec, component, &inner) else {
                return Err("not at a place a JSON value has".into());
            };
            // The first operation whose response, request body or parameter reaches it.
            for (operation, op) in &ops {
                for (status, response) in op["responses"].as_object().into_iter().flatten() {
                    let schema = &resolve(spec, response)["content"]["application/json"]["schema"];
                    if let Some(mut way) = way_to(spec, schema, name) {
                        way.extend(within.iter().cloned());
                        let (body, at, objects) = build(spec, &way, &example.value);
                        out.push(Case::Response {
                            operation: operation.clone(),
                            status: status.clone(),
                            body,
                            at,
                            objects,
                        });
                        return Ok(out);
                    }
                }
            }
            for (operation, op) in &ops {
                let body =
                    &resolve(spec, &op["requestBody"])["content"]["application/json"]["schema"];
                if let Some(mut way) = way_to(spec, body, name) {
                    way.extend(within.iter().cloned());
                    let (value, at, _) = build(spec, &way, &example.value);
                    out.push(Case::Request {
                        operation: operation.clone(),
                        name: "body".into(),
                        value,
                        at,
                    });
                    return Ok(out);
                }
                for parameter in op["parameters"].as_array().into_iter().flatten() {
                    let parameter = resolve(spec, parameter);
                    if let Some(mut way) = way_to(spec, &parameter["schema"], name) {
                        way.extend(within.iter().cloned());
                        let (value, at, _) = build(spec, &way, &example.value);
                        out.push(Case::Request {
                            operation: operation.clone(),
                            name: parameter["name"].as_str().unwrap_or_default().to_owned(),
                            value,
                            at,
                        });
                        return Ok(out);
                    }
                }
            }
        }
        _ => {}
    }
    if out.is_empty() {
        return Err("no operation carries it, so no test can use it".into());
    }
    Ok(out)
}

/// A value for a parameter or body without an example, from its schema.
fn placeholder(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or_default(),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => {
            let mut object = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                object.insert(name.into(), placeholder(spec, &schema["properties"][name]));
            }
            Value::Object(object)
        }
        _ => json!("example"),
    }
}

/// The shape of a recorded request: what the snapshot fixes apart from values.
fn shape(request: &Value) -> Value {
    fn skeleton(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), skeleton(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().take(1).map(skeleton).collect()),
            Value::Null => json!("null"),
            Value::Bool(_) => json!("boolean"),
            Value::Number(_) => json!("number"),
            Value::String(_) => json!("string"),
        }
    }
    json!({
        "method": request["method"],
        "path": request["path"],
        "query": request["query"].as_array().into_iter().flatten().map(|q| q["name"].clone()).collect::<Vec<_>>(),
        "headers": request["headers"].as_object().map(|h| h.keys().cloned().collect::<Vec<_>>()),
        "body": skeleton(&request["body"]),
    })
}

/// The first request of an operation's raw snapshot.
fn snapshot(operation_id: &str) -> Result<Value, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/snapshots/request_shapes__raw__{operation_id}.snap"
    ));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("no request snapshot {}: {e}", path.display()))?;
    let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
    let requests: Value = serde_yaml_ng::from_str(body).map_err(|e| e.to_string())?;
    Ok(requests[0].clone())
}

/// Adds an unknown field to every object node, and an unknown value for every enum property
/// the body does not set.
fn with_unknowns(spec: &Value, body: &Value, objects: &[(String, Value)]) -> Value {
    let mut body = body.clone();
    for (pointer, schema) in objects {
        let schema = resolve(spec, schema);
        let Some(Value::Object(object)) = body.pointer_mut(pointer) else {
            continue;
        };
        object.insert(UNKNOWN_FIELD.into(), json!({"nested": [1, "two"]}));
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let property = resolve(spec, property);
            if property["enum"].is_array() && !object.contains_key(name) {
                object.insert(name.clone(), json!(UNKNOWN_VALUE));
            }
        }
    }
    body
}

/// Runs every example of `spec`; the number of cases run, or one line per failure.
async fn run(spec: &Value) -> Result<usize, Vec<String>> {
    let mut found = Vec::new();
    examples(spec, "", "", &mut found);
    let mut failures = Vec::new();
    let mut ran = 0;
    for example in &found {
        let cases = match cases(spec, example) {
            Ok(cases) => cases,
            Err(why) => {
                failures.push(format!("{}: no test: {why}", example.pointer));
                continue;
            }
        };
        for case in cases {
            ran += 1;
            if let Err(e) = run_case(spec, &case).await {
                let (operation, what) = match &case {
                    Case::Response {
                        operation, status, ..
                    } => (operation, status.clone()),
                    Case::Request {
                        operation, name, ..
                    } => (operation, format!("request `{name}`")),
                };
                failures.push(format!(
                    "{operation} ({}) {what}: {}: {e}",
                    operation_id(spec, operation),
                    example.pointer
                ));
            }
        }
    }
    if failures.is_empty() {
        Ok(ran)
    } else {
        Err(failures)
    }
}

async fn run_case(spec: &Value, case: &Case) -> Result<(), String> {
    match case {
        Case::Response {
            operation,
            status,
            body,
            at,
            objects,
        } => {
            let response = generated::RESPONSES
                .iter()
                .find(|r| r.operation == operation && r.status == status)
                .ok_or("the generated client decodes no JSON body for this status")?;
            let decoded = (response.decode)(body.clone())?;
            let example = body.pointer(at);
            if decoded.pointer(at) != example {
                return Err(format!(
                    "decodes to {}, not the example {}",
                    decoded.pointer(at).unwrap_or(&Value::Null),
                    example.unwrap_or(&Value::Null)
                ));
            }
            if !objects.is_empty() {
                let lenient = with_unknowns(spec, body, objects);
                let decoded = (response.decode)(lenient.clone())
                    .map_err(|e| format!("with an unknown field and enum value: {e}"))?;
                if decoded != lenient {
                    return Err(format!(
                        "with an unknown field and enum value, {lenient} decodes to {decoded}"
                    ));
                }
            }
            Ok(())
        }
        Case::Request {
            operation,
            name,
            value,
            at,
        } => {
            let (method, path) = operation.split_once(' ').unwrap();
            let op = &spec["paths"][path][method.to_lowercase()];
            let mut args = Args::new();
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let parameter = resolve(spec, parameter);
                let key = parameter["name"].as_str().unwrap_or_default().to_owned();
                args.insert(key, placeholder(spec, &parameter["schema"]));
            }
            if let Some(body) = op.get("requestBody") {
                let schema = &resolve(spec, body)["content"]["application/json"]["schema"];
                args.insert("body".into(), placeholder(spec, schema));
            }
            args.insert(name.clone(), value.clone());
            let server = RecordingServer::start().await;
            let client =
                gong_api::Client::new(&format!("{}/v2", server.uri()), gong_api::Inner::default());
            generated::call(&client, operation, &args).await?;
            let requests = serde_json::to_value(server.requests().await).unwrap();
            let request = &requests[0];
            let wanted = snapshot(&operation_id(spec, operation))?;
            if shape(request) != shape(&wanted) {
                return Err(format!(
                    "the request's shape {} differs from the snapshot's {}",
                    shape(request),
                    shape(&wanted)
                ));
            }
            let example = value.pointer(at).unwrap_or(value);
            let carried = if name == "body" {
                request["body"].pointer(at) == Some(example)
            } else {
                let text = example
                    .as_str()
                    .map_or_else(|| example.to_string(), str::to_owned);
                request["query"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|q| q["name"] == name.as_str() && q["value"] == text.as_str())
            };
            if carried {
                Ok(())
            } else {
                Err(format!(
                    "the request does not carry the example {example}: {request}"
                ))
            }
        }
    }
}

#[tokio::test]
async fn every_example_of_the_bundled_spec_decodes_or_is_sent_as_documented() {
    let spec = bundled();
    let mut found = Vec::new();
    examples(&spec, "", "", &mut found);
    let ran = run(&spec)
        .await
        .unwrap_or_else(|failures| panic!("{}", failures.join("\n")));
    assert!(
        found.len() >= 10,
        "the bundled spec has {} examples",
        found.len()
    );
    assert!(
        ran >= found.len(),
        "{ran} cases for {} examples",
        found.len()
    );
}

/// The coverage check: an example nothing uses fails, naming its pointer.
#[tokio::test]
async fn an_example_without_a_test_fails_the_lane() {
    let mut spec = bundled();
    spec["components"]["schemas"]["Orphan"] =
        json!({"type": "object", "properties": {"note": {"type": "string", "example": "x"}}});
    let failures = run(&spec).await.unwrap_err();
    assert_eq!(
        failures,
        [
            "/components/schemas/Orphan/properties/note/example: no test: no operation carries it, so no test can use it"
        ]
    );
}

/// The lane can fail: a wrong example in a scratch copy of the spec is reported with the
/// operation, status and pointer.
#[tokio::test]
async fn a_wrong_example_is_reported_with_its_operation_and_pointer() {
    let mut spec = bundled();
    spec["components"]["schemas"]["CrmIntegration"]["properties"]["integrationId"]["example"] =
        json!("not-a-number");
    let pointer = "/paths/~1crm~1integrations/delete/parameters/0/example";
    *spec.pointer_mut(pointer).unwrap() = json!("six");
    let mut failures = run(&spec).await.unwrap_err();
    // Key order depends on serde_json's `preserve_order`, which a workspace build unifies in.
    failures.sort();
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[1].starts_with(
            "GET /crm/integrations (listGenericCrmIntegration) 200: \
             /components/schemas/CrmIntegration/properties/integrationId/example: invalid type: \
             string \"not-a-number\", expected i64"
        ),
        "{failures:#?}"
    );
    assert!(
        failures[0].starts_with(&format!(
            "DELETE /crm/integrations (deleteGenericCrmIntegration) request `integrationId`: \
             {pointer}: parameter `integrationId`: invalid type: string \"six\", expected i64"
        )),
        "{failures:#?}"
    );
}

/// Media-type examples (single and named) and request-body examples, which today's spec does
/// not have, are placed and checked too, and a wrong one fails.
#[tokio::test]
async fn media_type_and_request_body_examples_are_placed_too() {
    let mut spec = bundled();
    let base = run(&spec).await.unwrap();
    let purge = "/paths/~1data-privacy~1erase-data-for-email-address/post/responses/200/content/application~1json";
    spec.pointer_mut(purge).unwrap()["example"] = json!({"requestId": "r-media"});
    let list = "/paths/~1crm~1integrations/get/responses/200/content/application~1json";
    spec.pointer_mut(list).unwrap()["examples"] = json!({"one": {"value":
        {"requestId": "r2", "integrations": [{"integrationId": 6286478263646_i64, "name": "CRM"}]}}});
    let body = "/paths/~1data-privacy~1email-delete/post/requestBody/content/application~1json";
    spec.pointer_mut(body).unwrap()["example"] = json!({"emailAddress": "jane@example.com"});
    assert_eq!(run(&spec).await.unwrap(), base + 3);

    spec.pointer_mut(body).unwrap()["example"] = json!({"emailAddress": 7});
    let failures = run(&spec).await.unwrap_err();
    assert_eq!(
        failures,
        [format!(
            "POST /data-privacy/email-delete (deleteEmailAddressData) request `body`: \
             {body}/example: parameter `body`: invalid type: integer `7`, expected a string"
        )]
    );
}

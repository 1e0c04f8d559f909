// Over 500 lines: one case per rule of `changes::RULES`, kept as one table beside it.
//! The change report's rules, case by case, on the repository's own bundled spec: each case
//! edits the spec, and must give exactly its rows and verdicts. Every rule of
//! [`crate::changes::RULES`] has a case, and for every case the Rust API diff of the code
//! generated before and after agrees with the rules' verdict.

use serde_json::{Value, json};

use crate::changes::{self, RULES};
use crate::pipeline::BUNDLED;
use crate::report::Report;
use crate::rust_api;
use crate::test_support::root;

/// One spec edit: a setup applied to both sides (the "before" some changes need), the change,
/// and the rows it must give (rule, place, change).
struct Case {
    name: &'static str,
    setup: fn(&mut Value),
    change: fn(&mut Value),
    rows: &'static [(&'static str, &'static str, &'static str)],
}

fn none(_: &mut Value) {}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    at(doc, parent)
        .as_object_mut()
        .unwrap()
        .remove(&key)
        .unwrap();
}

fn required<'a>(doc: &'a mut Value, schema: &str) -> &'a mut Vec<Value> {
    let schema = at(doc, &format!("/components/schemas/{schema}"));
    schema
        .as_object_mut()
        .unwrap()
        .entry("required")
        .or_insert(json!([]))
        .as_array_mut()
        .unwrap()
}

const PURGE_EMAIL: &str = "/paths/~1data-privacy~1erase-data-for-email-address/post";
const LIST_CRM: &str = "/paths/~1crm~1integrations/get";
const PURGE_PLACE: &str = "POST /data-privacy/erase-data-for-email-address (purgeEmailAddress)";
const LIST_PLACE: &str = "GET /crm/integrations (listGenericCrmIntegration)";

/// A request enum some cases need: `EmailDeleteRequest.channel`, optional.
fn channel(doc: &mut Value) {
    at(doc, "/components/schemas/EmailDeleteRequest/properties")["channel"] =
        json!({"type": "string", "enum": ["email", "phone"]});
}

/// An optional query parameter some cases need: `cursor` of listGenericCrmIntegration.
fn cursor(doc: &mut Value) {
    at(doc, LIST_CRM)["parameters"] =
        json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}]);
}

const CASES: &[Case] = &[
    Case {
        name: "add an operation",
        setup: none,
        change: |d| {
            at(d, "/paths")["/crm/objects"] = json!({"get": {
                "operationId": "listCrmObjects",
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/CrmIntegrations"}}}}}}});
        },
        rows: &[("operation-added", "GET /crm/objects", "listCrmObjects")],
    },
    Case {
        name: "remove an operation",
        setup: none,
        change: |d| remove(d, "/paths/~1data-privacy~1phone-references"),
        rows: &[(
            "operation-removed",
            "GET /data-privacy/phone-references",
            "retrievePhoneReferences",
        )],
    },
    Case {
        name: "rename an operation",
        setup: none,
        change: |d| at(d, LIST_CRM)["operationId"] = json!("listCrmIntegrations"),
        rows: &[(
            "operation-renamed",
            "GET /crm/integrations (listCrmIntegrations)",
            "listGenericCrmIntegration -> listCrmIntegrations",
        )],
    },
    Case {
        name: "deprecate an operation",
        setup: none,
        change: |d| at(d, LIST_CRM)["deprecated"] = json!(true),
        rows: &[(
            "operation-deprecated",
            LIST_PLACE,
            "listGenericCrmIntegration",
        )],
    },
    Case {
        name: "add a required parameter",
        setup: none,
        change: |d| {
            at(d, &format!("{PURGE_EMAIL}/parameters"))
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "mode", "in": "query", "required": true,
                             "schema": {"type": "string"}}));
        },
        rows: &[(
            "parameter-added",
            PURGE_PLACE,
            "query parameter `mode`, required",
        )],
    },
    Case {
        name: "add an optional parameter",
        setup: none,
        change: cursor,
        rows: &[(
            "parameter-added",
            LIST_PLACE,
            "query parameter `cursor`, optional",
        )],
    },
    Case {
        name: "remove a parameter",
        setup: cursor,
        change: |d| remove(d, &format!("{LIST_CRM}/parameters")),
        rows: &[(
            "parameter-removed",
            LIST_PLACE,
            "query parameter `cursor`, optional",
        )],
    },
    Case {
        name: "make a parameter required",
        setup: cursor,
        change: |d| at(d, &format!("{LIST_CRM}/parameters/0"))["required"] = json!(true),
        rows: &[(
            "parameter-now-required",
            LIST_PLACE,
            "query parameter `cursor`",
        )],
    },
    Case {
        name: "make a parameter optional",
        setup: none,
        change: |d| at(d, &format!("{PURGE_EMAIL}/parameters/0"))["required"] = json!(false),
        rows: &[(
            "parameter-now-optional",
            PURGE_PLACE,
            "query parameter `emailAddress`",
        )],
    },
    Case {
        name: "add a request body",
        setup: none,
        change: |d| {
            at(d, PURGE_EMAIL)["requestBody"] = json!({"required": true, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/EmailDeleteRequest"}}}});
        },
        rows: &[("request-body-added", PURGE_PLACE, "body")],
    },
    Case {
        name: "remove a request body",
        setup: none,
        change: |d| remove(d, "/paths/~1data-privacy~1email-delete/post/requestBody"),
        rows: &[(
            "request-body-removed",
            "POST /data-privacy/email-delete (deleteEmailAddressData)",
            "body",
        )],
    },
    Case {
        name: "add an optional request field",
        setup: none,
        change: |d| {
            at(d, "/components/schemas/EmailDeleteRequest/properties")["reason"] =
                json!({"type": "string"});
        },
        rows: &[(
            "request-field-added",
            "schema `EmailDeleteRequest` (request)",
            "`.reason`, optional",
        )],
    },
    Case {
        name: "remove a request field",
        setup: channel,
        change: |d| {
            remove(
                d,
                "/components/schemas/EmailDeleteRequest/properties/channel",
            )
        },
        rows: &[(
            "request-field-removed",
            "schema `EmailDeleteRequest` (request)",
            "`.channel`",
        )],
    },
    Case {
        name: "make a request field required",
        setup: channel,
        change: |d| required(d, "EmailDeleteRequest").push(json!("channel")),
        rows: &[(
            "request-field-now-required",
            "schema `EmailDeleteRequest` (request)",
            "`.channel`",
        )],
    },
    Case {
        name: "make a request field optional",
        setup: none,
        change: |d| required(d, "EmailDeleteRequest").clear(),
        rows: &[(
            "request-field-now-optional",
            "schema `EmailDeleteRequest` (request)",
            "`.emailAddress`",
        )],
    },
    Case {
        name: "add an optional response field",
        setup: none,
        change: |d| {
            at(d, "/components/schemas/CrmIntegration/properties")["mirrorId"] =
                json!({"type": "string"});
        },
        rows: &[(
            "response-field-added",
            "schema `CrmIntegration` (response)",
            "`.mirrorId`, optional",
        )],
    },
    Case {
        name: "remove a response field",
        setup: none,
        change: |d| remove(d, "/components/schemas/CrmIntegration/properties/name"),
        rows: &[(
            "response-field-removed",
            "schema `CrmIntegration` (response)",
            "`.name`",
        )],
    },
    Case {
        name: "make a response field required",
        setup: none,
        change: |d| required(d, "CrmIntegration").push(json!("integrationId")),
        rows: &[(
            "response-field-now-required",
            "schema `CrmIntegration` (response)",
            "`.integrationId`",
        )],
    },
    Case {
        name: "make a response field optional",
        setup: |d| required(d, "CrmIntegration").push(json!("integrationId")),
        change: |d| required(d, "CrmIntegration").clear(),
        rows: &[(
            "response-field-now-optional",
            "schema `CrmIntegration` (response)",
            "`.integrationId`",
        )],
    },
    Case {
        name: "change a type",
        setup: none,
        change: |d| {
            at(d, "/components/schemas/CrmRequestStatusError/properties")["line"] =
                json!({"type": "string"});
        },
        rows: &[(
            "type-changed",
            "schema `CrmRequestStatusError` (response)",
            ".line: integer -> string",
        )],
    },
    Case {
        name: "refer to another schema",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/CallReference/properties/externalSystems/items",
            )["$ref"] = json!("#/components/schemas/ExternalSystemObject");
        },
        rows: &[(
            "type-changed",
            "schema `CallReference` (response)",
            ".externalSystems[]: types::CallExternalSystem -> types::ExternalSystemObject",
        )],
    },
    Case {
        name: "change a format",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/CrmRequestStatusError/properties/line",
            )["format"] = json!("int64");
        },
        rows: &[(
            "format-changed",
            "schema `CrmRequestStatusError` (response)",
            ".line: int32 -> int64",
        )],
    },
    Case {
        name: "give a response string a date format",
        setup: none,
        change: |d| {
            at(d, "/components/schemas/EmailReference/properties/sentTime")["format"] =
                json!("date-time");
        },
        rows: &[(
            "response-date-format-changed",
            "schema `EmailReference` (response)",
            ".sentTime: none -> date-time",
        )],
    },
    Case {
        name: "make a required field nullable",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/EmailDeleteRequest/properties/emailAddress",
            )["type"] = json!(["string", "null"]);
        },
        rows: &[(
            "now-nullable",
            "schema `EmailDeleteRequest` (request)",
            ".emailAddress",
        )],
    },
    Case {
        name: "make an optional field nullable",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/CrmIntegration/properties/ownerEmail",
            )["type"] = json!(["string", "null"]);
        },
        rows: &[(
            "optional-now-nullable",
            "schema `CrmIntegration` (response)",
            ".ownerEmail",
        )],
    },
    Case {
        name: "make a required field non-nullable",
        setup: |d| {
            at(
                d,
                "/components/schemas/EmailDeleteRequest/properties/emailAddress",
            )["type"] = json!(["string", "null"]);
        },
        change: |d| {
            at(
                d,
                "/components/schemas/EmailDeleteRequest/properties/emailAddress",
            )["type"] = json!("string");
        },
        rows: &[(
            "no-longer-nullable",
            "schema `EmailDeleteRequest` (request)",
            ".emailAddress",
        )],
    },
    Case {
        name: "make an optional field non-nullable",
        setup: |d| {
            at(
                d,
                "/components/schemas/CrmIntegration/properties/ownerEmail",
            )["type"] = json!(["string", "null"]);
        },
        change: |d| {
            at(
                d,
                "/components/schemas/CrmIntegration/properties/ownerEmail",
            )["type"] = json!("string");
        },
        rows: &[(
            "optional-no-longer-nullable",
            "schema `CrmIntegration` (response)",
            ".ownerEmail",
        )],
    },
    Case {
        name: "add a request enum value",
        setup: channel,
        change: |d| {
            at(
                d,
                "/components/schemas/EmailDeleteRequest/properties/channel/enum",
            )
            .as_array_mut()
            .unwrap()
            .push(json!("chat"));
        },
        rows: &[(
            "request-enum-value-added",
            "schema `EmailDeleteRequest` (request)",
            ".channel: \"chat\"",
        )],
    },
    Case {
        name: "remove a request enum value",
        setup: channel,
        change: |d| {
            at(
                d,
                "/components/schemas/EmailDeleteRequest/properties/channel/enum",
            )
            .as_array_mut()
            .unwrap()
            .pop();
        },
        rows: &[(
            "request-enum-value-removed",
            "schema `EmailDeleteRequest` (request)",
            ".channel: \"phone\"",
        )],
    },
    Case {
        name: "add a response enum value",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/CrmRequestStatus/properties/status/enum",
            )
            .as_array_mut()
            .unwrap()
            .push(json!("CANCELLED"));
        },
        rows: &[(
            "response-enum-value-added",
            "schema `CrmRequestStatus` (response)",
            ".status: \"CANCELLED\"",
        )],
    },
    Case {
        name: "remove a response enum value",
        setup: none,
        change: |d| {
            at(
                d,
                "/components/schemas/CrmRequestStatus/properties/status/enum",
            )
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "FAILED");
        },
        rows: &[(
            "response-enum-value-removed",
            "schema `CrmRequestStatus` (response)",
            ".status: \"FAILED\"",
        )],
    },
    Case {
        name: "answer success with another schema",
        setup: none,
        change: |d| {
            at(
                d,
                &format!("{PURGE_EMAIL}/responses/200/content/application~1json/schema"),
            )["$ref"] = json!("#/components/schemas/DeleteIntegrationResponse");
        },
        rows: &[
            (
                "success-bodies-changed",
                PURGE_PLACE,
                "RequestIdResponse -> DeleteIntegrationResponse",
            ),
            (
                "type-changed",
                PURGE_PLACE,
                "200 body: types::RequestIdResponse -> types::DeleteIntegrationResponse",
            ),
        ],
    },
    Case {
        name: "answer an error with another schema",
        setup: none,
        change: |d| {
            at(d, &format!("{LIST_CRM}/responses"))["400"] = json!({"description": "bad",
                "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"message": {"type": "string"}}}}}});
        },
        rows: &[
            (
                "error-bodies-changed",
                LIST_PLACE,
                "ErrorResponse -> ErrorResponse | an inline schema",
            ),
            (
                "type-changed",
                LIST_PLACE,
                "400 body: types::ErrorResponse -> an inline schema",
            ),
        ],
    },
    Case {
        name: "add a response status",
        setup: none,
        change: |d| {
            at(d, &format!("{LIST_CRM}/responses"))["429"] =
                json!({"$ref": "#/components/responses/TooManyRequests"});
        },
        rows: &[("response-status-added", LIST_PLACE, "429")],
    },
    Case {
        name: "remove a response status",
        setup: none,
        change: |d| remove(d, &format!("{LIST_CRM}/responses/500")),
        rows: &[("response-status-removed", LIST_PLACE, "500")],
    },
    Case {
        name: "add a schema",
        setup: none,
        change: |d| {
            at(d, "/components/schemas")["AuditEntry"] =
                json!({"type": "object", "properties": {"at": {"type": "string"}}});
        },
        rows: &[("schema-added", "schema `AuditEntry`", "AuditEntry")],
    },
    Case {
        name: "remove an operation and its schema",
        setup: none,
        change: |d| {
            remove(d, "/paths/~1data-privacy~1email-delete");
            remove(d, "/components/schemas/EmailDeleteRequest");
        },
        rows: &[
            (
                "operation-removed",
                "POST /data-privacy/email-delete",
                "deleteEmailAddressData",
            ),
            (
                "schema-removed",
                "schema `EmailDeleteRequest`",
                "EmailDeleteRequest",
            ),
        ],
    },
    Case {
        name: "rename a schema",
        setup: none,
        change: |d| {
            let schemas = at(d, "/components/schemas").as_object_mut().unwrap();
            let schema = schemas.remove("RequestIdResponse").unwrap();
            schemas.insert("ErasureReceipt".into(), schema);
            rename_refs(d, "RequestIdResponse", "ErasureReceipt");
        },
        rows: &[(
            "schema-renamed",
            "schema `RequestIdResponse`",
            "RequestIdResponse -> ErasureReceipt",
        )],
    },
];

fn rename_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" && v == &json!(format!("#/components/schemas/{from}")) {
                    *v = json!(format!("#/components/schemas/{to}"));
                } else {
                    rename_refs(v, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, from, to)),
        _ => {}
    }
}

fn bundled() -> Value {
    let text = std::fs::read_to_string(root().join(BUNDLED)).unwrap();
    crate::yaml::parse(&text, BUNDLED).unwrap()
}

/// The old and new spec of a case.
fn sides(case: &Case) -> (Value, Value) {
    let mut old = bundled();
    (case.setup)(&mut old);
    let mut new = old.clone();
    (case.change)(&mut new);
    (old, new)
}

#[test]
fn every_case_gives_its_rows_and_every_rule_has_a_case() {
    let mut failures = Vec::new();
    for case in CASES {
        let (old, new) = sides(case);
        let rows: Vec<(&str, String, String)> = changes::diff(&old, &new)
            .into_iter()
            .map(|r| (r.rule, r.place, r.change))
            .collect();
        let expected: Vec<(&str, String, String)> = case
            .rows
            .iter()
            .map(|(rule, place, change)| (*rule, (*place).to_owned(), (*change).to_owned()))
            .collect();
        if rows != expected {
            failures.push(format!(
                "{}:\n  got      {rows:?}\n  expected {expected:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let untested: Vec<&str> = RULES
        .iter()
        .map(|r| r.name)
        .filter(|name| !CASES.iter().any(|c| c.rows.iter().any(|(r, ..)| r == name)))
        .collect();
    assert!(untested.is_empty(), "rules without a case: {untested:?}");
    assert!(changes::diff(&bundled(), &bundled()).is_empty());
}

/// The public Rust API of the client generated from `spec`.
fn rust_api_of(spec: Value) -> rust_api::Api {
    let client = crate::pipeline::generate_client_source(spec, &mut Report::default(), BUNDLED)
        .unwrap_or_else(|e| panic!("{e}"));
    rust_api::public_api(&client.source).unwrap()
}

/// The compiler's view agrees with the rules: for every case, the diff of the generated Rust
/// API breaks callers exactly when a row says "breaking" (a removed operation is a removed
/// method, a new required parameter a changed signature, a new response enum value no change
/// at all, …).
#[test]
fn the_rust_api_diff_agrees_with_every_verdict() {
    let base = rust_api_of(bundled());
    let mut failures = Vec::new();
    for case in CASES {
        let (old, new) = sides(case);
        let old_api = if (case.setup as usize) == (none as fn(&mut Value) as usize) {
            base.clone()
        } else {
            rust_api_of(old)
        };
        let rust = rust_api::diff(&old_api, &rust_api_of(new));
        let spec_breaking = case
            .rows
            .iter()
            .any(|(rule, ..)| changes::rule_named(rule).breaking);
        let rust_breaking = rust.iter().any(rust_api::Change::breaking);
        if spec_breaking != rust_breaking {
            let lines: Vec<String> = rust.iter().map(rust_api::Change::line).collect();
            failures.push(format!(
                "{}: rules say breaking={spec_breaking}, Rust API diff says {rust_breaking}:\n    {}",
                case.name,
                lines.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

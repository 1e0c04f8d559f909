//! Upstream spec + our RFC 6902 patches -> the bundled spec.
//!
//! Both inputs are YAML; they are read into `serde_json::Value` with key order preserved, so the
//! bundled output follows upstream's order and is byte-for-byte deterministic.

use serde_json::Value;

use crate::error::{Error, Result};

/// Parses a YAML document, naming the file and the line on failure; numbers survive exactly
/// (see [`crate::yaml`]).
pub fn parse_yaml(text: &str, file: &str) -> Result<Value> {
    crate::yaml::parse(text, file)
}

/// Applies an RFC 6902 patch document (a YAML list of operations) to `spec`.
///
/// Every operation must hit its target, and an `add` may not land on a member upstream defines
/// (RFC 6902 would silently overwrite it; overwriting takes an explicit `replace`). A patch that
/// fails is skipped and the others still run, so one error lists every rotten patch: its
/// index, its `op` and JSON pointer, and what the upstream spec has there now.
pub fn apply_patches(spec: &mut Value, patches: &Value, patch_file: &str) -> Result<()> {
    let rotten = apply_applicable(spec, patches, patch_file)?;
    match rotten.as_slice() {
        [] => Ok(()),
        [one] => Err(Error::in_file(patch_file, one.clone())),
        many => Err(Error::in_file(
            patch_file,
            format!(
                "{} patches no longer apply:\n  {}",
                many.len(),
                many.join("\n  ")
            ),
        )),
    }
}

/// The patch document's operations.
/// Applies every patch operation that still applies, in order; returns one line per operation
/// that does not (`patch #3 (add /x): why`). Only a malformed patch file is an error.
pub fn apply_applicable(
    spec: &mut Value,
    patches: &Value,
    patch_file: &str,
) -> Result<Vec<String>> {
    let ops = operations(patches, patch_file)?;
    let mut rotten = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        if let Err(problem) = apply_one(spec, op) {
            rotten.push(format!("patch #{index} ({}): {problem}", describe(op)));
        }
    }
    Ok(rotten)
}

fn operations<'a>(patches: &'a Value, patch_file: &str) -> Result<&'a Vec<Value>> {
    patches.as_array().ok_or_else(|| {
        Error::in_file(
            patch_file,
            "expected a list of RFC 6902 operations at the top level",
        )
    })
}

/// `add /paths/~1a`: an operation's `op` and `path`, as the messages name it.
fn describe(op: &Value) -> String {
    format!(
        "{} {}",
        op.get("op").and_then(Value::as_str).unwrap_or("?"),
        op.get("path").and_then(Value::as_str).unwrap_or("?"),
    )
}

/// Applies one operation, or says why it does not apply and what the spec has there now.
fn apply_one(spec: &mut Value, op: &Value) -> Result<(), String> {
    let parsed: json_patch::PatchOperation =
        serde_json::from_value(op.clone()).map_err(|e| format!("malformed: {e}"))?;
    let pointer = parsed.path().to_string();
    if let json_patch::PatchOperation::Add(_) = &parsed
        && member_exists(spec, &pointer)
    {
        return Err(format!(
            "upstream now defines this member itself: {}; review it, then drop the patch or use \
             `replace` to overwrite it",
            summary(&spec.pointer(&pointer).cloned().unwrap_or_default())
        ));
    }
    let (checked, what) = match &parsed {
        json_patch::PatchOperation::Move(m) => (m.from.to_string(), "source"),
        json_patch::PatchOperation::Copy(c) => (c.from.to_string(), "source"),
        _ => (pointer.clone(), "target"),
    };
    let wanted_existing = !matches!(parsed, json_patch::PatchOperation::Add(_));
    if (wanted_existing || what == "source") && spec.pointer(&checked).is_none() {
        return Err(format!("the {what} vanished: {}", nearest(spec, &checked)));
    }
    if let json_patch::PatchOperation::Add(_) = &parsed
        && let Some((parent, _)) = pointer.rsplit_once('/')
        && spec.pointer(parent).is_none()
    {
        return Err(format!("the target vanished: {}", nearest(spec, parent)));
    }
    let before = spec.pointer(&pointer).cloned();
    json_patch::patch(spec, std::slice::from_ref(&parsed)).map_err(|e| match (&parsed, before) {
        (json_patch::PatchOperation::Test(_), Some(now)) => {
            format!("the test failed: upstream has {} there now", summary(&now))
        }
        _ => format!("does not apply: {}", e.kind),
    })
}

/// What the spec has at the deepest existing ancestor of `pointer`, e.g. "upstream has no
/// `/paths/~1a`; `/paths` holds: /b, /c".
fn nearest(spec: &Value, pointer: &str) -> String {
    let mut ancestor = pointer;
    while let Some((parent, _)) = ancestor.rsplit_once('/') {
        ancestor = parent;
        if let Some(value) = spec.pointer(ancestor) {
            let shown = if ancestor.is_empty() {
                "the top level".to_owned()
            } else {
                format!("`{ancestor}`")
            };
            return format!(
                "upstream has no `{pointer}`; {shown} holds: {}",
                match value {
                    Value::Object(map) => truncate(
                        &map.keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                        400
                    ),
                    other => summary(other),
                }
            );
        }
    }
    format!("upstream has no `{pointer}`")
}

/// A value as compact JSON, cut to a readable length.
fn summary(value: &Value) -> String {
    truncate(&value.to_string(), 160)
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Patches that still apply but whose target upstream changed between `old` and `new`: a
/// `replace` or `remove` that now overrides something Gong rewrote. One warning each, naming
/// the patch, its pointer and what upstream has there now.
pub fn changed_targets(old: &Value, new: &Value, patches: &Value) -> Vec<String> {
    let Ok(ops) = operations(patches, "") else {
        return Vec::new();
    };
    let (mut old, mut new) = (old.clone(), new.clone());
    let mut warnings = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
        let pointer = op.get("path").and_then(Value::as_str).unwrap_or_default();
        if matches!(kind, "replace" | "remove")
            && let (Some(was), Some(now)) = (old.pointer(pointer), new.pointer(pointer))
            && was != now
        {
            warnings.push(format!(
                "patch #{index} ({}): upstream changed what this patch overrides: was {}, now {}",
                describe(op),
                summary(was),
                summary(now)
            ));
        }
        let _ = apply_one(&mut old, op);
        let _ = apply_one(&mut new, op);
    }
    warnings
}

/// Whether `pointer` names an existing member of an object (not an array position).
fn member_exists(spec: &Value, pointer: &str) -> bool {
    let Some((parent, _)) = pointer.rsplit_once('/') else {
        return false;
    };
    spec.pointer(parent).is_some_and(Value::is_object) && spec.pointer(pointer).is_some()
}

/// Serialises the bundled spec as YAML.
pub fn to_yaml(spec: &Value) -> Result<String> {
    crate::yaml::to_string(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patches(yaml: &str) -> Value {
        parse_yaml(yaml, "patches.yaml").unwrap()
    }

    #[test]
    fn applies_operations_in_order() {
        let mut spec = json!({"info": {"contact": {"email": ["email protected"]}}, "paths": {}});
        let p = patches(
            "- {op: test, path: /info/contact/email, value: [email protected]}\n\
             - {op: replace, path: /info/contact/email, value: help@gong.io}\n\
             - {op: add, path: /paths/~1a, value: {get: {}}}\n",
        );
        apply_patches(&mut spec, &p, "patches.yaml").unwrap();
        assert_eq!(spec["info"]["contact"]["email"], "help@gong.io");
        assert!(spec["paths"]["/a"]["get"].is_object());
    }

    #[test]
    fn a_patch_that_targets_nothing_names_file_index_and_path() {
        let mut spec = json!({"paths": {}});
        let p = patches(
            "- {op: add, path: /paths/~1a, value: 1}\n- {op: replace, path: /nope/x, value: 1}\n",
        );
        let err = apply_patches(&mut spec, &p, "openapi/patches.yaml").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("openapi/patches.yaml: patch #1 (replace /nope/x): the target vanished: upstream has no `/nope/x`; the top level holds: paths"),
            "{text}"
        );
    }

    #[test]
    fn add_never_silently_overwrites_upstream() {
        let mut spec = json!({"components": {"schemas": {"A": {"type": "string"}}}, "tags": ["x"]});
        let p = patches("- {op: add, path: /components/schemas/A, value: {type: integer}}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "patch #0 (add /components/schemas/A): upstream now defines this member itself: \
                 {\"type\":\"string\"}"
            ),
            "{err}"
        );
        assert_eq!(spec["components"]["schemas"]["A"]["type"], "string");
        // Appending to or inserting into an array is still an add.
        let p =
            patches("- {op: add, path: /tags/0, value: y}\n- {op: add, path: /tags/-, value: z}\n");
        apply_patches(&mut spec, &p, "p.yaml").unwrap();
        assert_eq!(spec["tags"], json!(["y", "x", "z"]));
    }

    #[test]
    fn every_rotten_patch_is_listed_with_what_upstream_has_there_now() {
        // Upstream now defines a path a patch adds, and dropped one that two patches change.
        let mut spec = json!({"paths": {"/crm": {"get": {"operationId": "listCrm"}}, "/b": {}}});
        let p = patches(
            "- {op: add, path: /paths/~1crm, value: {get: {operationId: ours}}}\n\
             - {op: add, path: /paths/~1gone/get/deprecated, value: true}\n\
             - {op: replace, path: /paths/~1gone/get/description, value: x}\n\
             - {op: add, path: /paths/~1b/x-ok, value: 1}\n",
        );
        let err = apply_patches(&mut spec, &p, "openapi/patches.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "openapi/patches.yaml: 3 patches no longer apply:\n  \
             patch #0 (add /paths/~1crm): upstream now defines this member itself: \
             {\"get\":{\"operationId\":\"listCrm\"}}; review it, then drop the patch or use \
             `replace` to overwrite it\n  \
             patch #1 (add /paths/~1gone/get/deprecated): the target vanished: upstream has no \
             `/paths/~1gone/get`; `/paths` holds: /crm, /b\n  \
             patch #2 (replace /paths/~1gone/get/description): the target vanished: upstream has \
             no `/paths/~1gone/get/description`; `/paths` holds: /crm, /b"
        );
        // The patches that do apply still ran; the rotten ones changed nothing.
        assert_eq!(spec["paths"]["/b"]["x-ok"], 1);
        assert_eq!(spec["paths"]["/crm"]["get"]["operationId"], "listCrm");
    }

    #[test]
    fn a_replace_whose_target_upstream_rewrote_is_a_warning() {
        let old = json!({"info": {"description": "old text", "title": "t"}});
        let new = json!({"info": {"description": "Gong's new text", "title": "t"}});
        let p = patches(
            "- {op: replace, path: /info/description, value: ours}\n\
             - {op: replace, path: /info/title, value: ours}\n",
        );
        assert_eq!(
            changed_targets(&old, &new, &p),
            [
                "patch #0 (replace /info/description): upstream changed what this patch overrides: \
              was \"old text\", now \"Gong's new text\""
            ]
        );
    }

    #[test]
    fn a_failed_test_operation_is_an_error() {
        let mut spec = json!({"info": {"contact": {"email": "fixed@gong.io"}}});
        let p = patches("- {op: test, path: /info/contact/email, value: [email protected]}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml").unwrap_err();
        assert!(
            err.to_string()
                .contains("patch #0 (test /info/contact/email): the test failed: upstream has \"fixed@gong.io\" there now")
        );
    }

    #[test]
    fn malformed_operation_is_reported() {
        let mut spec = json!({});
        let p = patches("- {op: frobnicate, path: /x}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml").unwrap_err();
        assert!(
            err.to_string()
                .contains("patch #0 (frobnicate /x): malformed")
        );
    }

    #[test]
    fn patches_must_be_a_list() {
        let err = apply_patches(&mut json!({}), &json!({"op": "add"}), "p.yaml").unwrap_err();
        assert!(err.to_string().contains("list of RFC 6902 operations"));
    }

    #[test]
    fn malformed_yaml_names_file_and_line() {
        let err = parse_yaml("a: [1, 2\nb: c\n", "upstream.yml").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("upstream.yml: not valid YAML"), "{text}");
        assert!(text.contains("line"), "{text}");
    }
}

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
/// Every operation must hit its target; the error names the operation's index, its `op` and
/// `path`, and why it failed.
pub fn apply_patches(spec: &mut Value, patches: &Value, patch_file: &str) -> Result<()> {
    let ops = patches.as_array().ok_or_else(|| {
        Error::in_file(
            patch_file,
            "expected a list of RFC 6902 operations at the top level",
        )
    })?;
    for (index, op) in ops.iter().enumerate() {
        let describe = || {
            format!(
                "operation #{index} ({} {})",
                op.get("op").and_then(Value::as_str).unwrap_or("?"),
                op.get("path").and_then(Value::as_str).unwrap_or("?"),
            )
        };
        let parsed: json_patch::PatchOperation = serde_json::from_value(op.clone())
            .map_err(|e| Error::in_file(patch_file, format!("{}: malformed: {e}", describe())))?;
        // RFC 6902 `add` onto an existing member replaces it. If upstream gains something a
        // patch adds, our copy must not silently win: overwriting takes an explicit `replace`.
        if let json_patch::PatchOperation::Add(add) = &parsed
            && member_exists(spec, add.path.as_str())
        {
            return Err(Error::in_file(
                patch_file,
                format!(
                    "{}: upstream already has this member; review it, then use `replace` to \
                     overwrite it or drop the patch",
                    describe()
                ),
            ));
        }
        json_patch::patch(spec, &[parsed]).map_err(|e| {
            Error::in_file(
                patch_file,
                format!("{}: does not apply: {}", describe(), e.kind),
            )
        })?;
    }
    Ok(())
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
            text.starts_with("openapi/patches.yaml: operation #1 (replace /nope/x)"),
            "{text}"
        );
        assert!(text.contains("does not apply"), "{text}");
    }

    #[test]
    fn add_never_silently_overwrites_upstream() {
        let mut spec = json!({"components": {"schemas": {"A": {"type": "string"}}}, "tags": ["x"]});
        let p = patches("- {op: add, path: /components/schemas/A, value: {type: integer}}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("operation #0 (add /components/schemas/A)"),
            "{err}"
        );
        assert!(err.contains("upstream already has this member"), "{err}");
        assert_eq!(spec["components"]["schemas"]["A"]["type"], "string");
        // Appending to or inserting into an array is still an add.
        let p =
            patches("- {op: add, path: /tags/0, value: y}\n- {op: add, path: /tags/-, value: z}\n");
        apply_patches(&mut spec, &p, "p.yaml").unwrap();
        assert_eq!(spec["tags"], json!(["y", "x", "z"]));
    }

    #[test]
    fn a_failed_test_operation_is_an_error() {
        let mut spec = json!({"info": {"contact": {"email": "fixed@gong.io"}}});
        let p = patches("- {op: test, path: /info/contact/email, value: [email protected]}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml").unwrap_err();
        assert!(
            err.to_string()
                .contains("operation #0 (test /info/contact/email)")
        );
    }

    #[test]
    fn malformed_operation_is_reported() {
        let mut spec = json!({});
        let p = patches("- {op: frobnicate, path: /x}\n");
        let err = apply_patches(&mut spec, &p, "p.yaml").unwrap_err();
        assert!(
            err.to_string()
                .contains("operation #0 (frobnicate /x): malformed")
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

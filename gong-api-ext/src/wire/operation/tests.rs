use super::*;

#[test]
fn every_scope_belongs_to_an_operation_and_each_operation_to_a_known_scope() {
    assert_eq!(scopes_needed(Operation::ALL.iter().copied()), scopes::ALL);
    for op in Operation::ALL {
        assert!(scopes::ALL.contains(&op.scope()), "{op}");
    }
}

/// The table against the project's spec: each operation's block in `openapi/gong-api.yaml`
/// names the same scope ("Required authorization scope: `…`").
#[test]
fn the_table_matches_the_spec() {
    let spec = include_str!("../../../../openapi/gong-api.yaml");
    for op in Operation::ALL {
        let id = format!("operationId: {}\n", op.operation_id());
        let start = spec
            .find(&id)
            .unwrap_or_else(|| panic!("{op} is not in the spec"));
        let rest = &spec[start + id.len()..];
        let block = &rest[..rest.find("operationId: ").unwrap_or(rest.len())];
        let line = format!("Required authorization scope: `{}`.", op.scope());
        assert!(block.contains(&line), "{op}: {line:?} not in its block");
    }
}

#[test]
fn needed_scopes_come_once_in_a_fixed_order() {
    let phone = Subject::parse("+14255552671").unwrap();
    assert_eq!(
        scopes_needed([
            Operation::erase(&phone),
            Operation::lookup(&phone),
            Operation::erase(&phone)
        ]),
        [scopes::DATA_PRIVACY_READ, scopes::DATA_PRIVACY_DELETE]
    );
    assert!(scopes_needed([]).is_empty());
}

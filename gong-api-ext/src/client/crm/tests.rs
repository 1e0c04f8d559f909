use super::*;

#[test]
fn default_ids_match_gongs_pattern_and_differ() {
    let source = random_client_request_ids();
    let (a, b) = (source(), source());
    assert_ne!(a, b);
    for id in [a, b] {
        assert!(id.parse::<types::ClientRequestId>().is_ok(), "{id}");
    }
}

#[test]
fn states_parse_and_keep_unknown_values() {
    assert_eq!(CrmRequestState::parse("DONE"), CrmRequestState::Done);
    assert!(CrmRequestState::parse("FAILED").is_final());
    assert!(!CrmRequestState::parse("IN_PROGRESS").is_final());
    let other = CrmRequestState::parse("PAUSED");
    assert_eq!(other, CrmRequestState::Other("PAUSED".into()));
    assert_eq!(other.to_string(), "PAUSED");
}

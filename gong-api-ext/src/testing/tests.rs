use super::*;

#[test]
fn authorization_keeps_only_its_scheme() {
    assert_eq!(
        redact_authorization("Basic dXNlcjpwYXNz"),
        "Basic [REDACTED]"
    );
    assert_eq!(redact_authorization("Bearer abc.def"), "Bearer [REDACTED]");
    assert_eq!(redact_authorization("opaque-token"), "[REDACTED]");
}

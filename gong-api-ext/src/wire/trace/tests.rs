use super::*;

#[test]
fn trace_flags_ambiguity_only_before_the_last_attempt() {
    let mut t = CallTrace::default();
    t.record(Outcome::Status(StatusCode::CONFLICT));
    assert!(!t.ambiguous_before_last);
    let mut t = CallTrace::default();
    t.record(Outcome::TimedOut);
    assert!(
        !t.ambiguous_before_last,
        "the last attempt itself is not 'before'"
    );
    t.record(Outcome::Status(StatusCode::CONFLICT));
    assert!(t.ambiguous_before_last);
    assert_eq!(t.attempts, 2);
    assert_eq!(t.last_status, Some(StatusCode::CONFLICT));
    let mut t = CallTrace::default();
    t.record(Outcome::ConnectFailed);
    t.record(Outcome::Status(StatusCode::CONFLICT));
    assert!(
        !t.ambiguous_before_last,
        "a refused connection never reached Gong"
    );
}

#[test]
fn only_a_write_with_an_ambiguous_attempt_may_have_taken_effect() {
    let broken_ok = Outcome::BrokenAnswer(StatusCode::OK);
    for (write, outcomes, expected) in [
        (true, vec![broken_ok], true),
        (false, vec![broken_ok], false),
        (true, vec![Outcome::TimedOut, Outcome::ConnectFailed], true),
        (true, vec![Outcome::ConnectFailed], false),
        (true, vec![Outcome::Status(StatusCode::BAD_REQUEST)], false),
        (true, vec![Outcome::Refused(StatusCode::FOUND)], false),
    ] {
        let mut t = CallTrace {
            write,
            ..CallTrace::default()
        };
        for outcome in &outcomes {
            t.record(*outcome);
        }
        assert_eq!(t.may_have_taken_effect(), expected, "{write} {outcomes:?}");
    }
}

use super::*;
use crate::identity::phone::spelling;

fn check_str(input: &str) -> Result<String, Refusal> {
    check(&spelling::read(input).map_err(Refusal::rule)?)
}

#[test]
fn own_breaks_follow_libphonenumbers_grouping() {
    let (number, _) = read("442079460018").unwrap();
    // "+44 20 7946 0018" and "020 7946 0018".
    assert_eq!(own_breaks(&number, 2), (vec![2, 4, 8], Some(vec![4, 8])));
}

#[test]
fn a_trunk_prefix_is_refused_with_the_number_libphonenumber_reads() {
    for input in [
        "+44 020 7946 0018",
        "+44 (0)20 7946 0018",
        "+44 (020) 7946 0018",
        "+4402079460018",
    ] {
        let refusal = check_str(input).expect_err(input);
        assert_eq!(
            refusal.suggestion.as_deref(),
            Some("+442079460018"),
            "{input}"
        );
        assert!(refusal.rule.contains("the 0 after +44"), "{}", refusal.rule);
    }
    let refusal = check_str("+54 11 15 2345 6789").unwrap_err();
    assert_eq!(refusal.suggestion.as_deref(), Some("+5491123456789"));
}

#[test]
fn an_extension_like_tail_is_refused() {
    let refusal = check_str("+49 30 123456 123").unwrap_err();
    assert!(
        refusal.rule.contains("could be an extension"),
        "{}",
        refusal.rule
    );
    assert_eq!(refusal.suggestion, None);
    // The same digits in one block, or grouped as libphonenumber groups them, are one number.
    assert_eq!(
        check_str("+4930123456123").ok().as_deref(),
        Some("+4930123456123")
    );
    assert_eq!(
        check_str("+39 02 1234 5678").ok().as_deref(),
        Some("+390212345678")
    );
}

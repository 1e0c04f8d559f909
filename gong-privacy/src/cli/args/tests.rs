use clap::CommandFactory as _;

use super::*;

#[test]
fn the_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn values_are_checked_with_the_flag_named() {
    assert_eq!(delimiter("tab"), Ok(b'\t'));
    assert_eq!(delimiter(";"), Ok(b';'));
    assert!(delimiter("\"").is_err());
    assert!(delimiter(",,").is_err());
    assert!(positive_rate("0").is_err());
    assert!(positive_rate("NaN").is_err());
    assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
    assert!(duration("0s").is_err());
}

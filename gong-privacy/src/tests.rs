#[test]
fn the_default_timeout_is_the_librarys() {
    use clap::Parser as _;
    let cli = super::Cli::parse_from(["gong-privacy", "crm", "list"]);
    assert_eq!(cli.timeout, gong_api_ext::DEFAULT_TIMEOUT);
}

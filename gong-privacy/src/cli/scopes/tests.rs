use gong_api_ext::scopes::*;
use gong_api_ext::scopes_needed;

use super::*;

fn needed(argv: &[&str]) -> Vec<&'static str> {
    scopes_needed(form_operations(&[argv]))
}

#[test]
fn each_command_needs_the_scopes_of_what_it_sends() {
    let both = [DATA_PRIVACY_READ, DATA_PRIVACY_DELETE];
    for (argv, scopes) in [
        (&["lookup", "phone", "+1"][..], &[DATA_PRIVACY_READ][..]),
        // With their preview lookups (the default), erasures need the read scope too.
        (&["erase", "email", "a@b.io"], &both),
        (&["erase", "--from", "f"], &both),
        (
            &["erase", "--from", "f", "--no-preview"],
            &[DATA_PRIVACY_DELETE],
        ),
        (
            &["erase", "phone", "+1", "--no-preview"],
            &[DATA_PRIVACY_DELETE],
        ),
        (&["erase", "--from", "f", "--dry-run"], &[DATA_PRIVACY_READ]),
        (&["verify", "j"], &[DATA_PRIVACY_READ]),
        (
            &["export", "--from", "f", "--out", "d"],
            &[DATA_PRIVACY_READ],
        ),
        (&["crm", "list"], &[CRM_INTEGRATIONS_READ]),
        (&["crm", "delete", "7"], &[CRM_INTEGRATION_DELETE]),
        (
            &["crm", "delete", "7", "--wait"],
            &[CRM_INTEGRATION_DELETE, CRM_UPLOAD],
        ),
        (&["crm", "status", "7", "r"], &[CRM_UPLOAD]),
        (&["doctor"], &[]),
        (&["doctor", "--probe"], &[DATA_PRIVACY_READ]),
        (&["report", "j"], &[]),
    ] {
        assert_eq!(needed(argv), scopes, "{argv:?}");
    }
}

#[test]
fn doctor_forms_parse_and_cover_every_scope() {
    let all: Vec<Operation> = FORMS
        .iter()
        .flat_map(|(_, argvs)| form_operations(argvs))
        .collect();
    assert_eq!(scopes_needed(all), ALL);
}

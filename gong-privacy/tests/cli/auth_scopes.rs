//! The scopes a command needs come from the operations it will send: a login granted
//! `api:data-privacy:delete` but not `…:read` is refused by every command that looks anything
//! up (an erasure's preview included) before any request, is enough for `--no-preview`, and
//! `doctor` says which command needs which scope, and why.

use gong_api_ext::oauth::scopes;

use crate::auth::{LOGIN, SECRET_MARK, log_in, oauth_cli};
use crate::oauth_mock::Gong;
use crate::util::{run, scratch};

#[tokio::test(flavor = "multi_thread")]
async fn a_login_without_the_read_scope_stops_previewed_erasures_before_any_request() {
    let gong = Gong::start().await;
    gong.host("acme", &[scopes::DATA_PRIVACY_DELETE]).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-scopes");
    let (code, out, err) = log_in(oauth_cli(&gong, &config, LOGIN)).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let file = config.join("subjects.txt");
    std::fs::write(&file, "a@example.com\n+14255552671\n").unwrap();
    let file = file.to_str().unwrap();
    let journal = config.join("subjects.txt.journal.jsonl");
    let export = config.join("export").display().to_string();
    let mut printed = String::new();
    let mut cli = |args: &[&str]| {
        let (code, out, err) = run(oauth_cli(&gong, &config, args));
        printed.push_str(&out);
        printed.push_str(&err);
        (code, out, err)
    };

    // The batch's preview lookups need the read scope: exit 8, nothing sent, no journal.
    let (code, _, err) = cli(&["erase", "--from", file, "--yes"]);
    assert_eq!(code, 8, "{err}");
    assert!(
        err.contains(
            "error: the OAuth login lacks the scope api:data-privacy:read, which this command \
             needs to look up an email address, look up a phone number (granted: \
             api:data-privacy:delete); nothing was sent"
        ),
        "{err}"
    );
    assert!(!journal.exists());
    // One subject, previewed: the same.
    let (code, _, err) = cli(&["erase", "email", "a@example.com", "--yes"]);
    assert_eq!(code, 8, "{err}");
    assert!(
        err.contains("lacks the scope api:data-privacy:read"),
        "{err}"
    );
    // Lookups, --dry-run, export.
    for args in [
        &["lookup", "phone", "+14255552671"][..],
        &["erase", "--from", file, "--dry-run"],
        &["export", "email", "a@example.com", "--out", &export],
    ] {
        let (code, _, err) = cli(args);
        assert_eq!(code, 8, "{args:?}: {err}");
    }
    assert_eq!(gong.calls_to("acme"), [], "a request was sent");
    gong.with(|st| assert_eq!((st.exchanges, st.refresh_requests), (1, 0)));

    // Without the preview, the delete scope is all it takes: only the erasures are sent.
    let (code, out, err) = cli(&["erase", "--from", file, "--yes", "--no-preview"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = cli(&["erase", "email", "b@example.com", "--yes", "--no-preview"]);
    assert_eq!(code, 0, "{err}");
    // In any order (the batch sends its two at once).
    let mut paths: Vec<String> = gong.calls_to("acme").into_iter().map(|c| c.path).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/v2/data-privacy/erase-data-for-email-address",
            "/v2/data-privacy/erase-data-for-email-address",
            "/v2/data-privacy/erase-data-for-phone-number",
        ]
    );

    // doctor names each command that lacks a scope, the scope, and what it is for.
    let (code, out, _) = cli(&["doctor", "--probe"]);
    assert_eq!(code, 8, "{out}");
    let read = "api:data-privacy:read (to look up an email address, look up a phone number)";
    for needs in [
        format!("lookup email|phone needs {read}"),
        format!("erase email|phone needs {read}"),
        format!("erase --from FILE needs {read}"),
        format!("erase --from FILE --dry-run needs {read}"),
        format!("verify JOURNAL needs {read}"),
        "crm list needs api:crm:integrations:read (to list CRM integrations)".into(),
        "doctor --probe needs api:data-privacy:read (to look up an email address)".into(),
    ] {
        assert!(out.contains(&needs), "{needs:?} not in\n{out}");
    }
    for fine in [
        "erase email|phone --no-preview needs",
        "erase --from FILE --no-preview needs",
    ] {
        assert!(!out.contains(fine), "{fine:?} in\n{out}");
    }
    assert!(
        out.contains(
            "fail  probe        not sent: the OAuth login lacks api:data-privacy:read, which the \
             probe needs to look up an email address"
        ),
        "{out}"
    );
    // (Its host check reads the host's root, which is no API call.)
    let api_calls = gong
        .calls_to("acme")
        .iter()
        .filter(|c| c.path.starts_with("/v2/"))
        .count();
    assert_eq!(api_calls, 3, "doctor sent an API request");
    assert!(!printed.contains(SECRET_MARK), "{printed}");
    gong.assert_clean();
}

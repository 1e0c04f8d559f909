//! Single-subject commands, CRM commands, output formats, help, and errors.

use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::util::*;

#[tokio::test(flavor = "multi_thread")]
async fn lookup_prints_counts_and_json() {
    let server = mock_gong().await;
    let (code, out, _) = run(gong_privacy(
        &server,
        &["lookup", "email", "jane@example.com"],
    ));
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        "jane@example.com: 2 emails, 1 call, 0 meetings, 0 CRM objects, 0 engagement events"
    );
    let (code, out, _) = run(gong_privacy(
        &server,
        &["--json", "lookup", "phone", "+1 (425) 555-2671"],
    ));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], "lookup");
    assert_eq!(v["subject"], "+14255552671");
    assert_eq!(v["kind"], "phone");
    assert_eq!(
        v["counts"],
        serde_json::json!({"emails":0,"calls":1,"meetings":0,"crmObjects":0,"engagementEvents":0})
    );
    assert_eq!(v["response"]["requestId"], "look-2");

    // Gong's whole answer: fields this SDK does not know are printed too.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(
            r#"{"requestId":"look-3","calls":[{"id":"1","spokenLanguage":"de"}],"retentionPolicy":{"days":30}}"#,
        ))
        .mount(&server)
        .await;
    let (code, out, _) = run(gong_privacy(
        &server,
        &["--json", "lookup", "email", "jane@example.com"],
    ));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["response"]["retentionPolicy"]["days"], 30, "{out}");
    assert_eq!(v["response"]["calls"][0]["spokenLanguage"], "de", "{out}");
}

/// A subject with more data than the 8 MiB default cap: the CLI names its own flag (the
/// library's message names a builder method a CLI user cannot reach), and the flag reads it.
#[tokio::test(flavor = "multi_thread")]
async fn a_large_answer_is_read_with_max_response_mib() {
    let server = MockServer::start().await;
    let padding = "x".repeat(1536 * 1024);
    Mock::given(method("GET"))
        .respond_with(json(&format!(
            r#"{{"requestId":"big","calls":[{{"id":"1","notes":"{padding}"}}]}}"#
        )))
        .mount(&server)
        .await;
    let lookup = ["lookup", "email", "jane@example.com"];
    let (code, out, err) = run(gong_privacy(
        &server,
        &[&["--max-response-mib", "1"], &lookup[..]].concat(),
    ));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(
            "larger than the 1 MiB limit and was not read; if this subject really has that \
             much data, run again with --max-response-mib N (more than 1)"
        ),
        "{err}"
    );
    assert!(!err.contains("GongClientBuilder"), "{err}");
    let (code, out, err) = run(gong_privacy(
        &server,
        &[&["--max-response-mib", "2"], &lookup[..]].concat(),
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 call"), "{out}");
    // Out of range is a usage error, before any request.
    let (code, _, err) = run(gong_privacy(
        &server,
        &[&["--max-response-mib", "0"], &lookup[..]].concat(),
    ));
    assert_eq!(code, 2, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn erase_shows_the_lookup_and_prints_the_receipt() {
    let server = mock_gong().await;
    let (code, out, err) = run(gong_privacy(
        &server,
        &["erase", "email", "jane@example.com", "--yes"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Gong holds for jane@example.com: 2 emails"),
        "{err}"
    );
    assert!(
        out.contains("Gong requestId (keep it as the receipt): erase-1"),
        "{out}"
    );
    assert_eq!(
        requests(&server).await,
        [
            ("GET".into(), "jane@example.com".into()),
            ("POST".into(), "jane@example.com".into())
        ]
    );
    let (code, out, _) = run(gong_privacy(
        &server,
        &["erase", "email", "jane@example.com", "--yes", "--json"],
    ));
    assert_eq!(code, 0);
    let lines = ndjson(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(
        (
            &lines[0]["type"],
            &lines[0]["status"],
            &lines[0]["requestId"]
        ),
        (&"subject".into(), &"erased".into(), &"erase-1".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_erasing_needs_yes() {
    let server = mock_gong().await;
    let dir = scratch("no-yes");
    let list = dir.join("subjects.txt");
    std::fs::write(&list, "jane@example.com\n").unwrap();
    for (args, what) in [
        (vec!["erase", "email", "jane@example.com"], "erase"),
        (vec!["erase", "--from", list.to_str().unwrap()], "erase"),
        (vec!["crm", "delete", "42"], "delete a CRM integration"),
    ] {
        let (code, _, err) = run(gong_privacy(&server, &args));
        assert_eq!(code, 2, "{args:?}");
        assert!(
            err.contains(&format!("refusing to {what} without --yes")),
            "{err}"
        );
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
    assert!(!dir.join("subjects.txt.journal.jsonl").exists());
}

/// `--json` batch output: one object per subject as it completes, then one summary; nothing
/// else on standard output, and every object camelCase.
#[tokio::test(flavor = "multi_thread")]
async fn batch_json_is_one_object_per_subject_then_a_summary() {
    let server = mock_gong().await;
    let dir = scratch("ndjson");
    let csv = dir.join("q.csv");
    std::fs::write(
        &csv,
        "email,phone\njane@example.com,+1 425 555 2671\nnobody@,\njane@example.com,\n",
    )
    .unwrap();
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            csv.to_str().unwrap(),
            "--yes",
            "--json",
            "--rate",
            "100",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    let lines = ndjson(&out);
    assert_eq!(lines.len(), 5, "{out}");
    let (summary, subjects) = lines.split_last().unwrap();
    assert!(subjects.iter().all(|s| s["type"] == "subject"));
    let mut statuses: Vec<&str> = subjects
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["duplicate", "erased", "erased", "invalid"]);
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        (
            &summary["erased"],
            &summary["invalid"],
            &summary["duplicates"],
            &summary["exitCode"]
        ),
        (&2.into(), &1.into(), &1.into(), &0.into())
    );
    // The same objects as the journal's subject records.
    let journaled = subject_records(&dir.join("q.csv.journal.jsonl"));
    assert_eq!(journaled.as_slice(), subjects);
    for line in &lines {
        for key in line.as_object().unwrap().keys() {
            assert!(!key.contains('_'), "{key} is not camelCase");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_only_looks() {
    let server = mock_gong().await;
    let dir = scratch("dry");
    let list = dir.join("q.txt");
    std::fs::write(&list, "jane@example.com\n+14255552671\nnobody\n").unwrap();
    let (code, out, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--dry-run"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2 looked up, 2 with data in Gong, 1 invalid"),
        "{out}"
    );
    assert!(out.contains("2 emails, 2 calls"), "{out}");
    assert!(requests(&server).await.iter().all(|(m, _)| m == "GET"));
    assert!(!dir.join("q.txt.journal.jsonl").exists());

    let (code, out, _) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            list.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(code, 0);
    let lines = ndjson(&out);
    let statuses: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap(),
                l["status"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert!(statuses.contains(&("lookup", "invalid")), "{out}");
    assert_eq!(
        statuses
            .iter()
            .filter(|s| *s == &("lookup", "found"))
            .count(),
        2
    );
    assert_eq!(lines.last().unwrap()["withData"], 2);
}

async fn crm_mock(statuses: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/integrations"))
        .respond_with(json(r#"{"requestId":"r","integrations":[{"integrationId":5517027188234205706,"name":"SF","ownerEmail":"o@example.com"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(r#"{"requestId":"del"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    // Each status answers twice, the last one forever.
    let (last, earlier) = statuses.split_last().unwrap();
    for (i, status) in earlier.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path("/v2/crm/request-status"))
            .respond_with(json(&format!(r#"{{"requestId":"s","status":"{status}"}}"#)))
            .up_to_n_times(2)
            .with_priority(1 + i as u8)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v2/crm/request-status"))
        .respond_with(json(&format!(r#"{{"requestId":"s","status":"{last}"}}"#)))
        .with_priority(100)
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_commands() {
    let server = crm_mock(&["DONE"]).await;
    let (code, out, _) = run(gong_privacy(&server, &["crm", "list"]));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "5517027188234205706\tSF\to@example.com");
    let (code, out, _) = run(gong_privacy(&server, &["--json", "crm", "list"]));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], "crmIntegrations");
    assert_eq!(
        v["response"]["integrations"][0]["integrationId"],
        5517027188234205706_i64
    );
    let (code, out, _) = run(gong_privacy(
        &server,
        &["crm", "status", "5517027188234205706", "abc"],
    ));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "DONE");
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_delete_wait_shows_each_status_change() {
    let server = crm_mock(&["PENDING", "IN_PROGRESS", "DONE"]).await;
    let args = [
        "crm",
        "delete",
        "5517027188234205706",
        "--yes",
        "--wait",
        "--poll-interval",
        "50ms",
    ];
    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(
            "Deletion of integration 5517027188234205706 registered: clientRequestId gong-sdk-"
        ),
        "{out}"
    );
    let states: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(states, ["PENDING", "IN_PROGRESS", "DONE"], "{out}");

    let server = crm_mock(&["PENDING", "DONE"]).await;
    let mut json_args = vec!["--json"];
    json_args.extend(args);
    let (code, out, _) = run(gong_privacy(&server, &json_args));
    assert_eq!(code, 0);
    let lines = ndjson(&out);
    let types: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap(),
                l["status"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("crmDeletion", "-"),
            ("crmStatus", "PENDING"),
            ("crmStatus", "DONE")
        ],
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_delete_wait_times_out_with_its_own_code() {
    let server = crm_mock(&["PENDING"]).await;
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "crm",
            "delete",
            "5517027188234205706",
            "--yes",
            "--wait",
            "--poll-interval",
            "50ms",
            "--wait-timeout",
            "300ms",
        ],
    ));
    assert_eq!(code, 6, "{out}\n{err}");
    assert!(err.contains("still PENDING at the deadline"), "{err}");
    assert!(
        err.contains("check it with: gong-privacy crm status 5517027188234205706 gong-sdk-"),
        "{err}"
    );
}

/// A deletion whose answer never came (every attempt timed out) may have been registered: the
/// error names the clientRequestId it was sent with, how to check it, and how to send the same
/// deletion again; `--client-request-id` sends it under that id.
#[tokio::test(flavor = "multi_thread")]
async fn crm_delete_with_an_unknown_outcome_prints_its_client_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(r#"{"requestId":"late"}"#, "application/json")
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let (code, _, err) = run(gong_privacy(
        &server,
        &["--timeout", "200ms", "crm", "delete", "42", "--yes"],
    ));
    assert_eq!(code, 1, "{err}");
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "clientRequestId")
                .map(|(_, v)| v.into_owned())
                .unwrap()
        })
        .collect();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|id| *id == sent[0]), "{sent:?}");
    let id = &sent[0];
    assert!(
        err.contains(&format!(
            "The deletion may have been registered under clientRequestId {id}: check it with: \
             gong-privacy crm status 42 {id}; or send the same deletion again (never \
             registered twice): gong-privacy crm delete 42 --client-request-id {id}"
        )),
        "{err}"
    );
    // A plain rerun would be a new deletion, with a new id.
    assert!(!err.contains("a rerun sends it again"), "{err}");

    // The same when the daily budget stops the retries after the lost answer: the outcome is
    // unknown, and "the rerun sends it again (the same request)" would be untrue of a new
    // deletion.
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "--timeout",
            "200ms",
            "--daily-budget",
            "1",
            "crm",
            "delete",
            "42",
            "--yes",
        ],
    ));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("sent, outcome unknown"), "{err}");
    assert!(
        err.contains("The deletion may have been registered under clientRequestId gong-sdk-"),
        "{err}"
    );
    assert!(
        !err.to_lowercase().contains("rerun sends it again"),
        "{err}"
    );

    let server = crm_mock(&["DONE"]).await;
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "crm",
            "delete",
            "42",
            "--yes",
            "--client-request-id",
            "retry-1",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("clientRequestId retry-1"), "{out}");
    let request = &server.received_requests().await.unwrap()[0];
    assert!(
        request
            .url
            .query_pairs()
            .any(|(k, v)| k == "clientRequestId" && v == "retry-1"),
        "{}",
        request.url
    );
}

/// `--client-request-id` is checked as Gong documents it (letters, digits, `-`, `_`) before
/// anything else: no confirmation asked, no request sent.
#[tokio::test(flavor = "multi_thread")]
async fn crm_delete_refuses_a_malformed_client_request_id_before_any_request() {
    let server = crm_mock(&["DONE"]).await;
    for bad in ["a b", "", "id/1", "naïve", "x\n"] {
        let (code, out, err) = run(gong_privacy(
            &server,
            &["crm", "delete", "42", "--client-request-id", bad],
        ));
        assert_eq!(code, 2, "{bad:?}: {out}\n{err}");
        assert!(
            err.contains("is not a clientRequestId: only letters, digits, '-' and '_'"),
            "{bad:?}: {err}"
        );
        assert!(!err.contains("Delete CRM integration"), "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Sending a deletion again under the id printed for it, after its first answer was lost:
/// Gong's 409 "client request id has already been used" says the first one was registered.
/// That is the deletion registered, not a failure (and `--wait` waits for it).
#[tokio::test(flavor = "multi_thread")]
async fn crm_delete_sent_again_under_its_id_takes_a_409_as_registered_earlier() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(409).set_body_raw(
            r#"{"requestId":"c1","errors":["client request id has already been used"]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/request-status"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"requestId":"s","status":"DONE"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "crm",
            "delete",
            "42",
            "--yes",
            "--client-request-id",
            "gong-sdk-abc",
            "--wait",
            "--poll-interval",
            "50ms",
        ],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(
            "Deletion of integration 42 registered earlier under clientRequestId gong-sdk-abc \
             (Gong answered that the id has already been used)"
        ),
        "{out}"
    );
    assert!(out.contains("DONE"), "{out}");
    // A new deletion (no id given) answered 409 is an error, as before.
    let (code, _, err) = run(gong_privacy(&server, &["crm", "delete", "42", "--yes"]));
    assert_eq!(code, 1, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_and_input_errors_are_one_line_and_exit_2() {
    let server = mock_gong().await;
    let mut no_creds = gong_privacy(&server, &["lookup", "email", "a@example.com"]);
    no_creds
        .env_remove("GONG_ACCESS_KEY")
        .env_remove("GONG_ACCESS_KEY_SECRET");
    let (code, _, err) = run(no_creds);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: no credentials: set GONG_ACCESS_KEY"),
        "{err}"
    );

    let (code, _, err) = run(gong_privacy(
        &server,
        &["--base-url", "http://gong.example.com", "crm", "list"],
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("plain http is refused") && err.contains("--base-url"),
        "{err}"
    );

    // Library names (requests_per_second) never reach the user: the flag is checked first.
    let (code, _, err) = run(gong_privacy(&server, &["--rate", "0", "crm", "list"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--rate") && !err.contains("requests_per_second"),
        "{err}"
    );

    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "--from", "/nonexistent/q.csv", "--yes"],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/q.csv: cannot read"), "{err}");

    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "phone", "+1 425 555 2671 x12", "--yes"],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("extensions are not accepted"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let (code, _, _) = run(gong_privacy(&server, &["erase"]));
    assert_eq!(code, 2);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_failures_name_their_cause() {
    // A port nobody listens on, for the 6-7 s of retries: a free port released for the test
    // could be taken by another test's server meanwhile; port 1 (tcpmux) is never served here.
    let uri = "http://127.0.0.1:1";
    let (code, _, err) = run(gong_privacy_at(uri, &["lookup", "email", "a@example.com"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("could not reach Gong after 5 attempt(s): connection refused: is --base-url"),
        "{err}"
    );
    assert!(
        !err.contains("find_all_references"),
        "no library names: {err}"
    );

    let slow = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json("{}").set_delay(Duration::from_secs(5)))
        .mount(&slow)
        .await;
    let (code, _, err) = run(gong_privacy(
        &slow,
        &["--timeout", "100ms", "lookup", "email", "a@example.com"],
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no answer within the timeout (raise it with --timeout)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_has_its_own_code_and_names_the_variables() {
    for (message, expected_code, expected) in [
        (
            "invalid key",
            3,
            "error: Gong refused the credentials (401 Unauthorized: invalid key); check \
             GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (or GONG_BEARER_TOKEN)",
        ),
        (
            "missing scope api:data-privacy:read",
            8,
            "error: the credentials lack the scope api:data-privacy:read: missing scope \
             api:data-privacy:read: use an access key that has it (GONG_ACCESS_KEY and \
             GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN with api:data-privacy:read) (Gong \
             requestId r401)",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(gong_error(401, message))
            .mount(&server)
            .await;
        let (code, _, err) = run(gong_privacy(&server, &["lookup", "email", "a@example.com"]));
        assert_eq!(code, expected_code, "{err}");
        assert!(err.starts_with(expected), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_carry_no_colour_codes_off_a_terminal() {
    let server = mock_gong().await;
    let (code, _, err) = run(gong_privacy(
        &server,
        &["-vv", "lookup", "email", "a@example.com"],
    ));
    assert_eq!(code, 0);
    assert!(err.contains("DEBUG"), "{err}");
    assert!(!err.contains('\u{1b}'), "ANSI escape codes in {err:?}");
}

#[test]
fn help_lists_the_exit_codes_and_man_and_completions_render() {
    let (code, out, _) = run(gong_privacy_at("http://127.0.0.1:9", &["--help"]));
    assert_eq!(code, 0);
    for line in [
        "Exit codes:",
        "  0    all done",
        "  3    Gong refused the credentials (401/403), or the OAuth login is unusable",
        "  4    daily budget reached; run the same command again later to continue",
        "  5    declined at the confirmation; nothing was sent or written",
        "  7    the customer must authorise the app again (OAuth invalid_grant): run `gong-privacy auth login`",
        "  8    the credentials lack a scope the command needs (the message names it)",
        "  130  interrupted (Ctrl-C); rerun the same command to resume",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in\n{out}");
    }
    // The budget: the flags, and what happens at it.
    for text in [
        "--daily-budget <N>",
        "[env: GONG_DAILY_BUDGET=]",
        "--quota-store <STORE>",
        "[env: GONG_QUOTA_STORE]",
        "stops at the daily budget (exit code 4)",
    ] {
        assert!(out.contains(text), "{text:?} not in\n{out}");
    }
    let (code, man, _) = run(gong_privacy_at("http://127.0.0.1:9", &["man"]));
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &man[..80.min(man.len())]
    );
    assert!(man.contains(".TH gong-privacy 1"), "{man}");
    assert!(man.contains("daily budget reached"), "{man}");
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, _) = run(gong_privacy_at(
            "http://127.0.0.1:9",
            &["completions", shell],
        ));
        assert_eq!(code, 0);
        assert!(
            script.contains("gong-privacy") && script.contains("dry-run"),
            "{shell}"
        );
    }
}

//! Subjects sent otherwise than written: an email domain valid only after UTS 46 mapping is
//! looked up and erased in its mapped form, and every command that shows the subject says how
//! it was written.

use super::util::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_and_a_dry_run_say_how_a_mapped_address_was_written() {
    let server = mock_gong().await;
    let dir = scratch("spelling-dry");
    let list = dir.join("q.txt");
    std::fs::write(&list, "user@ⓐcme.io\njane@example.com\nuser@ǅungla.hr\n").unwrap();
    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--dry-run"],
    ));
    assert_eq!(code, 0, "{err}");
    let source = list.to_str().unwrap();
    assert!(
        err.contains("2 addresses sent as IDNA maps the domain"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{source}:1: user@acme.io, written as user@ⓐcme.io"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{source}:3: user@džungla.hr, written as user@ǅungla.hr"
        )),
        "{err}"
    );
    assert!(!err.contains("jane@example.com, written as"), "{err}");
    // What is looked up is the mapped form, never the spelling given.
    let mut sent: Vec<String> = requests(&server)
        .await
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        ["jane@example.com", "user@acme.io", "user@džungla.hr"]
    );

    // A meaning-changing mapping is an invalid row, with the reason.
    std::fs::write(&list, "user@acme™.io\njane@example.com\n").unwrap();
    let (_, _, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--dry-run"],
    ));
    assert!(err.contains("1 invalid row"), "{err}");
    assert!(err.contains("IDNA would read as"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_subject_says_how_it_was_written() {
    let server = mock_gong().await;
    let (code, out, err) = run(gong_privacy(&server, &["lookup", "email", "user@ⓐcme.io"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("user@acme.io (written as user@ⓐcme.io): 2 emails"),
        "{out}"
    );
    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "email", "user@ⓐcme.io", "--yes"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Gong holds for user@acme.io (written as user@ⓐcme.io)"),
        "{err}"
    );
    let sent: Vec<(String, String)> = requests(&server).await;
    assert!(sent.iter().all(|(_, q)| q == "user@acme.io"), "{sent:?}");
    assert!(
        sent.iter().any(|(m, _)| m == "POST" || m == "DELETE"),
        "{sent:?}"
    );
}

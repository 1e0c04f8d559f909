//! Running the binary and mocking Gong.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path, query_param_contains};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// A scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with credentials for the mock at `uri`, no terminal on standard input.
pub fn gong_privacy_at(uri: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gong-privacy"));
    for var in [
        "GONG_ACCESS_KEY",
        "GONG_ACCESS_KEY_SECRET",
        "GONG_BEARER_TOKEN",
        "GONG_BASE_URL",
        "GONG_DAILY_BUDGET",
        "GONG_QUOTA_STORE",
        "GONG_CLIENT_ID",
        "GONG_CLIENT_SECRET",
        "GONG_TOKEN_STORE",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    // Each run its own quota (tests of the shared quota name a store), and no OAuth login of
    // the machine's user.
    cmd.env("GONG_QUOTA_STORE", "memory")
        .env(
            "XDG_CONFIG_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-no-config"),
        )
        .env(
            "XDG_STATE_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-no-state"),
        );
    cmd.env("GONG_ACCESS_KEY", "cli-key")
        .env("GONG_ACCESS_KEY_SECRET", "cli-secret")
        .env("GONG_BASE_URL", uri)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

pub fn gong_privacy(server: &MockServer, args: &[&str]) -> Command {
    gong_privacy_at(&server.uri(), args)
}

/// Exit code, standard output, standard error.
pub fn run(mut cmd: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("gong-privacy runs");
    (
        status.code().expect("exited"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// Lookups find something; erasures succeed with requestId `erase-1`.
pub async fn mock_gong() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-email-address"))
        .respond_with(json(
            r#"{"requestId":"look-1","emails":[{"id":"a"},{"id":"b"}],"calls":[{"id":"1"}]}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-phone-number"))
        .respond_with(json(r#"{"requestId":"look-2","calls":[{"id":"1"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"erase-1"}"#))
        .mount(&server)
        .await;
    server
}

/// `(method, query values)` of every request the mock received, in order.
pub async fn requests(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let pairs: Vec<String> = r.url.query_pairs().map(|(_, v)| v.into_owned()).collect();
            (r.method.to_string(), pairs.join("&"))
        })
        .collect()
}

/// The subjects of the erase requests the mock received.
pub async fn erased_subjects(server: &MockServer) -> Vec<String> {
    requests(server)
        .await
        .into_iter()
        .filter(|(m, _)| m == "POST")
        .map(|(_, q)| q)
        .collect()
}

/// Every line of a journal (or of NDJSON output), parsed.
pub fn journal(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The subject records of a journal.
pub fn subject_records(path: &Path) -> Vec<Value> {
    journal(path)
        .into_iter()
        .filter(|r| r["type"] == "subject")
        .collect()
}

/// Parsed NDJSON lines of standard output.
pub fn ndjson(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Gong's error body with `status`, requestId `r<status>`.
pub fn gong_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        format!(r#"{{"requestId":"r{status}","errors":["{message}"]}}"#),
        "application/json",
    )
}

/// Lookups answer that Gong holds nothing (the lookup `erase` makes before each erasure),
/// unless a mock mounted with a higher priority answers them.
pub async fn answer_lookups(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(json(r#"{"requestId":"look-0"}"#))
        .with_priority(10)
        .mount(server)
        .await;
}

/// Erasures succeed after `delay`, except those of subjects containing `fail`: 400, not
/// retried. Lookups find nothing.
pub async fn erasing_gong(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    answer_lookups(&server).await;
    for param in ["emailAddress", "phoneNumber"] {
        Mock::given(method("POST"))
            .and(query_param_contains(param, "fail"))
            .respond_with(gong_error(400, "refused"))
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"ok"}"#).set_delay(delay))
        .mount(&server)
        .await;
    server
}

/// Waits until the journal at `path` has `records` subject records (a running batch made
/// progress), failing after 30 s or if `child` exits first.
pub fn wait_for_records(path: &Path, records: usize, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while journal(path).iter().filter(|r| r["type"] != "run").count() < records {
        assert!(Instant::now() < deadline, "the batch did not progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before the test could act on it"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

//! The contract lane: Stoplight Prism (pinned in package-lock.json) serves a mock of the bundled
//! spec and judges every request independently of our own code. Every operation goes through the
//! SDK with valid inputs under both auth schemes, and any violation Prism reports fails the lane.
//! One test proves the lane can fail.
//!
//! Prism is run from `node_modules/.bin/prism` (`npm ci` at the workspace root). When it is
//! missing the lane fails, loudly: it never skips.
//!
//! Three adaptations, all mechanical: the spec handed to Prism has `/v2` prefixed to its paths
//! (Gong's server URL is `https://api.gong.io/v2`; Prism serves paths from its root); and
//! because Prism, being JavaScript, caps `int64` at 2^53 - 1 while Gong's real ids exceed it, the
//! CRM calls use the integration id from Gong's own example (6286478263646, seed 004) and integer
//! examples above 2^53 - 1 are dropped from the copy (Prism would reject the responses it builds
//! from them). Ids above 2^53 are covered by the request snapshots and the wire tests.

use std::io::Read as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gong_api::types;
use gong_api_ext::{GongClient, RetryConfig};

const INTEGRATION_ID: i64 = 6286478263646;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A Prism mock server on a free loopback port, killed on drop.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    fn start(name: &str) -> Self {
        let root = workspace_root();
        let bin = root.join("node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "the contract lane needs Prism: run `npm ci` at the workspace root (Node.js and npm \
             are required; {} is missing)",
            bin.display()
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract");
        std::fs::create_dir_all(&dir).unwrap();
        let spec_path = dir.join(format!("{name}.json"));
        std::fs::write(&spec_path, v2_spec().to_string()).unwrap();
        let log = dir.join(format!("{name}.log"));
        // The free port is released before Prism takes it, so another process can take it in
        // between (Prism then exits): a new port is tried, twice at most.
        let mut attempt = 1;
        loop {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new(&bin)
                .args(["mock", "--errors", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg(&spec_path)
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&log).unwrap())
                .stderr(Stdio::from(
                    std::fs::File::create(dir.join(format!("{name}.err"))).unwrap(),
                ))
                .spawn()
                .expect("Prism starts");
            let mut prism = Self {
                child,
                port,
                log: log.clone(),
            };
            match prism.wait_until_listening() {
                Ok(()) => return prism,
                Err(exited) if attempt == 3 => panic!("{exited}"),
                Err(_) => attempt += 1,
            }
        }
    }

    /// Waits for Prism to listen; `Err` when it exited first (with its log).
    fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening on port {}:\n{}",
                    self.port,
                    self.log_text()
                ));
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 90 s:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            f.read_to_string(&mut text).unwrap();
        }
        text
    }

    /// Waits until Prism has logged `count` requests and its log has stopped growing (it logs
    /// a request's violations after the request itself), then returns the violation lines.
    fn violations_after(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut previous = String::new();
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let log = self.log_text();
            let received = log.matches("Request received").count();
            let settled = received >= count && log == previous;
            if settled || Instant::now() > deadline {
                assert_eq!(received, count, "requests Prism saw:\n{log}");
                return log
                    .lines()
                    .filter(|l| l.contains("Violation"))
                    .map(str::to_owned)
                    .collect();
            }
            previous = log;
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes integer `example`s JavaScript cannot represent exactly.
fn drop_unsafe_integer_examples(value: &mut serde_json::Value) {
    const MAX_SAFE: u64 = (1 << 53) - 1;
    match value {
        serde_json::Value::Object(map) => {
            if map
                .get("example")
                .and_then(|e| e.as_i64().map(i64::unsigned_abs).or(e.as_u64()))
                .is_some_and(|n| n > MAX_SAFE)
            {
                map.remove("example");
            }
            map.values_mut().for_each(drop_unsafe_integer_examples);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_unsafe_integer_examples),
        _ => {}
    }
}

/// The bundled spec with `/v2` before every path, as Gong's server URL has it, and no integer
/// examples beyond JavaScript's range.
fn v2_spec() -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("openapi/gong-api.yaml")).unwrap();
    let mut spec: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    let paths = spec["paths"].as_object().unwrap().clone();
    spec["paths"] = paths
        .into_iter()
        .map(|(path, item)| (format!("/v2{path}"), item))
        .collect::<serde_json::Map<_, _>>()
        .into();
    drop_unsafe_integer_examples(&mut spec);
    spec
}

fn sdk(prism: &Prism, bearer: bool) -> GongClient {
    let builder = GongClient::builder()
        .base_url(prism.uri())
        // A violation answers 4xx; no retry may hide or repeat it. Prism is not Gong: no pacing.
        .retry(RetryConfig::disabled())
        .no_rate_limit();
    let builder = if bearer {
        builder.bearer_token("contract-lane-token")
    } else {
        builder.basic_auth("contract-lane-key", "contract-lane-secret")
    };
    builder.build().unwrap()
}

/// Sends all 11 operations: the 7 Gong-documented ones through `GongClient`, the 4 deprecated
/// upstream-only ones through its raw client. Returns how many requests were sent.
async fn every_operation(client: &GongClient) -> usize {
    client
        .find_references_by_email("jane@example.com")
        .await
        .unwrap();
    client
        .find_references_by_phone("+1 (425) 555-2671")
        .await
        .unwrap();
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    client.erase_phone_number("+1 425 555 2671").await.unwrap();
    client.list_crm_integrations().await.unwrap();
    let deletion = client.delete_crm_integration(INTEGRATION_ID).await.unwrap();
    client
        .crm_request_status(INTEGRATION_ID, &deletion.client_request_id)
        .await
        .unwrap();

    let raw = client.raw();
    raw.retrieve_email_references("jane@example.com")
        .await
        .unwrap();
    raw.retrieve_phone_references("+14255552671").await.unwrap();
    raw.delete_email_address_data(&types::EmailDeleteRequest {
        email_address: "jane@example.com".into(),
    })
    .await
    .unwrap();
    raw.delete_phone_number_data(&types::PhoneDeleteRequest {
        phone_number: "+14255552671".into(),
    })
    .await
    .unwrap();
    11
}

#[tokio::test]
async fn every_operation_under_both_auth_schemes_satisfies_prism() {
    let prism = Prism::start("valid");
    let mut sent = 0;
    for bearer in [false, true] {
        sent += every_operation(&sdk(&prism, bearer)).await;
    }
    assert_eq!(sent, 22);
    let violations = prism.violations_after(sent);
    assert!(
        violations.is_empty(),
        "Prism reported violations:\n{}",
        violations.join("\n")
    );
}

#[tokio::test]
async fn the_lane_catches_a_malformed_request() {
    let prism = Prism::start("invalid");
    // The raw client does not validate: a malformed email reaches Prism. (Upstream declares
    // `format: email` on this operation's parameter; Gong's documented ones declare a plain
    // string, so the SDK's own validation is what guards those.)
    let client = sdk(&prism, false);
    let err = client
        .raw()
        .retrieve_email_references("not-an-email")
        .await
        .unwrap_err();
    let gong_api::Error::ErrorResponse(response) = err else {
        panic!("expected Prism's error response, got {err:?}");
    };
    assert_eq!(response.status().as_u16(), 400);
    let header = response.headers()["sl-violations"].to_str().unwrap();
    assert!(
        header.contains("emailaddress") && header.contains("format"),
        "{header}"
    );

    // And a request without credentials.
    let bare = gong_api::Client::new(&format!("{}/v2", prism.uri()), gong_api::Inner::default());
    let err = bare.list_generic_crm_integration().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));

    let violations = prism.violations_after(2);
    assert_eq!(violations.len(), 2, "{violations:?}");
    assert!(
        violations[0].contains("must match format \"email\""),
        "{}",
        violations[0]
    );
    assert!(violations[1].contains("security"), "{}", violations[1]);
}

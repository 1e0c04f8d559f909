// Over 500 lines: benchmark groups that must run side by side in one process so their ratios compare.
//! Rate-limit benchmarks at Gong's real numbers, against a loopback server that enforces a
//! strict token bucket of 3 requests per second with **no burst** (a request is admitted only
//! if the bucket holds a whole token; it refills at the rate, up to one token) and answers 429
//! with an integer `Retry-After` (at least 1 s) beyond it, as Gong does. Every scenario runs
//! beside a plain loop that sleeps 340 ms after each call (as some other Gong connectors do;
//! `GongClient` with its limiter off and its default retries, which honour `Retry-After`),
//! against a fresh server, in the same run.
//!
//! ```sh
//! cargo build --release -p gong-privacy   # for the scenarios that run the CLI
//! cargo bench -p gong-api-ext --bench bulk --features file-store,redis
//! cargo bench -p gong-api-ext --bench bulk --features file-store,redis -- storm   # one scenario
//! ```
//!
//! 1. utilisation: one process, N erasures, at L = 0 and L = 150 ms of server latency.
//!    Reported: the rate the server admitted requests at (first to last arrival) / 3, the
//!    429s, and the calls that failed.
//! 2. storm: another integration of the company takes one third of the quota, drawn evenly
//!    (the server's bucket refills at 3/s and loses 1 token/s to it), so the optimum is N / 2
//!    per second. Reported: total time / that optimum, 429s per request sent, failures.
//! 3. file store: two processes on one machine sharing `QuotaStore::local`-style file store,
//!    N/2 erasures each. Reported: aggregate admitted rate / 3, time / optimum, 429s, failures.
//!    With the CLI built (`cargo build --release -p gong-privacy`), also two `gong-privacy
//!    erase --from` processes (the CLI, with its default local file store and its lookup before each erasure: 2 calls a subject), N/2
//!    each, against the same kind of server; its optimum counts the calls.
//! 4. Redis: three processes sharing one `redis-server` (started here on loopback), N/3 each.
//! 5. overhead: sequential calls through `GongClient` (limiter off) against the same request
//!    made with bare `reqwest`, interleaved in alternating rounds. Reported: median per-call
//!    time of each and their ratio.
//!
//! 6. slow disk (the CLI built as above): one `gong-privacy erase --from` whose journal fsyncs take
//!    50 ms longer (the CLI's hidden `GONG_PRIVACY_SLOW_FSYNC` seam), its journal written by
//!    the writer thread (group commit) beside the same run writing on the sending task
//!    (`GONG_PRIVACY_INLINE_JOURNAL=1`), with and without the lookup before each erasure.
//!    Reported: the rate the server admitted requests at / 3.
//!
//! The worker processes of 3 and 4 are this binary, run again with `--worker`.

#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gong_api_ext::{BulkOptions, BulkStatus, GongClient, QuotaStore, RateLimitConfig};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// Gong's limit.
const RATE: f64 = 3.0;
/// The plain loop's sleep after each call.
const SLEEP_LOOP: Duration = Duration::from_millis(340);

/// What the loopback server enforces.
#[derive(Clone, Copy)]
struct Limits {
    /// Requests per second; `None` for no limit.
    rate: Option<f64>,
    /// Tokens per second another integration takes (evenly).
    drain: f64,
    latency: Duration,
}

#[derive(Default)]
struct Stats {
    admitted: Vec<Instant>,
    rejected: u64,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

struct Server {
    addr: SocketAddr,
    stats: Arc<Mutex<Stats>>,
}

impl Server {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn take_stats(&self) -> Stats {
        std::mem::take(&mut *self.stats.lock().unwrap())
    }
}

async fn start_server(limits: Limits) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = Arc::new(Mutex::new(Stats::default()));
    let bucket = Arc::new(Mutex::new(Bucket {
        tokens: 1.0,
        last: Instant::now(),
    }));
    let counter = Arc::new(AtomicU64::new(0));
    let server_stats = stats.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (stats, bucket, counter) = (server_stats.clone(), bucket.clone(), counter.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_req: Request<Incoming>| {
                    let (stats, bucket, counter) = (stats.clone(), bucket.clone(), counter.clone());
                    async move { Ok::<_, Infallible>(answer(limits, &stats, &bucket, &counter).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Server { addr, stats }
}

async fn answer(
    limits: Limits,
    stats: &Mutex<Stats>,
    bucket: &Mutex<Bucket>,
    counter: &AtomicU64,
) -> Response<Full<Bytes>> {
    let now = Instant::now();
    let wait = limits.rate.and_then(|rate| {
        let mut b = bucket.lock().unwrap();
        let refill = now.duration_since(b.last).as_secs_f64() * (rate - limits.drain);
        b.tokens = (b.tokens + refill).min(1.0);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            None
        } else {
            Some((1.0 - b.tokens) / (rate - limits.drain))
        }
    });
    {
        let mut s = stats.lock().unwrap();
        match wait {
            None => s.admitted.push(now),
            Some(_) => s.rejected += 1,
        }
    }
    if !limits.latency.is_zero() {
        tokio::time::sleep(limits.latency).await;
    }
    match wait {
        None => {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(format!(
                    r#"{{"requestId":"bench-{n}"}}"#
                ))))
                .unwrap()
        }
        Some(seconds) => Response::builder()
            .status(429)
            .header("content-type", "application/json")
            // Gong's Retry-After is whole seconds.
            .header("retry-after", (seconds.ceil() as u64).max(1).to_string())
            .body(Full::new(Bytes::from_static(
                br#"{"requestId":"bench-429","errors":["API request limit exceeded"]}"#,
            )))
            .unwrap(),
    }
}

fn subjects(tag: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{tag}-{i}@example.com")).collect()
}

/// How a run sends its erasures.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Sender {
    /// `GongClient::erase_many` with the limiter on (Gong's defaults, no daily budget).
    Sdk,
    /// One call at a time through `GongClient` with the limiter off, then a 340 ms sleep.
    SleepLoop,
}

impl Sender {
    fn name(self) -> &'static str {
        match self {
            Self::Sdk => "GongClient",
            Self::SleepLoop => "340-ms sleep loop",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "sdk" => Self::Sdk,
            _ => Self::SleepLoop,
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Self::Sdk => "sdk",
            Self::SleepLoop => "sleep",
        }
    }
}

fn client(url: &str, sender: Sender, store: Option<QuotaStore>) -> GongClient {
    let builder = GongClient::builder()
        .base_url(url)
        .basic_auth("bench-key", "bench-secret");
    let builder = match sender {
        Sender::Sdk => builder.rate_limit(RateLimitConfig {
            daily_budget: None,
            ..RateLimitConfig::default()
        }),
        Sender::SleepLoop => builder.no_rate_limit(),
    };
    match store {
        Some(store) => builder.quota_store(store),
        None => builder,
    }
    .build()
    .unwrap()
}

/// Sends `n` erasures as `sender` does; returns how many failed.
async fn send(
    url: &str,
    sender: Sender,
    store: Option<QuotaStore>,
    tag: &str,
    n: usize,
    latency: Duration,
) -> usize {
    let client = client(url, sender, store);
    match sender {
        Sender::Sdk => {
            // Concurrency only hides latency: rate × latency, doubled, plus a margin.
            let concurrency = (RATE * latency.as_secs_f64() * 2.0).ceil() as usize + 4;
            let outcomes: Vec<_> = client
                .erase_many(
                    subjects(tag, n),
                    BulkOptions {
                        concurrency,
                        on_progress: None,
                    },
                )
                .collect()
                .await;
            assert_eq!(outcomes.len(), n, "one outcome per subject");
            outcomes
                .iter()
                .filter(|o| !matches!(o.status, BulkStatus::Done(_)))
                .count()
        }
        Sender::SleepLoop => {
            let mut failed = 0;
            for subject in subjects(tag, n) {
                if client.erase_email_address(subject).await.is_err() {
                    failed += 1;
                }
                tokio::time::sleep(SLEEP_LOOP).await;
            }
            failed
        }
    }
}

struct Run {
    elapsed: Duration,
    failed: usize,
    stats: Stats,
}

/// Admitted requests per second, from the first admission to the last.
fn admitted_rate(admitted: &[Instant]) -> f64 {
    let (Some(first), Some(last)) = (admitted.iter().min(), admitted.iter().max()) else {
        return 0.0;
    };
    (admitted.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
}

fn pct(part: u64, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

async fn in_process(limits: Limits, sender: Sender, n: usize) -> Run {
    let server = start_server(limits).await;
    let start = Instant::now();
    let failed = send(&server.url(), sender, None, "s", n, limits.latency).await;
    Run {
        elapsed: start.elapsed(),
        failed,
        stats: server.take_stats(),
    }
}

async fn utilisation(latency_ms: u64, n: usize) -> Vec<String> {
    let limits = Limits {
        rate: Some(RATE),
        drain: 0.0,
        latency: Duration::from_millis(latency_ms),
    };
    let mut rows = Vec::new();
    for sender in [Sender::Sdk, Sender::SleepLoop] {
        let run = in_process(limits, sender, n).await;
        let sent = run.stats.admitted.len() + run.stats.rejected as usize;
        rows.push(format!(
            "| utilisation, L={latency_ms} ms | {} | N={n} | admitted rate / 3 = {:.3}; time / optimum ({:.0} s) = {:.2} | 429s: {} ({:.1} % of {sent} sent); failed: {} |",
            sender.name(),
            admitted_rate(&run.stats.admitted) / RATE,
            n as f64 / RATE,
            run.elapsed.as_secs_f64() / (n as f64 / RATE),
            run.stats.rejected,
            pct(run.stats.rejected, sent),
            run.failed,
        ));
    }
    rows
}

async fn storm(n_sdk: usize, n_loop: usize) -> Vec<String> {
    let limits = Limits {
        rate: Some(RATE),
        drain: RATE / 3.0,
        latency: Duration::from_millis(20),
    };
    let share = RATE - limits.drain;
    let mut rows = Vec::new();
    for (sender, n) in [(Sender::Sdk, n_sdk), (Sender::SleepLoop, n_loop)] {
        let run = in_process(limits, sender, n).await;
        let sent = run.stats.admitted.len() + run.stats.rejected as usize;
        let optimum = n as f64 / share;
        rows.push(format!(
            "| storm: another integration takes 1/s of 3/s, L=20 ms | {} | N={n} | time / optimum ({optimum:.0} s) = {:.2} | 429s: {} ({:.1} % of {sent} sent); failed: {} |",
            sender.name(),
            run.elapsed.as_secs_f64() / optimum,
            run.stats.rejected,
            pct(run.stats.rejected, sent),
            run.failed,
        ));
    }
    rows
}

/// `processes` workers of this binary, sharing `store` (a spec) when the sender is the SDK.
async fn processes(label: &str, store: &str, processes: usize, n_each: usize) -> Vec<String> {
    let mut rows = Vec::new();
    for sender in [Sender::Sdk, Sender::SleepLoop] {
        let server = start_server(Limits {
            rate: Some(RATE),
            drain: 0.0,
            latency: Duration::ZERO,
        })
        .await;
        let start = Instant::now();
        let workers: Vec<_> = (0..processes)
            .map(|i| {
                Command::new(std::env::current_exe().unwrap())
                    .args(["--worker", sender.arg(), &server.url(), store])
                    .arg(format!("p{i}"))
                    .arg(n_each.to_string())
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut failed = 0;
        for worker in workers {
            let output = tokio::task::spawn_blocking(|| worker.wait_with_output())
                .await
                .unwrap()
                .unwrap();
            assert!(output.status.success(), "a worker failed");
            failed += String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse::<usize>()
                .unwrap();
        }
        let elapsed = start.elapsed();
        let stats = server.take_stats();
        let n = processes * n_each;
        let sent = stats.admitted.len() + stats.rejected as usize;
        rows.push(format!(
            "| {label} | {} × {processes} processes | N={n} ({n_each} each) | aggregate admitted rate / 3 = {:.3}; time / optimum ({:.0} s) = {:.2} | 429s: {} ({:.1} % of {sent} sent); failed: {} |",
            sender.name(),
            admitted_rate(&stats.admitted) / RATE,
            n as f64 / RATE,
            elapsed.as_secs_f64() / (n as f64 / RATE),
            stats.rejected,
            pct(stats.rejected, sent),
            failed,
        ));
    }
    rows
}

/// The `gong-privacy` binary (its own crate since the split): `GONG_PRIVACY_BIN`, or the one
/// `cargo build --release -p gong-privacy` put beside this benchmark's target directory.
fn gong_privacy_binary() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("GONG_PRIVACY_BIN") {
        return Some(path.into());
    }
    // target/release/deps/bulk-HASH -> target/release/gong-privacy
    let exe = std::env::current_exe().ok()?;
    let binary = exe.parent()?.parent()?.join("gong-privacy");
    binary.is_file().then_some(binary)
}

/// A fresh scratch directory and a fresh server at Gong's limit, for a run of the CLI.
async fn cli_scratch(name: &str) -> (std::path::PathBuf, Server) {
    let dir = std::env::temp_dir().join(format!("gong-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = start_server(Limits {
        rate: Some(RATE),
        drain: 0.0,
        latency: Duration::ZERO,
    })
    .await;
    (dir, server)
}

/// `gong-privacy erase --from FILE --yes` against the server at `url`, quiet.
fn cli_erase(binary: &str, url: &str, file: &std::path::Path) -> Command {
    let mut command = Command::new(binary);
    command
        .args(["erase", "--from"])
        .arg(file)
        .arg("--yes")
        .env("GONG_ACCESS_KEY", "bench-key")
        .env("GONG_ACCESS_KEY_SECRET", "bench-secret")
        .env("GONG_BASE_URL", url)
        .env_remove("GONG_BEARER_TOKEN")
        .env_remove("GONG_PRIVACY_SLOW_FSYNC")
        .env_remove("GONG_PRIVACY_INLINE_JOURNAL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// One `gong-privacy erase --from FILE` of `n` subjects on a slow disk (each journal fsync
/// made 50 ms longer through the CLI's hidden seam), with its journal written by the writer
/// thread (`inline: false`) or on the sending task as before it (`inline: true`), each against
/// a fresh server. `preview: false` sends one call a subject, so three records a second: the
/// most fsyncs the rate allows.
async fn slow_disk(n: usize, preview: bool, inline: bool) -> String {
    let binary = gong_privacy_binary()
        .expect("the slow-disk scenario needs `cargo build --release -p gong-privacy` first");
    let binary = binary.to_str().unwrap();
    let (dir, server) = cli_scratch(&format!("disk-{preview}-{inline}")).await;
    let file = dir.join("q.txt");
    std::fs::write(&file, subjects("disk", n).join("\n")).unwrap();
    let mut command = cli_erase(binary, &server.url(), &file);
    command
        .args(["--quota-store", "memory"])
        .env("GONG_PRIVACY_SLOW_FSYNC", "50ms");
    if !preview {
        command.arg("--no-preview");
    }
    if inline {
        command.env("GONG_PRIVACY_INLINE_JOURNAL", "true");
    }
    let status = tokio::task::spawn_blocking(move || command.status())
        .await
        .unwrap()
        .unwrap();
    let stats = server.take_stats();
    let calls = stats.admitted.len();
    let _ = std::fs::remove_dir_all(&dir);
    format!(
        "| slow disk (fsync + 50 ms) | gong-privacy CLI, journal {} | N={n} ({}: {calls} calls) | admitted rate / 3 = {:.4} | 429s: {}; exit code {} |",
        if inline {
            "on the sending task (before)"
        } else {
            "by the writer thread (group commit)"
        },
        if preview {
            "a lookup and an erasure each"
        } else {
            "--no-preview, one erasure each"
        },
        admitted_rate(&stats.admitted) / RATE,
        stats.rejected,
        status.code().unwrap_or(-1),
    )
}

/// Two `gong-privacy erase --from FILE` processes (built with `cargo build --release -p gong-privacy`) sharing a
/// local file store: the command a person runs twice at once on one machine.
async fn cli_processes(processes: usize, n_each: usize) -> Vec<String> {
    let Some(binary) = gong_privacy_binary() else {
        return vec!["| file store, one machine | gong-privacy CLI | - | not run: needs `cargo build --release -p gong-privacy` | - |".into()];
    };
    let binary = binary.to_str().unwrap();
    let (dir, server) = cli_scratch("cli").await;
    let start = Instant::now();
    let children: Vec<_> = (0..processes)
        .map(|i| {
            let file = dir.join(format!("p{i}.txt"));
            std::fs::write(&file, subjects(&format!("cli{i}"), n_each).join("\n")).unwrap();
            cli_erase(binary, &server.url(), &file)
                .args(["--quota-store"])
                .arg(format!("local:{}", dir.join("quota").display()))
                .spawn()
                .unwrap()
        })
        .collect();
    let mut failed = 0;
    for child in children {
        let status = tokio::task::spawn_blocking(|| child.wait_with_output())
            .await
            .unwrap()
            .unwrap()
            .status;
        // Exit code 1: some subjects failed (their lines are in the journal).
        failed += usize::from(!status.success());
    }
    let elapsed = start.elapsed();
    let stats = server.take_stats();
    let n = processes * n_each;
    // The CLI looks each subject up before erasing it (its default): the optimum is the calls
    // it needs at 3/s, not the subjects.
    let calls = stats.admitted.len();
    let sent = calls + stats.rejected as usize;
    let _ = std::fs::remove_dir_all(&dir);
    vec![format!(
        "| file store, one machine | gong-privacy CLI × {processes} processes | N={n} ({n_each} each; a lookup and an erasure each: {calls} calls) | aggregate admitted rate / 3 = {:.3}; time / optimum ({:.0} s) = {:.2} | 429s: {} ({:.1} % of {sent} sent); processes with failures: {failed} |",
        admitted_rate(&stats.admitted) / RATE,
        calls as f64 / RATE,
        elapsed.as_secs_f64() / (calls as f64 / RATE),
        stats.rejected,
        pct(stats.rejected, sent),
    )]
}

/// A worker process: `--worker sdk|sleep URL STORE TAG N`; prints how many calls failed.
async fn worker(args: &[String]) {
    let [sender, url, store, tag, n] = args else {
        panic!("--worker sdk|sleep URL STORE TAG N");
    };
    let sender = Sender::parse(sender);
    let store = (sender == Sender::Sdk).then(|| QuotaStore::from_spec(store).unwrap());
    let failed = send(url, sender, store, tag, n.parse().unwrap(), Duration::ZERO).await;
    println!("{failed}");
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Receipt {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
}

/// One way of making the overhead scenario's call.
enum Caller {
    Sdk(GongClient),
    Bare(reqwest::Client),
}

impl Caller {
    async fn call(&self, url: &str, email: &str) {
        match self {
            Self::Sdk(client) => {
                client.erase_email_address(email).await.unwrap();
            }
            Self::Bare(client) => {
                let response = client
                    .post(url)
                    .query(&[("emailAddress", email)])
                    .basic_auth("bench-key", Some("bench-secret"))
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap();
                let receipt: Receipt = response.json().await.unwrap();
                std::hint::black_box(receipt);
            }
        }
    }
}

async fn overhead(rounds: usize, per_round: usize) -> Vec<String> {
    let server = start_server(Limits {
        rate: None,
        drain: 0.0,
        latency: Duration::ZERO,
    })
    .await;
    let url = format!(
        "{}/v2/data-privacy/erase-data-for-email-address",
        server.url()
    );
    let sdk = |builder: gong_api_ext::GongClientBuilder| {
        Caller::Sdk(
            builder
                .base_url(server.url())
                .basic_auth("bench-key", "bench-secret")
                .no_rate_limit()
                .build()
                .unwrap(),
        )
    };
    // The SDK as configured by default (a 30 s timeout on every attempt), the SDK without
    // it, and bare reqwest without and with the same timeout.
    let callers = [
        ("GongClient", sdk(GongClient::builder())),
        (
            "GongClient, no timeout",
            sdk(GongClient::builder().no_timeout()),
        ),
        ("bare reqwest", Caller::Bare(reqwest::Client::new())),
        (
            "bare reqwest, 30 s timeout",
            Caller::Bare(
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap(),
            ),
        ),
    ];
    async fn round(caller: &Caller, url: &str, per_round: usize) -> Duration {
        let start = Instant::now();
        for _ in 0..per_round {
            caller.call(url, "jane@example.com").await;
        }
        start.elapsed() / per_round as u32
    }
    // Warm every caller up (connections, allocations).
    for (_, caller) in &callers {
        round(caller, &url, per_round).await;
    }
    let mut times = vec![Vec::new(); callers.len()];
    for r in 0..rounds {
        // Rotate the order so drift on a shared machine hits all alike.
        for k in 0..callers.len() {
            let i = (r + k) % callers.len();
            times[i].push(round(&callers[i].1, &url, per_round).await);
        }
    }
    let medians: Vec<Duration> = times
        .into_iter()
        .map(|mut v| {
            v.sort();
            v[v.len() / 2]
        })
        .collect();
    let row = |a: usize, b: usize| {
        format!(
            "| overhead | {} vs {} | {rounds} rotating rounds × {per_round} sequential calls | {:.1} µs vs {:.1} µs per call | ratio {:.3} |",
            callers[a].0,
            callers[b].0,
            medians[a].as_secs_f64() * 1e6,
            medians[b].as_secs_f64() * 1e6,
            medians[a].as_secs_f64() / medians[b].as_secs_f64(),
        )
    };
    vec![row(0, 2), row(1, 2), row(0, 3)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--worker") {
        return worker(&args[at + 1..]).await;
    }
    // `cargo bench` passes `--bench`; any other argument picks the scenarios whose name
    // contains it.
    let filter: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let mut rows = Vec::new();
    if wanted("utilisation") {
        rows.extend(utilisation(0, 60).await);
        rows.extend(utilisation(150, 60).await);
    }
    if wanted("storm") {
        rows.extend(storm(300, 30).await);
    }
    if wanted("file") {
        let dir = std::env::temp_dir().join(format!("gong-bench-quota-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spec = format!("local:{}", dir.display());
        rows.extend(processes("file store, one machine", &spec, 2, 30).await);
        let _ = std::fs::remove_dir_all(&dir);
        rows.extend(cli_processes(2, 30).await);
    }
    if wanted("redis") {
        let redis = redis_server::RedisServer::start(None);
        rows.extend(processes("Redis", &redis.url(), 3, 20).await);
    }
    if wanted("slow-disk") {
        // Side by side in one run: the writer thread, then inline, each mode with and without
        // the lookups.
        for (n, preview) in [(90, false), (45, true)] {
            for inline in [false, true] {
                rows.push(slow_disk(n, preview, inline).await);
            }
        }
    }
    if wanted("overhead") {
        rows.extend(overhead(21, 300).await);
    }
    println!("command: cargo bench -p gong-api-ext --bench bulk --features file-store,redis");
    println!("| scenario | sender | size | result | 429s, failures |");
    println!("| --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}

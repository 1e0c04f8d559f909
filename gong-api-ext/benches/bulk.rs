//! Bulk-erasure benchmarks against a loopback server that enforces a token-bucket limit of R
//! requests per second (burst 5) and adds L ms of latency to every answer, as Gong does
//! (429 with an integer `Retry-After` beyond the limit).
//!
//! ```sh
//! cargo bench -p gong-api-ext --bench bulk
//! ```
//!
//! 1. Utilisation: N erasures with the client configured at the server's limit, at L = 0 and
//!    L = 150 ms. Reported: the rate the server admitted requests at / R (from first to last
//!    arrival), the end-to-end rate / R, and the 429s received.
//! 2. 429 storm: the server allows half the client's configured rate. Reported: total time /
//!    the optimum N / R_server, and 429s per completed erasure.
//! 3. Overhead: sequential calls through `GongClient` (limiter off) against the same request
//!    made with bare `reqwest` (same URL, query, auth header, JSON decoding), interleaved in
//!    alternating rounds in one run. Reported: median per-call time of each and their ratio.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gong_api_ext::{BulkOptions, BulkStatus, GongClient, RateLimitConfig, RetryConfig};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// What the loopback server enforces.
#[derive(Clone, Copy)]
struct Limits {
    /// Requests per second; `None` for no limit.
    rate: Option<f64>,
    burst: f64,
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

async fn start_server(limits: Limits) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = Arc::new(Mutex::new(Stats::default()));
    let bucket = Arc::new(Mutex::new(Bucket {
        tokens: limits.burst,
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
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(limits.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            None
        } else {
            Some((1.0 - b.tokens) / rate)
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

fn subjects(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("subject-{i}@example.com")).collect()
}

fn client(server: &Server, rate: Option<RateLimitConfig>, retry: RetryConfig) -> GongClient {
    let builder = GongClient::builder()
        .base_url(format!("http://{}", server.addr))
        .basic_auth("bench-key", "bench-secret")
        .retry(retry);
    match rate {
        Some(config) => builder.rate_limit(config),
        None => builder.no_rate_limit(),
    }
    .build()
    .unwrap()
}

struct BulkRun {
    elapsed: Duration,
    erased: usize,
    failed: usize,
    admitted: Vec<Instant>,
    rejected: u64,
}

async fn bulk(
    limits: Limits,
    client_rate: f64,
    n: usize,
    concurrency: usize,
    retry: RetryConfig,
) -> BulkRun {
    let server = start_server(limits).await;
    let client = client(
        &server,
        Some(RateLimitConfig {
            requests_per_second: client_rate,
            daily_budget: None,
            ..RateLimitConfig::default()
        }),
        retry,
    );
    let start = Instant::now();
    let outcomes: Vec<_> = client
        .erase_many(
            subjects(n),
            BulkOptions {
                concurrency,
                on_progress: None,
            },
        )
        .collect()
        .await;
    let elapsed = start.elapsed();
    let erased = outcomes
        .iter()
        .filter(|o| matches!(o.status, BulkStatus::Done(_)))
        .count();
    assert_eq!(outcomes.len(), n, "one outcome per subject");
    let stats = std::mem::take(&mut *server.stats.lock().unwrap());
    BulkRun {
        elapsed,
        erased,
        failed: n - erased,
        admitted: stats.admitted,
        rejected: stats.rejected,
    }
}

/// Admitted requests per second, from the first admission to the last.
fn admitted_rate(admitted: &[Instant]) -> f64 {
    let (Some(first), Some(last)) = (admitted.iter().min(), admitted.iter().max()) else {
        return 0.0;
    };
    (admitted.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
}

async fn utilisation(rate: f64, latency_ms: u64, n: usize) -> String {
    let latency = Duration::from_millis(latency_ms);
    // Concurrency only hides latency: rate × latency, doubled, plus a margin.
    let concurrency = (rate * latency.as_secs_f64() * 2.0).ceil() as usize + 4;
    let run = bulk(
        Limits {
            rate: Some(rate),
            burst: 5.0,
            latency,
        },
        rate,
        n,
        concurrency,
        RetryConfig::default(),
    )
    .await;
    format!(
        "| utilisation | R={rate:.0}/s, L={latency_ms} ms, N={n}, concurrency {concurrency} | admitted rate / R = {:.3}; end-to-end rate / R = {:.3} | 429s: {}; failed: {} |",
        admitted_rate(&run.admitted) / rate,
        n as f64 / run.elapsed.as_secs_f64() / rate,
        run.rejected,
        run.failed,
    )
}

async fn storm(client_rate: f64, server_rate: f64, n: usize) -> String {
    let run = bulk(
        Limits {
            rate: Some(server_rate),
            burst: 5.0,
            latency: Duration::from_millis(20),
        },
        client_rate,
        n,
        16,
        RetryConfig {
            max_attempts: 20,
            ..RetryConfig::default()
        },
    )
    .await;
    let optimum = n as f64 / server_rate;
    format!(
        "| 429 storm | client {client_rate:.0}/s vs server {server_rate:.0}/s, L=20 ms, N={n} | time / optimum ({optimum:.1} s) = {:.2} | 429s per erasure: {:.3}; failed: {} |",
        run.elapsed.as_secs_f64() / optimum,
        run.rejected as f64 / run.erased.max(1) as f64,
        run.failed,
    )
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Receipt {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
}

async fn overhead(rounds: usize, per_round: usize) -> String {
    let server = start_server(Limits {
        rate: None,
        burst: 1.0,
        latency: Duration::ZERO,
    })
    .await;
    let sdk = client(&server, None, RetryConfig::default());
    let bare = reqwest::Client::new();
    let url = format!(
        "http://{}/v2/data-privacy/erase-data-for-email-address",
        server.addr
    );
    let email = "jane@example.com";

    let run_sdk = || async {
        let start = Instant::now();
        for _ in 0..per_round {
            sdk.erase_email_address(email).await.unwrap();
        }
        start.elapsed() / per_round as u32
    };
    let run_bare = || async {
        let start = Instant::now();
        for _ in 0..per_round {
            let response = bare
                .post(&url)
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
        start.elapsed() / per_round as u32
    };
    // Warm both up (connections, allocations).
    run_sdk().await;
    run_bare().await;
    let (mut sdk_times, mut bare_times) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate the order so drift on a shared machine hits both alike.
        if round % 2 == 0 {
            sdk_times.push(run_sdk().await);
            bare_times.push(run_bare().await);
        } else {
            bare_times.push(run_bare().await);
            sdk_times.push(run_sdk().await);
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (s, b) = (median(&mut sdk_times), median(&mut bare_times));
    format!(
        "| overhead | {rounds} alternating rounds × {per_round} sequential calls, limiter off | GongClient {:.1} µs vs bare reqwest {:.1} µs per call | ratio {:.3} |",
        s.as_secs_f64() * 1e6,
        b.as_secs_f64() * 1e6,
        s.as_secs_f64() / b.as_secs_f64(),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; a name filter is not supported, everything runs.
    let rows = vec![
        utilisation(100.0, 0, 500).await,
        utilisation(100.0, 150, 500).await,
        storm(100.0, 50.0, 300).await,
        overhead(21, 300).await,
    ];
    println!("command: cargo bench -p gong-api-ext --bench bulk");
    println!("| scenario | setup | result | 429s / notes |");
    println!("| --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}

//! The shared budget on Redis as teams run it, on real servers the tests start
//! (`gong-api-ext/tests/support/redis_server.rs`): one server, a 3-master Redis Cluster, a
//! TLS-only cluster, TLS with an ACL user whose password comes from `GONG_REDIS_PASSWORD`, and a
//! server restarted mid-run. Without `redis-server`, `redis-cli` or `openssl` they fail.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[path = "../../../gong-api-ext/tests/support/redis_server.rs"]
mod redis_server;

use redis_server::{RedisCluster, RedisServer, Setup};

use crate::quota_shared::{batch, sent, subjects, three_batches_erase_15};
use crate::util::{gong_privacy, mock_gong, requests, run, scratch, subject_records};

#[tokio::test(flavor = "multi_thread")]
async fn three_processes_on_one_redis_erase_15_subjects_with_30_calls() {
    let redis = RedisServer::start(None);
    three_batches_erase_15(&redis.url(), "shared-redis", &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn three_processes_on_a_redis_cluster_erase_15_subjects_with_30_calls() {
    let cluster = RedisCluster::start();
    three_batches_erase_15(&cluster.url(), "shared-cluster", &[]).await;
}

/// A cluster whose nodes speak TLS only (`rediss+cluster://…?ca=`): one batch's subjects, each
/// looked up and erased through it.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_paces_through_a_tls_redis_cluster() {
    let cluster = RedisCluster::start_tls();
    let server = mock_gong().await;
    let dir = scratch("tls-cluster");
    let file = subjects(&dir, "t", 4);
    let (code, _, err) = run(batch(&server, &file, &cluster.url(), "20"));
    assert_eq!(code, 0, "{err}");
    let (lookups, erasures) = sent(&server).await;
    assert_eq!((lookups.len(), erasures.len()), (4, 4), "{err}");
    // The day's 8 calls are counted in the cluster: a run with a budget of 8 sends nothing.
    let more = subjects(&dir, "u", 1);
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            &more,
            "--yes",
            "--daily-budget",
            "8",
            "--quota-store",
            &cluster.url(),
        ],
    ));
    assert_eq!(code, 4, "{err}");
    assert_eq!(requests(&server).await.len(), 8);
}

const ACL_PASSWORD: &str = "acl-pw-5e5a1b";

fn tls_acl_redis() -> RedisServer {
    RedisServer::start_with(Setup {
        tls: true,
        acl_user: Some(("quota".into(), ACL_PASSWORD.into())),
        ..Setup::default()
    })
}

/// TLS with the test's own CA (`?ca=`), an ACL user whose password comes from
/// `GONG_REDIS_PASSWORD`: the same 15 out of 30, and the password shown nowhere, even at -vv.
#[tokio::test(flavor = "multi_thread")]
async fn three_processes_on_a_tls_redis_as_an_acl_user_erase_15_subjects_with_30_calls() {
    let redis = tls_acl_redis();
    let store = format!(
        "rediss://quota@127.0.0.1:{}/0?ca={}",
        redis.port(),
        redis.ca_certificate().display()
    );
    let stderr = three_batches_erase_15(
        &store,
        "shared-tls",
        &[("GONG_REDIS_PASSWORD", ACL_PASSWORD)],
    )
    .await;
    assert!(!stderr.contains(ACL_PASSWORD), "{stderr}");
}

/// A wrong password, a CA the server's certificate does not chain to, a user without the
/// password: each a clear failure before any call to Gong, and no password in any output.
#[tokio::test(flavor = "multi_thread")]
async fn a_tls_acl_redis_refuses_wrong_credentials_and_never_shows_a_password() {
    let redis = tls_acl_redis();
    let server = mock_gong().await;
    let dir = scratch("tls-refusals");
    let file = subjects(&dir, "r", 2);
    let ca = redis.ca_certificate().display().to_string();
    let port = redis.port();
    let wrong = "wrong-pw-77c1";
    let other_ca = dir.join("other-ca.pem");
    let cases = [
        (
            format!("rediss://quota:{wrong}@127.0.0.1:{port}/0?ca={ca}"),
            None,
        ),
        (
            format!("rediss://quota@127.0.0.1:{port}/0?ca={ca}"),
            Some(wrong),
        ),
        (format!("rediss://quota@127.0.0.1:{port}/0?ca={ca}"), None),
        (
            format!(
                "rediss://quota@127.0.0.1:{port}/0?ca={}",
                other_ca.display()
            ),
            Some(ACL_PASSWORD),
        ),
    ];
    // A CA of its own, which did not sign the server's certificate.
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-keyout"])
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .args(["-days", "1", "-subj", "/CN=another CA"])
        .output()
        .expect("openssl runs");
    assert!(made.status.success());
    for (store, password) in cases {
        let mut cmd = gong_privacy(
            &server,
            &[
                "-vv",
                "erase",
                "--from",
                &file,
                "--yes",
                "--quota-store",
                &store,
            ],
        );
        if let Some(password) = password {
            cmd.env("GONG_REDIS_PASSWORD", password);
        }
        let (code, out, err) = run(cmd);
        assert_ne!(code, 0, "{store}: {err}");
        assert!(err.contains("Redis quota store"), "{store}: {err}");
        for secret in [wrong, ACL_PASSWORD] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{store}: {out}{err}"
            );
        }
    }
    assert!(
        requests(&server).await.is_empty(),
        "nothing is sent without the store"
    );
}

/// Redis killed and started again on the same port while two batches run (with its append-only
/// file, as a quota store should be run: the count and the reservations survive). While it is
/// down the batches send nothing (the store fails closed: those subjects fail, not sent); the
/// reruns then settle them while the budget lasts. In all: at most the 30 calls of the budget,
/// nobody erased twice, every erasure journaled.
#[tokio::test(flavor = "multi_thread")]
async fn a_redis_restarted_mid_run_keeps_the_budget_and_erases_nobody_twice() {
    let mut redis = RedisServer::start_with(Setup {
        persist: true,
        ..Setup::default()
    });
    let server = mock_gong().await;
    let dir = scratch("redis-restart");
    let store = redis.url();
    let files = [subjects(&dir, "x", 10), subjects(&dir, "y", 10)];
    let mut children: Vec<_> = files
        .iter()
        .map(|f| batch(&server, f, &store, "3").spawn().unwrap())
        .collect();
    crate::util::wait_for_records(
        Path::new(&format!("{}.journal.jsonl", files[0])),
        3,
        &mut children[0],
    );
    redis.kill();
    let before = requests(&server).await.len();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        requests(&server).await.len(),
        before,
        "nothing is sent while the store is down"
    );
    redis.restart();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            [0, 1, 4].contains(&output.status.code().unwrap()),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The reruns settle what failed while Redis was down (and defer what the budget cannot
    // pay for).
    for file in &files {
        let (code, _, err) = run(batch(&server, file, &store, "3"));
        assert!([0, 4].contains(&code), "{err}");
    }
    let (lookups, erasures) = sent(&server).await;
    assert!(
        lookups.len() + erasures.len() <= 30,
        "over the budget: {lookups:?} {erasures:?}"
    );
    let unique: BTreeSet<_> = erasures.iter().collect();
    assert_eq!(unique.len(), erasures.len(), "erased twice: {erasures:?}");
    assert!(erasures.len() >= 5, "{erasures:?}");
    // Every subject ends erased, deferred, or failed with nothing sent for its erasure (the
    // store was down: a lookup made before the kill is then spent without it; the budget keeps
    // counting it).
    let mut erased = 0;
    for file in &files {
        let mut latest = std::collections::HashMap::new();
        for record in subject_records(Path::new(&format!("{file}.journal.jsonl"))) {
            latest.insert(record["subject"].to_string(), record);
        }
        assert_eq!(latest.len(), 10);
        for record in latest.values() {
            match record["status"].as_str().unwrap() {
                "erased" => erased += 1,
                "deferred" => {}
                "failed" => {
                    // Refused (down) or reset (killed mid-command): never sent.
                    let why = record["error"].as_str().unwrap();
                    assert!(
                        why.contains("quota store redis://")
                            && why.contains("is unreachable (")
                            && why.contains("no request was sent"),
                        "{record}"
                    );
                }
                _ => panic!("{record}"),
            }
        }
    }
    assert_eq!(erased, erasures.len());
}

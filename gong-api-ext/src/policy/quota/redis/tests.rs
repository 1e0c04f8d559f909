use std::collections::HashMap;

use super::redis_server::RedisServer;
use super::*;
use crate::policy::quota::state::tests::{S, T0};
use crate::policy::quota::state::{DAY_US, QuotaState};

/// The Lua script's state, field by field, as numbers.
async fn lua_state(store: &RedisStore, key: &CompanyKey) -> HashMap<String, f64> {
    let mut connection = store.connection().await.unwrap();
    let fields: HashMap<String, String> = redis::cmd("HGETALL")
        .arg(redis_key(key))
        .query_async(&mut connection)
        .await
        .unwrap();
    fields
        .into_iter()
        .map(|(k, v)| (k, v.parse().unwrap()))
        .collect()
}

fn rust_state(state: &QuotaState) -> HashMap<String, f64> {
    let serde_json::Value::Object(fields) = serde_json::to_value(state).unwrap() else {
        unreachable!()
    };
    fields
        .into_iter()
        .map(|(k, v)| (k, v.as_f64().unwrap()))
        .collect()
}

/// Random events (acquires, 429s of recent and older grants, snapshots, at random times
/// from microseconds to days apart) through the Rust machine and the Lua script: every
/// answer and every state field must be the same.
#[tokio::test]
async fn the_lua_script_and_the_rust_state_machine_agree() {
    let server = RedisServer::start(None);
    let store = RedisStore::open(&server.url(), RedisOptions::default()).unwrap();
    let policies = [
        Policy {
            rate: 3.0,
            burst: 1,
            margin: 0.02,
            budget: Some(40),
            adaptive: true,
        },
        Policy {
            rate: 7.5,
            burst: 3,
            margin: 0.0,
            budget: None,
            adaptive: true,
        },
        Policy {
            rate: 0.5,
            burst: 2,
            margin: 0.1,
            budget: Some(5),
            adaptive: false,
        },
    ];
    let mut rng = fastrand::Rng::with_seed(13);
    let mut throttles = 0;
    for (i, policy) in policies.iter().enumerate() {
        let key = CompanyKey::new("conformance", &i.to_string());
        let mut state = QuotaState::default();
        let mut now = T0;
        let mut grants = vec![T0 - S];
        for step in 0..800 {
            now += match rng.u32(0..100) {
                0..80 => rng.i64(0..400_000),
                80..95 => rng.i64(0..12 * S),
                95..96 => rng.i64(0..400 * S),
                // Readers of one clock a little out of order, or a small step back.
                96 => -rng.i64(0..2 * S),
                // A clock stepped back (to the day before, sometimes).
                97 => -rng.i64(0..DAY_US / 2),
                _ => rng.i64(0..DAY_US),
            };
            match rng.u32(0..10) {
                0..7 => {
                    let ours = state.acquire(policy, now);
                    let theirs = store.acquire_at(&key, policy, Some(now)).await.unwrap();
                    assert_eq!(ours, theirs, "step {step}, policy {i}");
                    if let Admission::Granted { granted_at } = ours {
                        grants.push(granted_at);
                    }
                }
                7..9 => {
                    throttles += 1;
                    let back = rng.usize(0..grants.len().min(4));
                    let throttle = Throttle {
                        granted_at: grants[grants.len() - 1 - back],
                        wait: Duration::from_secs([0, 1, 1, 1, 2, 3600][rng.usize(0..6)]),
                        cap: Duration::from_secs(60),
                    };
                    let ours = state.throttled(policy, now, throttle);
                    let theirs = store
                        .throttled_at(&key, policy, throttle, Some(now))
                        .await
                        .unwrap();
                    assert_eq!(ours, theirs, "step {step}, policy {i}");
                }
                _ => {
                    let ours = state.snapshot(now);
                    let theirs = store.snapshot_at(&key, Some(now)).await.unwrap();
                    assert_eq!(ours, theirs, "step {step}, policy {i}");
                }
            }
            assert_eq!(
                rust_state(&state),
                lua_state(&store, &key).await,
                "step {step}, policy {i}"
            );
        }
    }
    assert!(throttles > 300, "{throttles}");
}

#[test]
fn specs_keep_the_redis_url_and_take_the_fallback_out() {
    let (url, options) = parse_spec("redis://:pw@10.0.0.1:6380/2?fallback=local").unwrap();
    assert_eq!(url, "redis://:pw@10.0.0.1:6380/2");
    assert!(options.local_fallback);
    let (url, options) = parse_spec("redis://h/0?protocol=resp3").unwrap();
    assert_eq!(url, "redis://h/0?protocol=resp3");
    assert!(!options.local_fallback);
    let err = parse_spec("redis://:hunter2@h/0?fallback=none")
        .unwrap_err()
        .to_string();
    assert!(err.contains("only fallback is `local`"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

use super::*;
use crate::auth::Credentials;

#[test]
fn company_keys_name_the_host_and_the_access_key_never_a_secret() {
    let basic = Credentials::Basic {
        access_key: "KEY1".into(),
        secret: "s3cr3t".into(),
    };
    let bearer = Credentials::Bearer("t0k3n".into());
    assert_eq!(
        CompanyKey::of_client("https://us-55616.api.gong.io/v2", basic.id()).as_str(),
        "us-55616.api.gong.io/KEY1"
    );
    assert_eq!(
        CompanyKey::of_client("http://127.0.0.1:4010/v2", bearer.id()).as_str(),
        "127.0.0.1:4010/bearer"
    );
}

#[test]
fn specs_name_a_store_and_errors_hide_passwords() {
    assert_eq!(
        QuotaStore::from_spec(" memory ").unwrap().to_string(),
        "memory"
    );
    let err = QuotaStore::from_spec("postgres://u:hunter2@db/x")
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected memory, local"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    // A Redis socket URL carries its password in the query (`?pass=`, read by the redis
    // crate): never shown either.
    #[cfg(feature = "redis")]
    for spec in [
        "redis+unix:///nonexistent/redis.sock?pass=hunter2",
        "redis+unix:///nonexistent/redis.sock?db=1&user=u&pass=hunter2&fallback=local",
        "redis://:hunter2@localhost:1/0",
    ] {
        let store = QuotaStore::from_spec(spec).unwrap();
        for shown in [store.to_string(), format!("{store:?}")] {
            assert!(!shown.contains("hunter2"), "{spec}: {shown}");
        }
    }
    #[cfg(feature = "redis")]
    {
        let err = QuotaStore::from_spec("redis+unix:///x.sock?pass=hunter2&fallback=remote")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
    assert!(!redact_url("redis+unix:///x.sock?pass=hunter2").contains("hunter2"));
    #[cfg(not(feature = "redis"))]
    assert!(
        QuotaStore::from_spec("redis://localhost")
            .unwrap_err()
            .to_string()
            .contains("`redis` feature")
    );
}

use super::*;

#[test]
fn file_names_are_safe_and_distinct() {
    assert_eq!(
        file_name(&CompanyKey::new("us-1.api.gong.io", "KEY")),
        "us-1.api.gong.io_2fKEY"
    );
    assert_eq!(
        file_name(&CompanyKey::new("127.0.0.1:80", "../x")),
        "127.0.0.1_3a80_2f.._2fx"
    );
    assert_ne!(
        file_name(&CompanyKey::new("a", "b_2f")),
        file_name(&CompanyKey::new("a/b", ""))
    );
}

#[tokio::test]
async fn the_state_survives_the_store_and_a_torn_file_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("gong-quota-unit-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let key = CompanyKey::new("h", "k");
    // One attempt a microsecond: the second call is always granted too.
    let policy = Policy {
        rate: 1e6,
        burst: 1,
        margin: 0.0,
        budget: Some(5),
        adaptive: true,
    };
    for _ in 0..2 {
        let store = FileStore::open(dir.clone()).unwrap();
        assert!(matches!(
            store.acquire(&key, &policy).await.unwrap(),
            Admission::Granted { .. }
        ));
    }
    let store = FileStore::open(dir.clone()).unwrap();
    assert_eq!(store.snapshot(&key).await.unwrap().used, 2);
    fs::write(dir.join(format!("{}.json", file_name(&key))), b"{\"tat\": ").unwrap();
    let err = store.snapshot(&key).await.unwrap_err().0;
    assert!(
        err.contains("unreadable") && err.contains("delete it"),
        "{err}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

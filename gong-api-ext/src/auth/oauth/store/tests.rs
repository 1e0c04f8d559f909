use std::time::{Duration, SystemTime};

use secrecy::ExposeSecret as _;

use super::*;

fn tokens(n: u32) -> TokenSet {
    TokenSet::new(
        format!("at-sekret-{n}").into(),
        format!("rt-sekret-{n}").into(),
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        vec!["api:data-privacy:read".into()],
        "https://us-55616.api.gong.io",
    )
    .unwrap()
}

#[tokio::test]
async fn the_file_store_round_trips_replaces_and_clears() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("tokens.json"));
    assert!(store.load().await.unwrap().is_none());
    let _lock = store.lock().await.unwrap();
    store.save(&tokens(1)).await.unwrap();
    store.save(&tokens(2)).await.unwrap();
    let back = store.load().await.unwrap().unwrap();
    assert_eq!(back.refresh_token().expose_secret(), "rt-sekret-2");
    assert_eq!(back.api_base_url(), "https://us-55616.api.gong.io");
    // Only the token file and its lock: no temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["tokens.json", "tokens.json.lock"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    store.clear().await.unwrap();
    store.clear().await.unwrap();
    assert!(store.load().await.unwrap().is_none());
}

#[tokio::test]
async fn a_damaged_token_file_is_an_error_that_quotes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    std::fs::write(&path, r#"{"access_token":"at-sekret","refresh_token":7}"#).unwrap();
    let err = FileTokenStore::new(&path)
        .load()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a token file"), "{err}");
    assert!(!err.contains("sekret"), "{err}");
}

#[tokio::test]
async fn the_file_lock_excludes_another_open_of_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let first = FileTokenStore::new(&path);
    let second = FileTokenStore::new(&path);
    let held = first.lock().await.unwrap();
    let waiting = tokio::spawn(async move { second.lock().await.map(|_| ()) });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!waiting.is_finished(), "the second lock must wait");
    drop(held);
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the lock is released on drop")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn the_memory_store_lock_is_shared_by_clones() {
    let store = MemoryTokenStore::with_tokens(tokens(1));
    let clone = store.clone();
    let held = store.lock().await.unwrap();
    let waiting = tokio::spawn(async move { clone.lock().await.map(|_| ()) });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished());
    drop(held);
    waiting.await.unwrap().unwrap();
    assert!(!format!("{store:?}").contains("sekret"));
}

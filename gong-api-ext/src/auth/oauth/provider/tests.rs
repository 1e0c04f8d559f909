use secrecy::ExposeSecret as _;

use super::*;
use crate::auth::oauth::MemoryTokenStore;

fn tokens(n: u32, expires_in: u64) -> TokenSet {
    TokenSet::new(
        format!("at-{n}").into(),
        format!("rt-{n}").into(),
        SystemTime::now() + Duration::from_secs(expires_in),
        vec![],
        "https://us-1.api.gong.io",
    )
    .unwrap()
}

fn app() -> OAuthApp {
    // Never reached in these tests: nothing here is due for a refresh.
    OAuthApp::builder("id", "secret")
        .token_url("http://127.0.0.1:9/unreachable")
        .build()
        .unwrap()
}

#[tokio::test]
async fn stored_tokens_are_adopted_without_a_refresh() {
    let provider = OAuthTokenProvider::new(app(), MemoryTokenStore::with_tokens(tokens(1, 3600)));
    let auth = provider.authorization().await.unwrap();
    assert_eq!(auth.base_url(), Some("https://us-1.api.gong.io/v2"));
    let tokens = provider.tokens().await.unwrap();
    assert_eq!(tokens.access_token().expose_secret(), "at-1");
}

#[tokio::test]
async fn a_401_adopts_tokens_another_process_stored() {
    let store = MemoryTokenStore::with_tokens(tokens(1, 3600));
    let provider = OAuthTokenProvider::new(app(), store.clone());
    let first = provider.authorization().await.unwrap();
    // Another process rotates the tokens.
    let _ = store.save(&tokens(2, 3600)).await;
    assert!(provider.refresh_after_unauthorized(&first).await.unwrap());
    let second = provider.authorization().await.unwrap();
    assert!(!second.same_credential(&first));
}

#[tokio::test]
async fn nothing_stored_means_authorise_first() {
    let provider = OAuthTokenProvider::new(app(), MemoryTokenStore::new());
    let err = provider.authorization().await.unwrap_err();
    assert!(err.is_reauthorization_required(), "{err}");
    assert!(err.to_string().contains("authorise the app first"), "{err}");
}

#[test]
fn debug_shows_no_secret() {
    let provider = OAuthTokenProvider::new(
        OAuthApp::new("id", "client-sekret").unwrap(),
        MemoryTokenStore::with_tokens(tokens(1, 60)),
    );
    let text = format!("{provider:?}");
    assert!(!text.contains("sekret") && !text.contains("at-1"), "{text}");
}

//! OAuth from the command line where timing decides: `auth logout` while another command's
//! refresh is in flight, and `auth login` receiving a redirect with another `state` before (or
//! instead of) Gong's.

use std::process::Stdio;
use std::time::{Duration, Instant};

use gong_api_ext::oauth::scopes;
use gong_api_ext::reqwest;

use crate::auth::{LOGIN, SECRET_MARK, approve, log_in, log_in_with, login_dir, oauth_cli};
use crate::oauth_mock::Gong;
use crate::util::{run, scratch};

/// A lookup whose token refresh takes 1.5 s at Gong, and `auth logout` in the middle of it:
/// logout waits for the refresh to store its tokens, then removes them, so none are left.
#[tokio::test(flavor = "multi_thread")]
async fn logout_during_another_commands_refresh_leaves_no_tokens_on_disk() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| {
        st.logged_in = Some("acme".into());
        st.expires_in = 1;
    });
    let config = scratch("auth-logout-race");
    let (code, out, err) = log_in(oauth_cli(&gong, &config, LOGIN)).await;
    assert_eq!(code, 0, "{out}\n{err}");
    // Expired: the next command refreshes, slowly.
    std::thread::sleep(Duration::from_millis(1100));
    gong.with(|st| {
        st.expires_in = 86_400;
        st.token_delay = Duration::from_millis(1500);
    });
    let mut lookup = oauth_cli(&gong, &config, &["lookup", "email", "a@example.com"]);
    let lookup = lookup
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while gong.with(|st| st.refresh_requests) == 0 {
        assert!(Instant::now() < deadline, "the lookup never refreshed");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (code, _, err) = run(oauth_cli(&gong, &config, &["auth", "logout"]));
    assert_eq!(code, 0, "{err}");
    let lookup = lookup.wait_with_output().unwrap();
    let printed = format!(
        "{}{}{err}",
        String::from_utf8_lossy(&lookup.stdout),
        String::from_utf8_lossy(&lookup.stderr)
    );
    assert_eq!(lookup.status.code(), Some(0), "{printed}");
    let dir = login_dir(&config);
    for file in ["oauth-tokens.json", "oauth-client-secret", "login.json"] {
        assert!(!dir.join(file).exists(), "{file} left after logout");
    }
    let (code, _, _) = run(oauth_cli(&gong, &config, &["auth", "status"]));
    assert_eq!(code, 3);
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    assert!(!printed.contains(SECRET_MARK), "{printed}");
    gong.assert_clean();
}

/// The redirect URI the authorize URL carries.
fn redirect_uri_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// Sends the browser to the login's listener with a state of someone else's: refused.
async fn forged_redirect(url: &str) {
    let forged = format!(
        "{}?code=code-sekret-forged&state=forged",
        redirect_uri_of(url)
    );
    let page = reqwest::get(&forged).await.unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("still waiting"));
}

#[tokio::test(flavor = "multi_thread")]
async fn login_refuses_a_wrong_state_and_goes_on_waiting_for_gongs_redirect() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-login-state");

    // A wrong state, then the real redirect: logged in.
    let (code, out, err) = log_in_with(oauth_cli(&gong, &config, LOGIN), |url| async move {
        forged_redirect(&url).await;
        approve(&url).await;
    })
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("Logged in: host "), "{out}");

    // Only a wrong state: the login waits out --wait and says what it saw.
    let mut args = LOGIN.to_vec();
    args.extend(["--wait", "2s"]);
    let started = Instant::now();
    let (code, out, err) = log_in_with(oauth_cli(&gong, &config, &args), |url| async move {
        forged_redirect(&url).await;
    })
    .await;
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(
        err.contains(
            "error: login failed: no redirect with this authorization's state arrived within 2 \
             s; 1 redirect with another state was refused (a stale browser tab, or a link this \
             authorization did not start); raise the wait with --wait"
        ),
        "{err}"
    );
    assert!(!format!("{out}{err}").contains(SECRET_MARK), "{err}");
    // The first login is kept.
    let (code, _, _) = run(oauth_cli(&gong, &config, &["auth", "status"]));
    assert_eq!(code, 0);
    gong.with(|st| assert_eq!(st.exchanges, 1));
    gong.assert_clean();
}

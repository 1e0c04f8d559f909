//! OAuth from the command line, against the OAuth library tests' mock of Gong
//! (`tests/support/oauth_mock.rs`: single-use rotating tokens and codes, per-customer hosts,
//! 401s naming a missing scope): `auth login` end to end with the test as the browser, `auth
//! status`/`logout`, every command using the login, `invalid_grant` and a missing scope with
//! their own exit codes, `doctor`, and no token, secret or code in any output at `-vv`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gong_api_ext::oauth::scopes;
use gong_api_ext::reqwest;
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::oauth_mock::{CLIENT_ID, CLIENT_SECRET, Gong, TOKEN_PATH};
use crate::util::{gong_privacy_at, json, mock_gong, run, scratch};

/// Every token, code and the client secret of the mock contain it.
const SECRET_MARK: &str = "sekret";

/// The binary with no credentials in the environment: it uses the OAuth login kept under
/// `config` (tokens in 0600 files: the machine's keychain is never touched by tests).
fn oauth_cli(gong: &Gong, config: &Path, args: &[&str]) -> Command {
    let mut cmd = gong_privacy_at("http://127.0.0.1:9", args);
    cmd.env_remove("GONG_ACCESS_KEY")
        .env_remove("GONG_ACCESS_KEY_SECRET")
        .env_remove("GONG_BASE_URL")
        .env("XDG_CONFIG_HOME", config)
        .env("GONG_CLIENT_ID", CLIENT_ID)
        .env("GONG_CLIENT_SECRET", CLIENT_SECRET)
        .env("GONG_TOKEN_STORE", "file")
        .env(
            "GONG_OAUTH_AUTHORIZE_URL",
            format!("{}/oauth2/authorize", gong.server.uri()),
        )
        .env(
            "GONG_OAUTH_TOKEN_URL",
            format!("{}{TOKEN_PATH}", gong.server.uri()),
        );
    cmd
}

/// `auth login`, with the test as the browser: it reads the page to open from the command's
/// standard error and follows Gong's redirect to the command's loopback listener. Returns the
/// exit code and everything printed.
async fn log_in(mut cmd: Command) -> (i32, String, String) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let reader = std::thread::spawn(move || {
        let mut url_tx = Some(url_tx);
        let mut text = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if let Some(at) = line
                .find("http://127.0.0.1")
                .filter(|_| line.contains("authorize?"))
                && let Some(tx) = url_tx.take()
            {
                let _ = tx.send(line[at..].trim().to_owned());
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    if let Ok(url) = url_rx.await {
        let page = reqwest::get(&url).await.unwrap();
        assert_eq!(page.status(), 200, "the loopback listener's page");
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("Gong authorised the app")
        );
    }
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        reader.join().unwrap(),
    )
}

fn login_dir(config: &Path) -> PathBuf {
    config.join("gong-privacy")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs a command, keeps what it printed for the leak check, returns (code, out, err).
fn keep(printed: &mut String, cmd: Command) -> (i32, String, String) {
    let (code, out, err) = run(cmd);
    printed.push_str(&out);
    printed.push_str(&err);
    (code, out, err)
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_login_end_to_end_then_every_command_uses_the_login_and_nothing_secret_is_printed() {
    let gong = Gong::start().await;
    let host = gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-login");
    let mut printed = String::new();

    let (code, out, err) = log_in(oauth_cli(
        &gong,
        &config,
        &[
            "-vv",
            "auth",
            "login",
            "--redirect-uri",
            "http://127.0.0.1:0/callback",
        ],
    ))
    .await;
    printed.push_str(&out);
    printed.push_str(&err);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("Open this page as a Gong technical administrator"),
        "{err}"
    );
    assert!(
        out.starts_with(&format!("Logged in: host {host}, scopes ")),
        "{out}"
    );
    let dir = login_dir(&config);
    let tokens = dir.join("oauth-tokens.json");
    assert!(out.contains(&tokens.display().to_string()), "{out}");
    assert!(
        std::fs::read_to_string(&tokens)
            .unwrap()
            .contains("at-sekret-acme")
    );
    #[cfg(unix)]
    for file in ["oauth-tokens.json", "oauth-client-secret", "login.json"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    gong.with(|st| assert_eq!(st.exchanges, 1));

    let (code, out, _) = keep(&mut printed, oauth_cli(&gong, &config, &["auth", "status"]));
    assert_eq!(code, 0);
    for text in [
        format!("Logged in with OAuth (app {CLIENT_ID})"),
        format!("  host:    {host}"),
        "  scopes:  api:data-privacy:read api:data-privacy:delete".into(),
        "  access token expires at ".into(),
        "  tokens kept in ".into(),
    ] {
        assert!(out.contains(&text), "{text:?} not in {out}");
    }
    let (code, out, _) = keep(
        &mut printed,
        oauth_cli(&gong, &config, &["--json", "auth", "status"]),
    );
    assert_eq!(code, 0);
    let status: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(status["type"], "authStatus");
    assert_eq!(status["apiBaseUrl"], host.as_str());

    // Every command uses the login: the customer's host, its token.
    let (code, out, err) = keep(
        &mut printed,
        oauth_cli(
            &gong,
            &config,
            &["-vv", "lookup", "email", "jane@example.com"],
        ),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("jane@example.com: "), "{out}");
    let file = config.join("q.txt");
    std::fs::write(&file, "a@example.com\nb@example.com\n").unwrap();
    let (code, out, err) = keep(
        &mut printed,
        oauth_cli(
            &gong,
            &config,
            &["-vv", "erase", "--from", file.to_str().unwrap(), "--yes"],
        ),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 erased, 0 held back, 0 failed"), "{out}");
    let calls = gong.calls_to("acme");
    // One lookup, then a lookup before each of the two erasures, and the two erasures.
    assert_eq!(calls.len(), 5, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| c.host == host && c.token.starts_with("at-sekret-acme"))
    );
    // `--base-url` cannot send the login's token elsewhere.
    let (code, _, err) = keep(
        &mut printed,
        oauth_cli(
            &gong,
            &config,
            &[
                "--base-url",
                "https://api.gong.io",
                "lookup",
                "email",
                "a@example.com",
            ],
        ),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with the OAuth login"), "{err}");

    let (code, _, err) = keep(&mut printed, oauth_cli(&gong, &config, &["auth", "logout"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("Logged out"), "{err}");
    for file in ["oauth-tokens.json", "oauth-client-secret", "login.json"] {
        assert!(!dir.join(file).exists(), "{file} left after logout");
    }
    let (code, _, err) = keep(
        &mut printed,
        oauth_cli(&gong, &config, &["lookup", "email", "a@example.com"]),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`gong-privacy auth login`"), "{err}");
    let (code, _, _) = keep(&mut printed, oauth_cli(&gong, &config, &["auth", "status"]));
    assert_eq!(code, 3);

    assert!(printed.contains("DEBUG"), "-vv logged nothing:\n{printed}");
    assert!(
        !printed.contains(SECRET_MARK),
        "a token, the client secret or a code was printed:\n{printed}"
    );
    gong.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_the_tokens_go_to_a_0600_file_and_the_login_says_where() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-no-keychain");
    let mut cmd = oauth_cli(
        &gong,
        &config,
        &[
            "auth",
            "login",
            "--redirect-uri",
            "http://127.0.0.1:0/callback",
        ],
    );
    // `auto`, on a session bus that is not there (as on servers and in CI).
    cmd.env("GONG_TOKEN_STORE", "auto").env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/gong-privacy-test-bus",
    );
    let (code, out, err) = log_in(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let tokens = login_dir(&config).join("oauth-tokens.json");
    assert!(
        err.starts_with("No OS keychain (")
            && err.contains(&format!("tokens will be kept in {}", tokens.display())),
        "{err}"
    );
    assert!(tokens.exists());
    // Asking for the keychain where there is none is refused before anything happens.
    let mut cmd = oauth_cli(
        &gong,
        &config,
        &["auth", "login", "--token-store", "keychain"],
    );
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/gong-privacy-test-bus",
    );
    let (code, _, err) = run(cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--token-store keychain: "), "{err}");
    gong.with(|st| assert_eq!(st.exchanges, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_grant_and_a_missing_scope_have_their_own_exit_codes() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-codes");
    let login = || {
        oauth_cli(
            &gong,
            &config,
            &[
                "auth",
                "login",
                "--redirect-uri",
                "http://127.0.0.1:0/callback",
            ],
        )
    };
    let mut printed = String::new();

    // A missing scope named by Gong (the token lists it, the customer took it back).
    let (code, out, err) = log_in(login()).await;
    assert_eq!(code, 0, "{out}\n{err}");
    gong.with(|st| {
        st.customers.get_mut("acme").unwrap().scopes = vec![scopes::DATA_PRIVACY_READ.into()]
    });
    let (code, _, err) = keep(
        &mut printed,
        oauth_cli(
            &gong,
            &config,
            &["-vv", "erase", "email", "a@example.com", "--yes"],
        ),
    );
    assert_eq!(code, 8, "{err}");
    assert!(
        err.contains("error: the credentials lack the scope api:data-privacy:delete"),
        "{err}"
    );
    assert!(err.contains("run `gong-privacy auth login` again"), "{err}");

    // A login without the scope: refused before any request.
    let (code, _, _) = log_in(login()).await;
    assert_eq!(code, 0);
    let before = gong.calls_to("acme").len();
    let (code, _, err) = keep(&mut printed, oauth_cli(&gong, &config, &["crm", "list"]));
    assert_eq!(code, 8, "{err}");
    assert!(
        err.contains(
            "error: the OAuth login lacks the scope api:crm:integrations:read, which this \
             command needs (granted: api:data-privacy:read); nothing was sent"
        ),
        "{err}"
    );
    assert_eq!(gong.calls_to("acme").len(), before);
    let (code, out, _) = keep(&mut printed, oauth_cli(&gong, &config, &["doctor"]));
    assert_eq!(code, 8, "{out}");
    assert!(
        out.contains("fail  scopes       missing: erase email|phone needs api:data-privacy:delete"),
        "{out}"
    );

    // invalid_grant: the access token is due, and Gong no longer knows the refresh token.
    gong.with(|st| st.expires_in = 1);
    let (code, _, _) = log_in(login()).await;
    assert_eq!(code, 0);
    gong.with(|st| st.live_refresh.clear());
    let (code, _, err) = keep(
        &mut printed,
        oauth_cli(&gong, &config, &["-vv", "lookup", "email", "a@example.com"]),
    );
    assert_eq!(code, 7, "{err}");
    assert!(
        err.contains("error: the customer must authorise the app in Gong again")
            && err.contains("run `gong-privacy auth login`"),
        "{err}"
    );
    let (code, out, _) = keep(&mut printed, oauth_cli(&gong, &config, &["doctor"]));
    assert_eq!(code, 7, "{out}");
    assert!(out.starts_with("fail  credentials  "), "{out}");

    assert!(!printed.contains(SECRET_MARK), "{printed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_reports_the_clock_and_the_budget_and_says_what_to_fix() {
    let server = mock_gong().await;
    // The host's clock, two hours behind ours.
    let date = httpdate::fmt_http_date(
        std::time::SystemTime::now() - std::time::Duration::from_secs(7200),
    );
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(json("{}").insert_header("date", date.as_str()))
        .mount(&server)
        .await;
    let dir = scratch("doctor");
    let store = format!("local:{}", dir.join("quota").display());
    let doctor = |extra: &[&str]| {
        let mut args = vec!["doctor", "--quota-store", &store, "--daily-budget", "2"];
        args.extend_from_slice(extra);
        gong_privacy_at(&server.uri(), &args)
    };
    let (code, out, err) = run(doctor(&[]));
    assert_eq!(code, 0, "{out}\n{err}");
    for line in [
        "ok    credentials  GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (Basic) from the environment",
        "warn  clock        this machine's clock is 2h ahead of the host's",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in\n{out}");
    }
    assert!(out.contains("fix: synchronise the clock (NTP)"), "{out}");
    assert!(
        out.contains("ok    budget       2 of 2 calls left today (0 used;"),
        "{out}"
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .all(|r| r.url.path() == "/")
    );

    // --probe spends one call; then the budget of 2 is used up by one more.
    let (code, out, _) = run(doctor(&["--probe"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ok    probe        Gong answered a lookup"),
        "{out}"
    );
    let (code, _, _) = run(doctor(&["--probe"]));
    assert_eq!(code, 0);
    let (code, out, _) = run(doctor(&["--json"]));
    assert_eq!(code, 4, "{out}");
    let budget = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|c| c["check"] == "budget")
        .unwrap();
    assert_eq!(budget["status"], "fail", "{budget}");
    assert!(
        budget["message"]
            .as_str()
            .unwrap()
            .starts_with("0 of 2 calls left today (2 used;")
    );

    // No credentials at all.
    let mut none = gong_privacy_at(&server.uri(), &["doctor"]);
    none.env_remove("GONG_ACCESS_KEY")
        .env_remove("GONG_ACCESS_KEY_SECRET");
    let (code, out, _) = run(none);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("fix: set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET"),
        "{out}"
    );
}

/// A session bus with an unlocked gnome-keyring Secret Service on it, for one test (Debian
/// packages `dbus` and `gnome-keyring`; `.ci/run` installs them). Stopped when dropped.
#[cfg(feature = "keychain")]
struct SecretService {
    address: String,
    children: Vec<std::process::Child>,
}

#[cfg(feature = "keychain")]
impl SecretService {
    fn start(home: &Path) -> Self {
        let spawn = |cmd: &mut Command, what: &str| {
            cmd.spawn().unwrap_or_else(|e| {
                panic!(
                    "cannot start {what} ({e}): install the Debian packages dbus and gnome-keyring"
                )
            })
        };
        let mut bus = spawn(
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
            "dbus-daemon",
        );
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "{address:?}");
        let mut keyring = spawn(
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("HOME", home)
                .env("XDG_DATA_HOME", home.join("data"))
                .env("XDG_RUNTIME_DIR", home)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "gnome-keyring-daemon",
        );
        // The new login keyring's password, then end of input.
        use std::io::Write as _;
        keyring.stdin.take().unwrap().write_all(b"test").unwrap();
        let service = Self {
            address,
            children: vec![keyring, bus],
        };
        // Wait until the Secret Service answers on the bus.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::process::Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetNameOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the Secret Service did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        service
    }
}

#[cfg(feature = "keychain")]
impl Drop for SecretService {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(feature = "keychain")]
#[tokio::test(flavor = "multi_thread")]
async fn with_a_keychain_the_tokens_and_the_client_secret_live_there_and_nowhere_on_disk() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let config = scratch("auth-keychain");
    let home = config.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let service = SecretService::start(&home);
    let cli = |args: &[&str]| {
        let mut cmd = oauth_cli(&gong, &config, args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &service.address)
            .env("GONG_TOKEN_STORE", "auto");
        cmd
    };
    let mut printed = String::new();
    let (code, out, err) = log_in(cli(&[
        "-vv",
        "auth",
        "login",
        "--redirect-uri",
        "http://127.0.0.1:0/callback",
    ]))
    .await;
    printed.push_str(&out);
    printed.push_str(&err);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("Tokens will be kept in the OS keychain"),
        "{err}"
    );
    let dir = login_dir(&config);
    assert!(!dir.join("oauth-tokens.json").exists());
    assert!(!dir.join("oauth-client-secret").exists());
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains(SECRET_MARK));
    }
    let (code, out, err) = keep(
        &mut printed,
        cli(&["-vv", "lookup", "email", "a@example.com"]),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    // A refresh (the token is due) goes through the keychain too.
    gong.with(|st| st.expires_in = 1);
    let (code, _, _) = log_in(cli(&[
        "auth",
        "login",
        "--redirect-uri",
        "http://127.0.0.1:0/callback",
    ]))
    .await;
    assert_eq!(code, 0);
    let refreshes = gong.with(|st| st.refresh_requests);
    let (code, _, err) = keep(
        &mut printed,
        cli(&["-vv", "lookup", "email", "b@example.com"]),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(gong.with(|st| st.refresh_requests), refreshes + 1);
    let (code, out, _) = keep(&mut printed, cli(&["auth", "status"]));
    assert_eq!(code, 0);
    assert!(out.contains("tokens kept in the OS keychain"), "{out}");
    let (code, _, err) = keep(&mut printed, cli(&["auth", "logout"]));
    assert_eq!(code, 0, "{err}");
    // A new login in the same keychain starts from nothing.
    let (code, _, _) = keep(&mut printed, cli(&["auth", "status"]));
    assert_eq!(code, 3);
    assert!(!printed.contains(SECRET_MARK), "{printed}");
    gong.assert_clean();
}

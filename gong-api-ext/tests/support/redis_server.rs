//! Real `redis-server`s for tests, as teams run them: on free loopback ports, optionally with
//! TLS (a CA and a server certificate made by the `openssl` command), an ACL user with a
//! password, persistence (an fsynced append-only file, so a restart keeps the state), or as a
//! 3-master Redis Cluster (`redis-cli --cluster create`). Each is stopped (and its directory
//! removed) on drop. A missing `redis-server`, `redis-cli` or `openssl` fails the test:
//! `.ci/run` installs the Debian packages.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How a server is set up.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// `requirepass` (the default user's password).
    pub password: Option<String>,
    /// An ACL user (name, password) allowed only the quota's keys and the commands its script
    /// runs; the default user is turned off.
    pub acl_user: Option<(String, String)>,
    /// TLS only (no plain port), with a certificate for 127.0.0.1 from a test CA.
    pub tls: bool,
    /// An append-only file fsynced on every write: a restart (even after SIGKILL) keeps the
    /// state.
    pub persist: bool,
    /// `cluster-enabled yes` (for [`RedisCluster`]).
    pub cluster: bool,
    /// For TLS: the directory of another server whose CA and certificate to use (the nodes of
    /// a cluster share one CA); by default they are made afresh.
    pub certificates: Option<PathBuf>,
}

pub struct RedisServer {
    port: u16,
    setup: Setup,
    dir: PathBuf,
    child: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what} ({e}): install it (.ci/run does)"));
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A test CA and a certificate for 127.0.0.1 signed by it, in `dir`.
fn make_certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        run(
            Command::new("openssl").args(args).current_dir(dir),
            "openssl",
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
            &["-subj", "/CN=gong-api-ext test CA"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
}

impl RedisServer {
    /// Starts a plain server; `password` sets `requirepass`.
    pub fn start(password: Option<&str>) -> Self {
        Self::start_with(Setup {
            password: password.map(str::to_owned),
            ..Setup::default()
        })
    }

    /// Starts a server set up as `setup` says.
    pub fn start_with(setup: Setup) -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("gong-redis-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        match (&setup.certificates, setup.tls) {
            (Some(from), true) => {
                for file in ["ca.pem", "server.pem", "server.key"] {
                    std::fs::copy(from.join(file), dir.join(file)).unwrap();
                }
            }
            (None, true) => make_certificates(&dir),
            (_, false) => {}
        }
        let mut server = Self {
            port,
            setup,
            dir,
            child: None,
        };
        server.restart();
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The test CA's certificate (PEM), for a TLS server.
    pub fn ca_certificate(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The URL clients connect with (the password included), without the CA parameter.
    pub fn url(&self) -> String {
        let scheme = if self.setup.tls { "rediss" } else { "redis" };
        let credentials = match (&self.setup.acl_user, &self.setup.password) {
            (Some((user, password)), _) => format!("{user}:{password}@"),
            (None, Some(password)) => format!(":{password}@"),
            (None, None) => String::new(),
        };
        format!("{scheme}://{credentials}127.0.0.1:{}/0", self.port)
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn config(&self) -> String {
        let mut lines = vec![
            "bind 127.0.0.1".to_owned(),
            "save \"\"".to_owned(),
            format!("dir {}", self.dir.display()),
        ];
        if self.setup.tls {
            lines.extend([
                "port 0".to_owned(),
                format!("tls-port {}", self.port),
                "tls-cert-file server.pem".to_owned(),
                "tls-key-file server.key".to_owned(),
                "tls-ca-cert-file ca.pem".to_owned(),
                "tls-auth-clients no".to_owned(),
            ]);
            if self.setup.cluster {
                lines.push("tls-cluster yes".to_owned());
            }
        } else {
            lines.push(format!("port {}", self.port));
        }
        if self.setup.persist {
            lines.extend(["appendonly yes".to_owned(), "appendfsync always".to_owned()]);
        } else {
            lines.push("appendonly no".to_owned());
        }
        if let Some(password) = &self.setup.password {
            lines.push(format!("requirepass {password}"));
        }
        if let Some((user, password)) = &self.setup.acl_user {
            lines.extend([
                "user default off".to_owned(),
                format!(
                    "user {user} on >{password} ~gong-api-ext:* resetchannels -@all \
                     +@scripting +@hash +@keyspace +@connection +time +cluster"
                ),
            ]);
        }
        if self.setup.cluster {
            lines.extend([
                "cluster-enabled yes".to_owned(),
                "cluster-config-file nodes.conf".to_owned(),
                "cluster-node-timeout 5000".to_owned(),
            ]);
        }
        lines.join("\n") + "\n"
    }

    /// `redis-cli` against this server (TLS and credentials as it is set up).
    pub fn cli(&self) -> Command {
        let mut command = Command::new("redis-cli");
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string()]);
        if self.setup.tls {
            command
                .arg("--tls")
                .arg("--cacert")
                .arg(self.ca_certificate());
        }
        match (&self.setup.acl_user, &self.setup.password) {
            (Some((user, password)), _) => {
                command.args(["--user", user, "--pass", password]);
            }
            (None, Some(password)) => {
                command.args(["--pass", password]);
            }
            (None, None) => {}
        }
        command.arg("--no-auth-warning");
        command
    }

    /// (Re)starts the server on the same port (empty unless it persists) and waits until it
    /// answers.
    pub fn restart(&mut self) {
        self.kill();
        let config = self.dir.join("redis.conf");
        std::fs::write(&config, self.config()).unwrap();
        let child = Command::new("redis-server")
            .arg(&config)
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): install the Debian package redis-server \
                     (.ci/run does)"
                )
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.answers() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start in 10 s"
            );
            if let Some(child) = &mut self.child {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "redis-server exited at start:\n{}",
                    self.config()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Answers PING (PONG, or an authentication error: it is up).
    fn answers(&self) -> bool {
        let Ok(output) = self.cli().arg("ping").output() else {
            panic!("cannot run redis-cli: install the Debian package redis-tools (.ci/run does)")
        };
        let answer = String::from_utf8_lossy(&output.stdout);
        answer.contains("PONG") || answer.contains("NOAUTH") || answer.contains("NOPERM")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Redis Cluster of 3 masters (no replicas) on loopback ports.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
    tls: bool,
}

impl RedisCluster {
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// A cluster whose nodes (and cluster bus) speak TLS only, with one test CA.
    pub fn start_tls() -> Self {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Self {
        let setup = Setup {
            cluster: true,
            tls,
            ..Setup::default()
        };
        let first = RedisServer::start_with(setup.clone());
        let shared = Setup {
            certificates: Some(first.dir.clone()),
            ..setup
        };
        let mut nodes = vec![first];
        nodes.extend((0..2).map(|_| RedisServer::start_with(shared.clone())));
        let addresses: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let mut create = Command::new("redis-cli");
        if tls {
            create
                .arg("--tls")
                .arg("--cacert")
                .arg(nodes[0].ca_certificate());
        }
        run(
            create
                .arg("--cluster")
                .arg("create")
                .args(&addresses)
                .args(["--cluster-replicas", "0", "--cluster-yes"]),
            "redis-cli --cluster create",
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        for node in &nodes {
            loop {
                let info = run(
                    node.cli().args(["cluster", "info"]),
                    "redis-cli cluster info",
                );
                if info.contains("cluster_state:ok") {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the cluster did not form: {info}"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Self { nodes, tls }
    }

    /// `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` (`rediss+cluster://…?ca=…`
    /// with TLS).
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        match self.tls {
            true => format!(
                "rediss+cluster://{}/?ca={}",
                hosts.join(","),
                self.nodes[0].ca_certificate().display()
            ),
            false => format!("redis+cluster://{}", hosts.join(",")),
        }
    }
}

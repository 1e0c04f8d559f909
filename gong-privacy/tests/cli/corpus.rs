//! The hostile-input corpus: every file in `tests/cli/corpus/` is erased through the binary
//! against a mock that records what was sent, and must end exactly as its `.expected` file says.
//!
//! An `.expected` file holds directives and one line per row outcome:
//!
//! ```text
//! # a comment
//! args: --delimiter |          extra arguments (shell words)
//! stdin: true                  feed the file on standard input (`--from - --journal …`)
//! exit: 0                      the exit code
//! stderr: {file}:3: reason     a line standard error must contain exactly ({file}: the input)
//! 2 | email | erased | jane@example.com
//! 5 | email | duplicate of 2 | jane@example.com
//! 4 | phone | invalid | invalid phone number "…": …
//! 6 | - | failed | fail@example.com
//! ```
//!
//! Rows are compared as a sorted list. Erased and failed subjects must each have been sent
//! exactly once, and nothing else may have been sent (erasures of subjects containing `fail` are
//! refused by the mock). A refused file (exit 2) sends nothing and
//! writes no journal. The 200,000-row file, the 5 MB line and the directory are generated here
//! rather than committed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use futures_util::{StreamExt as _, future, stream};
use gong_privacy::batch::journal::{Journal, Record, Status, SubjectRecord};
use wiremock::MockServer;

use super::util::*;

/// One case: the input, and what must come of it.
struct Case {
    name: String,
    input: Input,
    args: Vec<String>,
    stdin: bool,
    exit: i32,
    stderr: Vec<String>,
    rows: Vec<String>,
}

enum Input {
    File(PathBuf),
    Bytes(Vec<u8>),
    Directory,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/corpus")
}

fn parse_expected(name: &str, input: Input, text: &str) -> Case {
    let mut case = Case {
        name: name.to_owned(),
        input,
        args: Vec::new(),
        stdin: false,
        exit: 0,
        stderr: Vec::new(),
        rows: Vec::new(),
    };
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(args) = line.strip_prefix("args: ") {
            case.args = shlex::split(args).expect("args are shell words");
        } else if let Some(v) = line.strip_prefix("stdin: ") {
            case.stdin = v == "true";
        } else if let Some(v) = line.strip_prefix("exit: ") {
            case.exit = v.parse().unwrap();
        } else if let Some(v) = line.strip_prefix("stderr: ") {
            case.stderr.push(v.to_owned());
        } else {
            case.rows.push(line.to_owned());
        }
    }
    case.rows.sort();
    case
}

/// Every committed case, by name.
fn committed() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "expected"))
        .collect();
    entries.sort();
    for expected in entries {
        let stem = expected.file_stem().unwrap().to_str().unwrap().to_owned();
        let input = std::fs::read_dir(corpus_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_stem().is_some_and(|s| s == stem.as_str())
                    && p.extension().is_none_or(|e| e != "expected")
            })
            .unwrap_or_else(|| panic!("no input file for {}", expected.display()));
        let text = std::fs::read_to_string(&expected).unwrap();
        cases.push(parse_expected(&stem, Input::File(input), &text));
    }
    cases
}

/// The generated cases: too big to commit, or not a file.
fn generated() -> Vec<Case> {
    // 200,000 rows over 40 distinct subjects, every 10,000th row invalid.
    let mut text = String::from("id,email\n");
    let mut rows = Vec::new();
    for i in 0..200_000u64 {
        let line = i + 2;
        if i % 10_000 == 9_999 {
            text.push_str(&format!("{i},user{i}-at-example.com\n"));
            rows.push(format!(
                "{line} | email | invalid | invalid email address \"user{i}-at-example.com\": it has no @"
            ));
        } else {
            let subject = format!("user{}@example.com", i % 40);
            text.push_str(&format!("{i},{subject}\n"));
            rows.push(if i < 40 {
                format!("{line} | email | erased | {subject}")
            } else {
                format!("{line} | email | duplicate of {} | {subject}", i % 40 + 2)
            });
        }
    }
    rows.sort();
    let big = Case {
        name: "generated-200k-rows".into(),
        input: Input::Bytes(text.into_bytes()),
        args: Vec::new(),
        stdin: false,
        exit: 0,
        stderr: Vec::new(),
        rows,
    };
    let mut long = b"email\njane@example.com\n".to_vec();
    long.extend(std::iter::repeat_n(b'x', 5 << 20));
    long.extend_from_slice(b"@example.com\njoe@example.com\n");
    let long_line = Case {
        name: "generated-5mb-line".into(),
        input: Input::Bytes(long),
        args: Vec::new(),
        stdin: false,
        exit: 2,
        stderr: vec![
            "error: {file}:3: the line is 5242892 bytes long, more than the 65536 accepted (a \
             runaway quote, or not a list of subjects?)"
                .into(),
        ],
        rows: Vec::new(),
    };
    let directory = Case {
        name: "generated-directory".into(),
        input: Input::Directory,
        args: Vec::new(),
        stdin: false,
        exit: 2,
        stderr: vec!["error: {file}: is a directory; give the batch file itself".into()],
        rows: Vec::new(),
    };
    vec![big, long_line, directory]
}

/// `line | column | status | subject or reason` of a journal record, read with the library's
/// own record type.
fn outcome(record: &SubjectRecord) -> String {
    let status = match record.status {
        Status::Duplicate => format!("duplicate of {}", record.first_line.unwrap()),
        other => other.as_str().to_owned(),
    };
    let detail = match record.status {
        Status::Invalid => record.error.as_deref().unwrap(),
        _ => record.subject.as_deref().unwrap(),
    };
    format!(
        "{} | {} | {status} | {detail}",
        record.line.unwrap(),
        record.column.as_deref().unwrap_or("-")
    )
}

fn subjects_of(journal: &Path) -> Vec<SubjectRecord> {
    if !journal.exists() {
        return Vec::new();
    }
    Journal::read(journal)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|r| match r {
            Record::Subject(s) => Some(s),
            Record::Run(_) | Record::Verify(_) => None,
        })
        .collect()
}

/// Runs one case; returns what differs from its expectation.
async fn check(case: &Case, server: &MockServer, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let from = dir.join(&case.name);
    match &case.input {
        Input::File(path) => {
            std::fs::copy(path, &from).unwrap();
        }
        Input::Bytes(bytes) => std::fs::write(&from, bytes).unwrap(),
        Input::Directory => std::fs::create_dir_all(&from).unwrap(),
    }
    let journal_path = dir.join(format!("{}.journal.jsonl", case.name));
    let shown = if case.stdin {
        "-".to_owned()
    } else {
        from.display().to_string()
    };
    let mut args: Vec<String> = ["erase", "--from", &shown, "--yes", "--rate", "1000"]
        .map(String::from)
        .to_vec();
    if case.stdin {
        args.extend(["--journal".into(), journal_path.display().to_string()]);
    }
    args.extend(case.args.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = gong_privacy(server, &args);
    if case.stdin {
        cmd.stdin(Stdio::from(std::fs::File::open(&from).unwrap()));
    }
    let (code, _, err) = tokio::task::spawn_blocking(move || run(cmd)).await.unwrap();
    if code != case.exit {
        problems.push(format!("exit {code}, expected {}", case.exit));
    }
    for expected in &case.stderr {
        let expected = expected.replace("{file}", &shown);
        if !err.lines().any(|l| l == expected) {
            problems.push(format!("no stderr line {expected:?}"));
        }
    }
    if err.len() > 20_000 {
        problems.push(format!("{} bytes of stderr", err.len()));
    }

    let records = subjects_of(&journal_path);
    let mut got: Vec<String> = records.iter().map(outcome).collect();
    got.sort();
    if got != case.rows {
        let want: BTreeSet<&String> = case.rows.iter().collect();
        let have: BTreeSet<&String> = got.iter().collect();
        let missing: Vec<_> = want.difference(&have).take(20).collect();
        let extra: Vec<_> = have.difference(&want).take(20).collect();
        problems.push(format!(
            "rows differ:\n  missing: {missing:#?}\n  unexpected: {extra:#?}"
        ));
    }
    if case.exit == 2 && journal_path.exists() {
        problems.push("a refused file left a journal".into());
    }
    // Sent: each erased or failed subject once, nothing else.
    let mut sent: BTreeMap<String, usize> = BTreeMap::new();
    for subject in erased_subjects(server).await {
        *sent.entry(subject).or_default() += 1;
    }
    let mut expected_sent: BTreeMap<String, usize> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| matches!(r.status, Status::Erased | Status::Failed))
    {
        *expected_sent.entry(r.subject.clone().unwrap()).or_default() += 1;
    }
    if sent != expected_sent {
        problems.push(format!(
            "sent {sent:?}, but the journal has {expected_sent:?}"
        ));
    }
    if !problems.is_empty() {
        let shown: String = err.chars().take(3000).collect();
        problems.push(format!("stderr:\n{shown}"));
    }
    problems
}

#[tokio::test(flavor = "multi_thread")]
async fn every_corpus_file_ends_exactly_as_expected() {
    let cases = committed();
    assert!(cases.len() >= 30, "{} committed cases", cases.len());
    let dir = scratch("corpus");
    let generated = generated();
    // A few at a time: each case is a process and a mock of its own.
    let failures: Vec<String> = stream::iter(cases.iter().chain(&generated))
        .map(|case| {
            let dir = dir.clone();
            async move {
                let server = erasing_gong(Duration::ZERO).await;
                let problems = check(case, &server, &dir).await;
                (!problems.is_empty())
                    .then(|| format!("{}:\n  {}", case.name, problems.join("\n  ")))
            }
        })
        .buffer_unordered(4)
        .filter_map(future::ready)
        .collect()
        .await;
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

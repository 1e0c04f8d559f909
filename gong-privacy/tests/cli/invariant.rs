//! The batch invariant, on random CSV files built from known subjects: every subject row ends
//! as exactly one of erased, invalid (with its line), duplicate (with the first line) or
//! failed, or the whole file is refused before any request; no subject is sent that is not in
//! the file.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::util::*;

/// `(as written, canonical form when valid)`.
type Cell = (&'static str, Option<&'static str>);

const EMAILS: &[Cell] = &[
    ("", None),
    ("jane@example.com", Some("jane@example.com")),
    (" jane@Example.COM ", Some("jane@example.com")),
    ("Jane@example.com", Some("Jane@example.com")),
    ("joe@example.com", Some("joe@example.com")),
    ("fail1@example.com", Some("fail1@example.com")),
    ("nobody", None),
    ("ann@", None),
];
const PHONES: &[Cell] = &[
    ("", None),
    ("+1 425 555 2671", Some("+14255552671")),
    ("+1-425-555-2671", Some("+14255552671")),
    ("+1 (425) 555-2672", Some("+14255552672")),
    ("+1 425 555 2671 ext 7", None),
    ("4.25555E+10", None),
];
const SUBJECTS: &[Cell] = &[
    ("", None),
    ("joe@example.com", Some("joe@example.com")),
    ("+1 425 555 2672", Some("+14255552672")),
    ("fail2@example.com", Some("fail2@example.com")),
    ("4255552671", None),
];
const NAMES: &[Cell] = &[
    ("", None),
    ("Jane", None),
    ("Smith, J", None),
    ("O'Brien", None),
];

/// A column: its header spellings, its values, whether subjects are read from it.
struct ColumnSpec {
    headers: &'static [&'static str],
    pool: &'static [Cell],
    subjects: bool,
}

const COLUMNS: [ColumnSpec; 4] = [
    ColumnSpec {
        headers: &["email", "E-mail", "Email Address"],
        pool: EMAILS,
        subjects: true,
    },
    ColumnSpec {
        headers: &["phone", "Mobile", "phone_number"],
        pool: PHONES,
        subjects: true,
    },
    ColumnSpec {
        headers: &["subject", "Subject"],
        pool: SUBJECTS,
        subjects: true,
    },
    ColumnSpec {
        headers: &["name", "Full Name"],
        pool: NAMES,
        subjects: false,
    },
];

#[derive(Clone, Debug)]
struct Spec {
    columns: Vec<usize>,
    header_variant: usize,
    rows: Vec<Vec<usize>>,
    delimiter: u8,
    crlf: bool,
    bom: bool,
    quote_all: bool,
    extra_lines: Vec<u8>,
    /// `(kind, row)`: 0 a stray quote, 1 an extra field, 2 a NUL character.
    mutation: Option<(u8, usize)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::sample::subsequence(vec![0, 1, 2, 3], 1..=4)
            .prop_shuffle()
            .prop_filter("a subject column", |c| c.iter().any(|&i| i < 3)),
        0..3usize,
        proptest::collection::vec(proptest::collection::vec(0..8usize, 4), 1..10),
        prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(0..4u8, 10),
        proptest::option::weighted(0.25, (0..3u8, 0..10usize)),
    )
        .prop_map(
            |(
                columns,
                header_variant,
                rows,
                delimiter,
                crlf,
                bom,
                quote_all,
                extra_lines,
                mutation,
            )| Spec {
                columns,
                header_variant,
                rows,
                delimiter,
                crlf,
                bom,
                quote_all,
                extra_lines,
                mutation,
            },
        )
}

/// What one subject row must end as.
#[derive(Debug)]
struct Expected {
    line: u64,
    column: Option<String>,
    canonical: Option<&'static str>,
}

/// The file, the rows it holds, and whether it is broken on purpose.
fn build(spec: &Spec) -> (Vec<u8>, Vec<Expected>, bool) {
    let delimiter = char::from(spec.delimiter);
    let ending = if spec.crlf { "\r\n" } else { "\n" };
    let quote = |value: &str| {
        if spec.quote_all || value.contains(delimiter) || value.contains('"') {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    };
    let headers: Vec<&str> = spec
        .columns
        .iter()
        .map(|&c| COLUMNS[c].headers[spec.header_variant % COLUMNS[c].headers.len()])
        .collect();
    let mut text = String::new();
    if spec.bom {
        text.push('\u{feff}');
    }
    text.push_str(
        &headers
            .iter()
            .map(|h| quote(h))
            .collect::<Vec<_>>()
            .join(&delimiter.to_string()),
    );
    text.push_str(ending);
    let mut line = 1u64;
    let mut expected = Vec::new();
    let mut mutated = false;
    for (r, picks) in spec.rows.iter().enumerate() {
        // Blank and comment lines between rows.
        match spec.extra_lines[r % spec.extra_lines.len()] {
            1 => text.push_str(ending),
            2 => text.push_str(&format!("# note{ending}")),
            _ => {}
        }
        line += u64::from(matches!(
            spec.extra_lines[r % spec.extra_lines.len()],
            1 | 2
        ));
        line += 1;
        let cells: Vec<Cell> = spec
            .columns
            .iter()
            .zip(picks)
            .map(|(&c, &pick)| COLUMNS[c].pool[pick % COLUMNS[c].pool.len()])
            .collect();
        let mut row: String = cells
            .iter()
            .map(|(written, _)| quote(written))
            .collect::<Vec<_>>()
            .join(&delimiter.to_string());
        if let Some((kind, at)) = spec.mutation
            && at % spec.rows.len() == r
        {
            match kind {
                0 if !row.starts_with('"') => row.insert(0, '"'),
                2 => row.push('\0'),
                // A one-column file has no delimiter to detect: it is read as comma-separated.
                _ if spec.columns.len() == 1 => row.push_str(",x"),
                _ => row.push_str(&format!("{delimiter}x")),
            }
            mutated = true;
        }
        text.push_str(&row);
        text.push_str(ending);
        let mut any_subject = false;
        for ((&c, header), (written, canonical)) in spec.columns.iter().zip(&headers).zip(&cells) {
            if COLUMNS[c].subjects && !written.trim().is_empty() {
                any_subject = true;
                expected.push(Expected {
                    line,
                    column: Some((*header).to_owned()),
                    canonical: *canonical,
                });
            }
        }
        if !any_subject && cells.iter().any(|(w, _)| !w.trim().is_empty()) {
            // Data, but no subject: an invalid row of its own.
            expected.push(Expected {
                line,
                column: None,
                canonical: None,
            });
        }
    }
    (text.into_bytes(), expected, mutated)
}

#[test]
fn every_row_ends_as_exactly_one_outcome_or_the_file_is_refused() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = scratch("invariant");
    let mut runner = TestRunner::new(Config {
        cases: 40,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&spec(), |spec| {
            let case = case.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (bytes, expected, mutated) = build(&spec);
            let file = dir.join(format!("case{case}.csv"));
            std::fs::write(&file, &bytes).unwrap();
            let server = runtime.block_on(erasing_gong(Duration::ZERO));
            let (code, _, err) = run(gong_privacy(
                &server,
                &[
                    "erase",
                    "--from",
                    file.to_str().unwrap(),
                    "--yes",
                    "--rate",
                    "1000",
                ],
            ));
            let sent = runtime.block_on(erased_subjects(&server));
            let journal_path = dir.join(format!("case{case}.csv.journal.jsonl"));
            let records = subject_records(&journal_path);
            let valid = expected.iter().any(|e| e.canonical.is_some());

            if mutated || !valid {
                prop_assert_eq!(code, 2, "refused as a whole: {}", err);
                prop_assert!(sent.is_empty(), "sent {:?} from a refused file", sent);
                prop_assert!(!journal_path.exists());
                return Ok(());
            }
            prop_assert!(code == 0 || code == 1, "exit {}: {}", code, err);

            // Exactly one record per subject row, with its line.
            let mut by_row: HashMap<(u64, Option<String>), Vec<&serde_json::Value>> =
                HashMap::new();
            for r in &records {
                let key = (
                    r["line"].as_u64().unwrap(),
                    r["column"].as_str().map(str::to_owned),
                );
                by_row.entry(key).or_default().push(r);
            }
            prop_assert_eq!(
                by_row.len(),
                expected.len(),
                "rows {:?}",
                by_row.keys().collect::<Vec<_>>()
            );
            let mut first_line: HashMap<&str, u64> = HashMap::new();
            for e in &expected {
                let rows = by_row.get(&(e.line, e.column.clone()));
                prop_assert!(rows.is_some_and(|r| r.len() == 1), "{:?}: {:?}", e, rows);
                let record = rows.unwrap()[0];
                let status = record["status"].as_str().unwrap();
                match e.canonical {
                    None => prop_assert_eq!(status, "invalid", "{:?}", e),
                    Some(subject) => {
                        prop_assert_eq!(record["subject"].as_str(), Some(subject));
                        match first_line.get(subject) {
                            Some(&first) => {
                                prop_assert_eq!(status, "duplicate");
                                prop_assert_eq!(record["firstLine"].as_u64(), Some(first));
                            }
                            None => {
                                first_line.insert(subject, e.line);
                                let want = if subject.starts_with("fail") {
                                    "failed"
                                } else {
                                    "erased"
                                };
                                prop_assert_eq!(status, want);
                            }
                        }
                    }
                }
            }
            // Nothing sent that the file does not hold, and each subject once.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for subject in &sent {
                *counts.entry(subject.as_str()).or_default() += 1;
            }
            for (subject, n) in counts {
                prop_assert!(
                    first_line.contains_key(subject),
                    "{} is not in the file",
                    subject
                );
                prop_assert_eq!(n, 1, "{} sent {} times", subject, n);
            }
            prop_assert_eq!(sent.len(), first_line.len());
            let failed = first_line.keys().any(|s| s.starts_with("fail"));
            prop_assert_eq!(code, i32::from(failed));
            Ok(())
        })
        .unwrap();
}

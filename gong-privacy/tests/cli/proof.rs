// Over 500 lines: the proof chain (erase, verify, report, browser rendering) over one shared batch.
//! Proving an erasure, end to end: `erase` with the lookup first and the blast-radius guard,
//! `verify` against a Gong whose data goes away some lookups after an erasure (and for one
//! subject comes back, as after a CRM re-sync), `report` (its JSON validated against the
//! committed schema, its HTML rendered by a real headless Chromium), `--redact`, and `export`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::util::*;

/// One subject in the mock: what it holds, and when it goes away after an erasure.
#[derive(Clone, Default)]
struct Person {
    emails: usize,
    calls: usize,
    meetings: usize,
    crm: usize,
    events: usize,
    linked: Vec<&'static str>,
    /// The n-th lookup after the erasure finds nothing (1: the first).
    gone_after: usize,
    /// From the n-th lookup after the erasure on, the data is back (a CRM re-sync).
    back_after: Option<usize>,
    erased: bool,
    lookups_since_erase: usize,
}

/// Gong, with data that fades after an erasure: time is counted in lookups, not hours.
#[derive(Clone, Default)]
struct FadingGong {
    people: Arc<Mutex<HashMap<String, Person>>>,
    /// Subjects whose next lookup fails (400, not retried).
    fail_next: Arc<Mutex<HashSet<String>>>,
    ids: Arc<Mutex<usize>>,
}

impl FadingGong {
    fn with(people: &[(&str, Person)]) -> Self {
        let gong = Self::default();
        let mut map = gong.people.lock().unwrap();
        for (subject, person) in people {
            map.insert((*subject).to_owned(), person.clone());
        }
        drop(map);
        gong
    }

    fn id(&self, prefix: &str) -> String {
        let mut n = self.ids.lock().unwrap();
        *n += 1;
        format!("{prefix}{n:04}")
    }
}

impl Respond for FadingGong {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let subject = request
            .url
            .query_pairs()
            .map(|(_, v)| v.into_owned())
            .next()
            .unwrap_or_default();
        if request.method.as_str() == "POST" {
            if let Some(p) = self.people.lock().unwrap().get_mut(&subject) {
                p.erased = true;
                p.lookups_since_erase = 0;
            }
            return json_body(json!({"requestId": self.id("erase-")}));
        }
        if self.fail_next.lock().unwrap().remove(&subject) {
            return gong_error(400, "lookup refused");
        }
        let mut people = self.people.lock().unwrap();
        let Some(p) = people.get_mut(&subject) else {
            return json_body(json!({"requestId": self.id("look-")}));
        };
        let present = if p.erased {
            p.lookups_since_erase += 1;
            let n = p.lookups_since_erase;
            n < p.gone_after || p.back_after.is_some_and(|b| n >= b)
        } else {
            true
        };
        let mut body = json!({"requestId": self.id("look-")});
        if present {
            let list = |n: usize| {
                (0..n)
                    .map(|i| json!({"id": format!("{i}")}))
                    .collect::<Vec<_>>()
            };
            body["emails"] = json!(list(p.emails));
            body["calls"] = json!(list(p.calls));
            body["meetings"] = json!(list(p.meetings));
            body["customerData"] = json!([{"system": "Salesforce", "objects": list(p.crm)}]);
            body["customerEngagement"] = json!(list(p.events));
            if subject.starts_with('+') {
                body["emailAddresses"] = json!(p.linked);
                body["matchingPhoneNumbers"] = json!([subject]);
            }
        }
        json_body(body)
    }
}

fn json_body(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn serve(gong: &FadingGong) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(gong.clone())
        .mount(&server)
        .await;
    server
}

/// The README's batch: a person with an email and a number, three more people, a shared
/// mailbox and a switchboard number, a duplicate and an invalid row.
const BATCH: &str = "\
Name,E-mail,Mobile
Jane Roe,jane@example.com,+1 (425) 555-2671
Joe Bloggs,joe@example.com,
Ann Other,ann@example.com,
Sales inbox,sales@example.com,
Front desk,,+44 20 7946 0018
Jane (again),jane@example.com,
Bad row,jane@example,
";

/// The README's Gong: jane and her number gone at the first lookup after the erasure, joe at
/// the second, ann gone then back (a CRM re-sync), a shared mailbox with 515 objects, a
/// switchboard number of three people.
fn readme_gong() -> FadingGong {
    let p = Person::default;
    FadingGong::with(&[
        (
            "jane@example.com",
            Person {
                emails: 12,
                calls: 3,
                meetings: 1,
                crm: 2,
                events: 4,
                gone_after: 1,
                ..p()
            },
        ),
        (
            "+14255552671",
            Person {
                calls: 2,
                crm: 1,
                linked: vec!["jane@example.com"],
                gone_after: 1,
                ..p()
            },
        ),
        (
            "joe@example.com",
            Person {
                emails: 6,
                calls: 2,
                gone_after: 2,
                ..p()
            },
        ),
        (
            "ann@example.com",
            Person {
                emails: 3,
                crm: 1,
                gone_after: 1,
                back_after: Some(2),
                ..p()
            },
        ),
        (
            "sales@example.com",
            Person {
                emails: 480,
                calls: 35,
                gone_after: 1,
                ..p()
            },
        ),
        (
            "+442079460018",
            Person {
                calls: 4,
                crm: 3,
                linked: vec![
                    "reception@example.com",
                    "office@example.com",
                    "jane.doe@example.com",
                ],
                gone_after: 1,
                ..p()
            },
        ),
    ])
}

/// `(method, subject)` of every request so far.
async fn sent(server: &MockServer) -> Vec<(String, String)> {
    requests(server).await
}

fn count(requests: &[(String, String)], method: &str, subject: &str) -> usize {
    requests
        .iter()
        .filter(|(m, s)| m == method && s == subject)
        .count()
}

/// What the journal says, computed here from its lines (not with the library): each row's
/// latest outcome and each erased subject's latest verification.
fn journal_totals(path: &Path) -> BTreeMap<&'static str, usize> {
    let lines = journal(path);
    let erase_run = lines
        .iter()
        .rfind(|l| l["type"] == "run" && l["operation"] == "erase")
        .unwrap()["runId"]
        .clone();
    let mut latest: BTreeMap<(u64, String), Value> = BTreeMap::new();
    let mut verified: HashMap<String, String> = HashMap::new();
    for l in &lines {
        if l["type"] == "subject" && l["runId"] == erase_run {
            let key = (
                l["line"].as_u64().unwrap(),
                l["column"].as_str().unwrap().to_owned(),
            );
            latest.insert(key, l.clone());
        }
        if l["type"] == "verify" && l["verifies"] == erase_run {
            verified.insert(
                l["subject"].as_str().unwrap().to_owned(),
                l["result"].as_str().unwrap().to_owned(),
            );
        }
    }
    let mut totals = BTreeMap::new();
    for key in [
        "erased",
        "heldBack",
        "failed",
        "deferred",
        "invalid",
        "duplicates",
        "verifiedClean",
        "stillPresent",
        "presentAgain",
        "verifyFailed",
        "notVerified",
    ] {
        totals.insert(key, 0);
    }
    for record in latest.values() {
        let status = record["status"].as_str().unwrap();
        let key = match status {
            "erased" => "erased",
            "heldBack" => "heldBack",
            "failed" => "failed",
            "deferred" => "deferred",
            "invalid" => "invalid",
            "duplicate" => "duplicates",
            other => panic!("status {other}"),
        };
        *totals.get_mut(key).unwrap() += 1;
        if status == "erased" {
            let key = match verified
                .get(record["subject"].as_str().unwrap())
                .map(String::as_str)
            {
                Some("clean") => "verifiedClean",
                Some("stillPresent") => "stillPresent",
                Some("presentAgain") => "presentAgain",
                Some("failed") => "verifyFailed",
                None => "notVerified",
                Some(other) => panic!("result {other}"),
            };
            *totals.get_mut(key).unwrap() += 1;
        }
    }
    let subjects = totals["erased"] + totals["heldBack"] + totals["failed"] + totals["deferred"];
    totals.insert("subjects", subjects);
    totals
}

/// Debian's Chromium, or a failure that says how to install it: the HTML check never skips.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(output) = Command::new("which").arg(name).output()
            && output.status.success()
        {
            return PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
        }
    }
    panic!(
        "the evidence report's HTML is checked in a real browser: install Chromium \
         (Debian: apt-get install -y chromium; .ci/run does)"
    );
}

/// Runs headless Chromium on `page` with `args`, within a minute; its standard output.
fn headless(page: &Path, profile: &Path, args: &[&str]) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "chromium failed: {:?}",
        output.status
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The totals a rendered page shows: each `data-total` element's number.
fn shown_totals(dom: &str) -> BTreeMap<String, usize> {
    let mut totals = BTreeMap::new();
    for part in dom.split("data-total=\"").skip(1) {
        let (key, rest) = part.split_once('"').unwrap();
        let number = rest.split_once('>').unwrap().1.split_once('<').unwrap().0;
        totals.insert(key.to_owned(), number.trim().parse().unwrap());
    }
    totals
}

/// Copies the journal at `from` to `to` with its times moved: the erase run to 2026-11-24
/// 09:00 UTC, verify pass N to N × 9 hours later (`sinceEraseSecs` grown to match).
fn spread_over_days(from: &Path, to: &Path) {
    use gong_api_ext::lifecycle::Timestamp;
    let lines = journal(from);
    let start: Timestamp = lines[0]["ts"].as_str().unwrap().parse().unwrap();
    let base: Timestamp = "2026-11-24T09:00:00Z".parse().unwrap();
    let moved = |value: &Value, later: Duration| -> Value {
        let t: Timestamp = value.as_str().unwrap().parse().unwrap();
        let at = Timestamp::from(base.system_time() + t.since(start) + later);
        json!(at.to_string())
    };
    let mut out = String::new();
    for mut line in lines {
        let pass = line["runId"]
            .as_str()
            .filter(|id| id.starts_with("verify-"))
            .and_then(|id| id.rsplit('-').next())
            .map_or(0, |n| n.parse::<u32>().unwrap());
        let later = Duration::from_secs(u64::from(pass) * 9 * 3600);
        for key in ["ts", "at"] {
            if line.get(key).is_some() {
                line[key] = moved(&line[key], later);
            }
        }
        for nested in ["before", "found"] {
            if line.get(nested).is_some_and(Value::is_object) {
                line[nested]["at"] = moved(&line[nested]["at"], later);
            }
        }
        if let Some(secs) = line.get("sinceEraseSecs").and_then(Value::as_u64) {
            line["sinceEraseSecs"] = json!(secs + later.as_secs());
        }
        out.push_str(&serde_json::to_string(&line).unwrap());
        out.push('\n');
    }
    std::fs::write(to, out).unwrap();
}

fn verify_records(path: &Path, run: &str) -> BTreeMap<String, Value> {
    journal(path)
        .into_iter()
        .filter(|l| l["type"] == "verify" && l["runId"] == run)
        .map(|l| (l["subject"].as_str().unwrap().to_owned(), l))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_lifecycle_erase_verify_report_in_a_browser() {
    let gong = readme_gong();
    let server = serve(&gong).await;
    let dir = scratch("proof");
    let csv = dir.join("dsr-2026-12.csv");
    std::fs::write(&csv, BATCH).unwrap();
    let journal_path = dir.join("dsr-2026-12.csv.journal.jsonl");
    let jp = journal_path.to_str().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = gong_privacy(&server, args);
        c.current_dir(&dir)
            .env("GONG_PRIVACY_OPERATOR", "Dana Privacy");
        c
    };
    let erase = [
        "erase",
        "--from",
        "dsr-2026-12.csv",
        "--yes",
        "--rate",
        "1000",
    ];

    // 1. Erase: each subject looked up first; the mailbox and the switchboard are held back.
    let (code, out, err) = run(cmd(&erase));
    assert_eq!(code, 9, "{out}\n{err}");
    assert!(
        err.contains("6 to erase now: 12 calls (a lookup before each erasure)"),
        "{err}"
    );
    assert!(
        err.contains("dsr-2026-12.csv:5: sales@example.com: held back for review: 515 objects (more than 200)"),
        "{err}"
    );
    assert!(
        err.contains(
            "dsr-2026-12.csv:6: +442079460018: held back for review: the number belongs to 3 people"
        ),
        "{err}"
    );
    assert!(err.contains("--allow-large"), "{err}");
    assert!(out.contains("4 erased, 2 held back, 0 failed"), "{out}");
    let requests = sent(&server).await;
    for held in ["sales@example.com", "+442079460018"] {
        assert_eq!(count(&requests, "GET", held), 1);
        assert_eq!(
            count(&requests, "POST", held),
            0,
            "{held} must not be erased"
        );
    }
    let records = subject_records(&journal_path);
    let jane = records
        .iter()
        .find(|r| r["subject"] == "jane@example.com" && r["status"] == "erased")
        .unwrap();
    assert_eq!(
        jane["before"]["counts"],
        json!({"emails": 12, "calls": 3, "meetings": 1, "crmObjects": 2, "engagementEvents": 4})
    );
    assert!(
        jane["before"]["requestId"]
            .as_str()
            .unwrap()
            .starts_with("look-")
    );
    assert_eq!(jane["guard"], json!({"decision": "passed"}));
    assert!(jane["requestId"].as_str().unwrap().starts_with("erase-"));
    let phone = records
        .iter()
        .find(|r| r["subject"] == "+14255552671")
        .unwrap();
    assert_eq!(
        phone["before"]["linkedEmailAddresses"],
        json!(["jane@example.com"])
    );
    let switchboard = records
        .iter()
        .find(|r| r["subject"] == "+442079460018")
        .unwrap();
    assert_eq!(switchboard["status"], "heldBack");
    assert_eq!(
        switchboard["guard"]["reasons"],
        json!([{"reason": "severalPeople", "people": 3, "max": 1}])
    );
    let run_record = &journal(&journal_path)[0];
    assert_eq!(
        (
            run_record["v"].as_u64(),
            run_record["operator"].as_str(),
            run_record["host"].as_str()
        ),
        (Some(3), Some("Dana Privacy"), Some(server.uri().as_str()))
    );

    // 2. Verify, pass 1: joe's data is still there, the rest is gone.
    let verify = ["verify", "dsr-2026-12.csv.journal.jsonl", "--rate", "1000"];
    let (code, out, err) = run(cmd(&verify));
    assert_eq!(code, 10, "{out}\n{err}");
    assert!(out.contains("Verify pass 1 of run erase-"), "{out}");
    assert!(
        out.contains("3 clean, 1 still present, 0 present again, 0 failed"),
        "{out}"
    );
    assert!(
        err.contains("dsr-2026-12.csv:3: joe@example.com: still present"),
        "{err}"
    );
    let run_id = journal(&journal_path)[0]["runId"]
        .as_str()
        .unwrap()
        .to_owned();
    let pass1 = format!("verify-{}-1", run_id.trim_start_matches("erase-"));
    let v = verify_records(&journal_path, &pass1);
    assert_eq!(v.len(), 4, "every erased subject, and only those");
    assert_eq!(v["joe@example.com"]["result"], "stillPresent");
    assert_eq!(v["joe@example.com"]["found"]["counts"]["emails"], 6);
    assert!(v["joe@example.com"]["sinceEraseSecs"].is_u64());
    assert_eq!(
        v["joe@example.com"]["eraseRequestId"],
        records
            .iter()
            .find(|r| r["subject"] == "joe@example.com")
            .unwrap()["requestId"]
    );
    for clean in ["jane@example.com", "+14255552671", "ann@example.com"] {
        assert_eq!(v[clean]["result"], "clean", "{clean}");
    }

    // 3. Pass 2: joe gone now; ann's data came back.
    let (code, out, err) = run(cmd(&verify));
    assert_eq!(code, 10, "{out}\n{err}");
    assert!(
        out.contains("3 clean, 0 still present, 1 present again, 0 failed"),
        "{out}"
    );
    assert!(err.contains("ann@example.com: present again"), "{err}");
    assert!(err.contains("erase it at its source"), "{err}");

    // 4. A failed lookup leaves the pass open; the rerun looks up that subject only.
    gong.fail_next
        .lock()
        .unwrap()
        .insert("jane@example.com".into());
    let (code, out, err) = run(cmd(&verify));
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("jane@example.com: lookup failed"), "{err}");
    let before = sent(&server).await.len();
    let (code, out, err) = run(cmd(&verify));
    assert_eq!(code, 10, "{out}\n{err}");
    assert!(
        err.contains("verify pass 3 (resumed: 3 verified already); 1 to look up"),
        "{err}"
    );
    let rerun = sent(&server).await.split_off(before);
    assert_eq!(rerun, [("GET".to_owned(), "jane@example.com".to_owned())]);

    // 5. One process at a time: a verify is refused while another holds the journal.
    {
        let _held = gong_privacy::batch::journal::Journal::open(&journal_path).unwrap();
        let (code, _, err) = run(cmd(&verify));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("the journal is in use by another process"),
            "{err}"
        );
    }

    // 6. The report: JSON valid against the committed schema, totals equal the journal's.
    let (code, out, err) = run(cmd(&[
        "report",
        "dsr-2026-12.csv.journal.jsonl",
        "--out",
        "evidence",
    ]));
    assert_eq!(code, 0, "{out}\n{err}");
    let stem = dir.join("evidence").join(format!("evidence-{run_id}"));
    let html_path = stem.with_extension("html");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(stem.with_extension("json")).unwrap())
            .unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/evidence-report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let expected = journal_totals(&journal_path);
    assert_eq!(expected["heldBack"], 2);
    assert_eq!(expected["presentAgain"], 1);
    for (key, n) in &expected {
        assert_eq!(report["totals"][key].as_u64(), Some(*n as u64), "{key}");
    }
    assert_eq!(report["operator"], "Dana Privacy");
    assert_eq!(report["gongHost"], server.uri());
    assert_eq!(report["verifyPasses"].as_array().unwrap().len(), 3);
    let csv_lines = std::fs::read_to_string(stem.with_extension("csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(csv_lines, 1 + 8, "a header and one line per row");
    for extension in ["html", "json", "csv"] {
        let text = std::fs::read_to_string(stem.with_extension(extension)).unwrap();
        assert!(
            !text.contains("cli-key") && !text.contains("cli-secret"),
            "credentials in the {extension}"
        );
    }

    // 7. The HTML in a real browser: it renders, and the totals it shows are the journal's.
    let profile = dir.join("chromium-profile");
    let dom = headless(&html_path, &profile, &["--dump-dom"]);
    assert!(dom.contains("<h1>Erasure evidence</h1>"), "{dom}");
    let shown = shown_totals(&dom);
    let expected: BTreeMap<String, usize> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    assert_eq!(shown, expected);
    // The screenshot for the README: the same journal with its times spread over two days, as
    // in real use (the mock counts time in lookups, so here everything took seconds).
    let timeline = dir.join("timeline").join("dsr-2026-12.csv.journal.jsonl");
    std::fs::create_dir_all(timeline.parent().unwrap()).unwrap();
    spread_over_days(&journal_path, &timeline);
    let mut report = cmd(&["report", "dsr-2026-12.csv.journal.jsonl"]);
    report.current_dir(timeline.parent().unwrap());
    let (code, out, err) = run(report);
    assert_eq!(code, 0, "{out}\n{err}");
    let timeline_html = timeline.with_file_name(format!("evidence-{run_id}.html"));
    assert_eq!(
        shown_totals(&headless(&timeline_html, &profile, &["--dump-dom"])),
        expected
    );
    let png = dir.join("evidence-report.png");
    headless(
        &timeline_html,
        &profile,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1400,1300",
        ],
    );
    let image = std::fs::read(&png).unwrap();
    assert!(
        image.starts_with(b"\x89PNG\r\n\x1a\n") && image.len() > 20_000,
        "{} bytes",
        image.len()
    );
    if std::env::var_os("UPDATE_EVIDENCE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/evidence-report.png");
        std::fs::copy(&png, docs).unwrap();
    }

    // 8. After review, the held-back subjects are erased with the explicit allow.
    let mut allow = erase.to_vec();
    allow.push("--allow-large");
    let (code, out, err) = run(cmd(&allow));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2 erased, 0 held back, 0 failed"), "{out}");
    let requests = sent(&server).await;
    assert_eq!(count(&requests, "POST", "sales@example.com"), 1);
    assert_eq!(count(&requests, "POST", "+442079460018"), 1);
    assert_eq!(
        count(&requests, "POST", "jane@example.com"),
        1,
        "erased once, not again"
    );
    let sales = subject_records(&journal_path)
        .into_iter()
        .rfind(|r| r["subject"] == "sales@example.com")
        .unwrap();
    assert_eq!(
        (
            sales["status"].as_str(),
            sales["guard"]["decision"].as_str()
        ),
        (Some("erased"), Some("allowed"))
    );

    // 9. The next verify pass covers them too.
    let (code, out, err) = run(cmd(&verify));
    assert_eq!(code, 10, "ann is still back: {out}\n{err}");
    // Pass 3 had no result for them yet: it is continued for those two only.
    assert!(
        err.contains("verify pass 3 (resumed: 4 verified already); 2 to look up"),
        "{err}"
    );
    assert!(out.contains("Verify pass 3"), "{out}");
    assert!(out.contains("5 clean, 0 still present, 1 present again, 0 failed, 0 not looked up yet; 6 erased subjects"), "{out}");

    // 10. A redacted report names nobody, in any of its files.
    let key = dir.join("redact.key");
    std::fs::write(&key, "8d3f1c2b7a9e4f60a1b2c3d4e5f60718\n").unwrap();
    let (code, out, err) = run(cmd(&[
        "report",
        jp,
        "--out",
        "shared",
        "--redact",
        "--redact-key-file",
        key.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}\n{err}");
    let written: Vec<PathBuf> = std::fs::read_dir(dir.join("shared"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 3, "{written:?}");
    let mut secrets: Vec<String> = Vec::new();
    for line in BATCH.lines().skip(1) {
        for field in line.split(',').skip(1).filter(|f| !f.is_empty()) {
            secrets.push(field.to_owned());
        }
    }
    secrets.extend(
        [
            "+14255552671",
            "14255552671",
            "4255552671",
            "+442079460018",
            "442079460018",
            "2079460018",
            "reception@example.com",
            "office@example.com",
            "jane.doe@example.com",
            "example.com",
            "jane",
            "Jane",
            "8d3f1c2b7a9e4f60",
            "cli-key",
            "cli-secret",
        ]
        .map(str::to_owned),
    );
    for file in &written {
        let text = std::fs::read_to_string(file).unwrap();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{secret:?} in {}",
                file.display()
            );
        }
    }
    let redacted: Value = serde_json::from_str(
        &std::fs::read_to_string(
            written
                .iter()
                .find(|f| f.extension().unwrap() == "json")
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(validator.is_valid(&redacted));
    assert!(
        redacted["subjects"][0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("hmac-sha256:")
    );
}

/// `--allow SUBJECT` erases the one held-back subject someone reviewed; the other stays held
/// back. A subject that is not in the file is refused before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn held_back_subjects_are_allowed_one_by_one() {
    let server = serve(&readme_gong()).await;
    let dir = scratch("allow-one");
    std::fs::write(dir.join("dsr.csv"), BATCH).unwrap();
    let cmd = |extra: &[&str]| {
        let mut args = vec!["erase", "--from", "dsr.csv", "--yes", "--rate", "1000"];
        args.extend_from_slice(extra);
        let mut c = gong_privacy(&server, &args);
        c.current_dir(&dir);
        c
    };
    let (code, out, err) = run(cmd(&[]));
    assert_eq!(code, 9, "{out}\n{err}");
    assert!(
        err.contains("--allow SUBJECT (repeatable)") && err.contains("--allow-large"),
        "{err}"
    );
    let before = sent(&server).await.len();
    // Not a subject of the file (a typo of the one reviewed): nothing is sent.
    let (code, _, err) = run(cmd(&["--allow", "+44 20 7946 0019"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--allow +44 20 7946 0019: +442079460019 is not a subject of dsr.csv"),
        "{err}"
    );
    let (code, _, err) = run(cmd(&["--allow", "sales@example"]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(sent(&server).await.len(), before, "nothing sent");
    // The switchboard, written as in the file, is allowed; the mailbox stays held back.
    let (code, out, err) = run(cmd(&["--allow", "+44 20 7946 0018"]));
    assert_eq!(code, 9, "{out}\n{err}");
    assert!(out.contains("1 erased, 1 held back, 0 failed"), "{out}");
    let requests = sent(&server).await;
    assert_eq!(count(&requests, "POST", "+442079460018"), 1);
    assert_eq!(count(&requests, "POST", "sales@example.com"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_preview_saves_the_lookups_and_says_what_it_gives_up() {
    let gong = FadingGong::with(&[(
        "big@example.com",
        Person {
            emails: 900,
            gone_after: 1,
            ..Person::default()
        },
    )]);
    let server = serve(&gong).await;
    let dir = scratch("no-preview");
    std::fs::write(dir.join("q.txt"), "big@example.com\nsmall@example.com\n").unwrap();
    let mut cmd = gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            "q.txt",
            "--yes",
            "--no-preview",
            "--rate",
            "1000",
        ],
    );
    cmd.current_dir(&dir);
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("2 to erase now: 2 calls (no lookups: --no-preview)"),
        "{err}"
    );
    assert!(
        sent(&server).await.iter().all(|(m, _)| m == "POST"),
        "no lookup"
    );
    let records = subject_records(&dir.join("q.txt.journal.jsonl"));
    assert!(
        records
            .iter()
            .all(|r| r["before"].is_null() && r["guard"] == json!({"decision": "noPreview"}))
    );
    assert_eq!(
        journal(&dir.join("q.txt.journal.jsonl"))[0]["preview"],
        false
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_erase_is_held_back_until_allowed() {
    let big = |emails| Person {
        emails,
        gone_after: 1,
        ..Person::default()
    };
    let gong = FadingGong::with(&[
        ("sales@example.com", big(500)),
        ("busy@example.com", big(500)),
    ]);
    let server = serve(&gong).await;
    let erase = |subject: &str, extra: &[&str]| {
        let mut args = vec!["--json", "erase", "email", subject, "--yes"];
        args.extend_from_slice(extra);
        run(gong_privacy(&server, &args))
    };
    let (code, out, err) = erase("sales@example.com", &[]);
    assert_eq!(code, 9, "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (
            record["status"].as_str(),
            record["guard"]["decision"].as_str()
        ),
        (Some("heldBack"), Some("heldBack"))
    );
    assert!(
        err.contains("Gong holds for sales@example.com: 500 emails"),
        "{err}"
    );
    assert!(
        err.contains("held back for review: 500 objects (more than 200)"),
        "{err}"
    );
    assert_eq!(count(&sent(&server).await, "POST", "sales@example.com"), 0);
    let (code, out, err) = erase("sales@example.com", &["--allow-large"]);
    assert_eq!(code, 0, "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(record["guard"]["decision"], "allowed");
    assert_eq!(record["before"]["counts"]["emails"], 500);
    assert_eq!(count(&sent(&server).await, "POST", "sales@example.com"), 1);
    // A higher threshold lets a subject through without the allow.
    let (code, out, err) = erase("busy@example.com", &["--max-objects", "1000"]);
    assert_eq!(code, 0, "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(record["guard"]["decision"], "passed");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_gongs_whole_answer_and_a_summary_per_subject() {
    let server = MockServer::start().await;
    // Gong's order (not alphabetical), an empty known list, a known field set to null, a float
    // written with its zero, and spacing: the JSON file is this, byte for byte.
    let email_answer = r#"{"requestId":"look-9", "meetings":[],"emails":[{"id":"e1","from":"jane@example.com","sentiment":"warm","sentAt":null}],"calls":[{"id":"7782342274025937000","status":"COMPLETED","duration":60.0}],"customerData":[{"system":"HubSpot","objects":[{"id":"c1","objectType":"Contact","fields":[{"name":"Title","value":"CFO"}]}]}],"voicemails":[{"id":"v1","transcript":"call me back"}]}"#;
    Mock::given(wiremock::matchers::path(
        "/v2/data-privacy/data-for-email-address",
    ))
    .respond_with(json(email_answer))
    .mount(&server)
    .await;
    Mock::given(wiremock::matchers::path("/v2/data-privacy/data-for-phone-number"))
        .respond_with(json(r#"{"requestId":"look-8","calls":[{"id":"1"}],"emailAddresses":["jane@example.com"],"suppliedPhoneNumber":"+14255552671"}"#))
        .mount(&server)
        .await;
    let dir = scratch("export");
    let out_dir = dir.join("out");
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "export",
            "email",
            "jane@example.com",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    let exported = std::fs::read_to_string(out_dir.join("email-jane@example.com.json")).unwrap();
    assert_eq!(exported, email_answer, "Gong's answer, byte for byte");
    let answer: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        answer["voicemails"][0]["transcript"], "call me back",
        "an unknown field is exported"
    );
    assert_eq!(answer["emails"][0]["sentiment"], "warm");
    let page = std::fs::read_to_string(out_dir.join("email-jane@example.com.html")).unwrap();
    for shown in [
        "Calls",
        "Emails",
        "CRM object: HubSpot Contact",
        "CFO",
        "Other data",
        "call me back",
    ] {
        assert!(page.contains(shown), "{shown} not in the summary");
    }
    assert!(!page.contains("<script"));

    // The batch form: one pair of files per valid subject; invalid rows named, not exported.
    std::fs::write(
        dir.join("dsr.txt"),
        "jane@example.com\n+1 425 555 2671\nnobody\n",
    )
    .unwrap();
    let mut cmd = gong_privacy(
        &server,
        &[
            "export", "--from", "dsr.txt", "--out", "batch", "--rate", "1000",
        ],
    );
    cmd.current_dir(&dir);
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("1 invalid row not exported"), "{err}");
    let mut files: Vec<String> = std::fs::read_dir(dir.join("batch"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "email-jane@example.com.html",
            "email-jane@example.com.json",
            "phone-+14255552671.html",
            "phone-+14255552671.json"
        ]
    );
    // Nothing the command writes holds the credentials.
    for file in files {
        let text = std::fs::read_to_string(dir.join("batch").join(file)).unwrap();
        assert!(!text.contains("cli-secret") && !text.contains("cli-key"));
    }
    let (code, _, err) = run(gong_privacy(
        &server,
        &["export", "email", "jane@example.com"],
    ));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out DIR is required"), "{err}");
}

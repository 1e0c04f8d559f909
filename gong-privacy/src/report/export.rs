//! [`AccessExport`]: what Gong holds about a subject, for an access request.

use askama::Template;
use serde_json::{Map, Value};

use gong_api_ext::Subject;
use gong_api_ext::lifecycle::{Snapshot, Timestamp};
use gong_api_ext::types;

/// An access request's answer (GDPR Art. 15, CCPA "right to know"): Gong's whole answer about
/// a subject, and a readable summary of it.
///
/// [`to_json`](Self::to_json) is Gong's answer byte for byte as received when the export was
/// made by [`look_up`](Self::look_up): every field, empty lists and `null`s included, in Gong's
/// order. Built from a typed answer ([`of_email`](Self::of_email)), it is that answer encoded
/// again: every field Gong sent, those this crate does not know included, with the same values,
/// but empty lists and `null`s of fields the crate knows left out, as absent.
/// [`to_html`](Self::to_html) is a self-contained page grouping it by kind: calls, emails,
/// meetings, CRM objects and their fields, engagement events, and for a phone number the
/// linked email addresses and matching numbers; fields Gong added are shown under "Other
/// data", so nothing in the JSON is missing from the page.
///
/// ```no_run
/// use gong_privacy::report::AccessExport;
/// use gong_api_ext::{GongClient, Subject};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = GongClient::from_env()?;
/// let subject = Subject::parse("jane@example.com")?;
/// let export = AccessExport::look_up(&client, &subject).await?;
/// std::fs::write("jane.json", export.to_json())?;
/// std::fs::write("jane.html", export.to_html(Some("https://us-55616.api.gong.io")))?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AccessExport {
    /// Whose data.
    pub subject: Subject,
    /// Gong's whole answer.
    pub answer: Value,
    /// Its counts.
    pub snapshot: Snapshot,
    /// Gong's answer exactly as received (JSON text), when [`look_up`](Self::look_up) made the
    /// export; `None` when it was built from a typed answer.
    pub received: Option<String>,
}

impl AccessExport {
    /// Looks `subject` up and keeps Gong's whole answer. One call.
    pub async fn look_up(
        client: &gong_api_ext::GongClient,
        subject: &Subject,
    ) -> Result<Self, gong_api_ext::Error> {
        let at = Timestamp::now;
        let (export, body) = match subject {
            Subject::Email(e) => {
                let (answer, body) = client.find_references_by_email_as_received(e).await?;
                (Self::of_email(subject.clone(), &answer, at()), body)
            }
            Subject::Phone(p) => {
                let (answer, body) = client.find_references_by_phone_as_received(p).await?;
                (Self::of_phone(subject.clone(), &answer, at()), body)
            }
        };
        Ok(export.with_received(&body))
    }

    /// Keeps `body`, the answer as received, for [`to_json`](Self::to_json), and shows what it
    /// holds (empty lists and `null`s included) in the summary too. The executor accepted it as
    /// a JSON object, so both readings succeed; should one not, the typed reading stands.
    fn with_received(self, body: &[u8]) -> Self {
        match (
            std::str::from_utf8(body),
            serde_json::from_slice::<Value>(body),
        ) {
            (Ok(text), Ok(answer)) if answer.is_object() => Self {
                answer,
                received: Some(text.to_owned()),
                ..self
            },
            _ => self,
        }
    }

    /// An email lookup's answer, received `at`.
    pub fn of_email(subject: Subject, r: &types::EmailAddressReferences, at: Timestamp) -> Self {
        Self {
            subject,
            answer: serde_json::to_value(r).expect("answers serialise"),
            snapshot: Snapshot::of_email(r, at),
            received: None,
        }
    }

    /// A phone lookup's answer, received `at`.
    pub fn of_phone(subject: Subject, r: &types::PhoneNumberReferences, at: Timestamp) -> Self {
        Self {
            subject,
            answer: serde_json::to_value(r).expect("answers serialise"),
            snapshot: Snapshot::of_phone(r, at),
            received: None,
        }
    }

    /// Gong's answer as JSON: as received, byte for byte, when there is one (see
    /// [`received`](Self::received)); else the typed answer, pretty-printed.
    pub fn to_json(&self) -> String {
        if let Some(received) = &self.received {
            return received.clone();
        }
        let mut json = serde_json::to_string_pretty(&self.answer).expect("JSON serialises");
        json.push('\n');
        json
    }

    /// The readable summary: one self-contained HTML page (inline CSS, no scripts), grouped by
    /// kind. `host` is the Gong host asked, shown in the header.
    pub fn to_html(&self, host: Option<&str>) -> String {
        AccessPage::of(self, host)
            .render()
            .expect("the access template renders")
    }
}

/// A group of the answer: a titled table.
struct Group {
    title: String,
    note: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "access.html")]
struct AccessPage {
    subject: String,
    kind: &'static str,
    host: String,
    at: String,
    request_id: String,
    total: usize,
    groups: Vec<Group>,
}

/// The known lists of an answer, in the order shown, with their titles.
const KINDS: [(&str, &str); 7] = [
    ("calls", "Calls"),
    ("emails", "Emails"),
    ("meetings", "Meetings"),
    ("customerData", "CRM objects and fields"),
    ("customerEngagement", "Engagement events"),
    ("emailAddresses", "Linked email addresses"),
    ("matchingPhoneNumbers", "Matching phone numbers"),
];

/// Fields of the answer that describe the request, not the person.
const ABOUT_THE_REQUEST: [&str; 2] = ["requestId", "suppliedPhoneNumber"];

impl AccessPage {
    fn of(export: &AccessExport, host: Option<&str>) -> Self {
        let empty = Map::new();
        let answer = export.answer.as_object().unwrap_or(&empty);
        let mut groups = Vec::new();
        for (key, title) in KINDS {
            let items = answer.get(key).and_then(Value::as_array);
            let items: &[Value] = items.map_or(&[], Vec::as_slice);
            if key == "customerData" {
                groups.extend(crm_groups(items));
            } else if !items.is_empty() || matches!(key, "calls" | "emails" | "meetings") {
                groups.push(table(title.to_owned(), items));
            }
        }
        let other: Vec<(&String, &Value)> = answer
            .iter()
            .filter(|(k, _)| {
                !KINDS.iter().any(|(known, _)| known == k)
                    && !ABOUT_THE_REQUEST.contains(&k.as_str())
            })
            .collect();
        if !other.is_empty() {
            groups.push(Group {
                title: "Other data".into(),
                note: "Fields Gong sent that this tool does not know, as Gong sent them.".into(),
                columns: vec!["field".into(), "value".into()],
                rows: other
                    .into_iter()
                    .map(|(k, v)| vec![k.clone(), pretty(v)])
                    .collect(),
            });
        }
        Self {
            subject: export.subject.to_string(),
            kind: if matches!(export.subject, Subject::Email(_)) {
                "email address"
            } else {
                "phone number"
            },
            host: host.unwrap_or("—").to_owned(),
            at: export.snapshot.at.to_string(),
            request_id: export.snapshot.request_id.clone().unwrap_or_default(),
            total: export.snapshot.objects(),
            groups,
        }
    }
}

/// A list of objects (or strings) as a table: one column per field, in the order first seen.
fn table(title: String, items: &[Value]) -> Group {
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        if let Value::Object(fields) = item {
            for key in fields.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    let plain = columns.is_empty();
    if plain {
        columns.push("value".into());
    }
    let rows = items
        .iter()
        .map(|item| match item {
            Value::Object(fields) => columns
                .iter()
                .map(|c| fields.get(c).map(text).unwrap_or_default())
                .collect(),
            other => vec![text(other)],
        })
        .collect();
    Group {
        note: match items.len() {
            0 => "none".into(),
            1 => "1 entry".into(),
            n => format!("{n} entries"),
        },
        title,
        columns,
        rows,
    }
}

/// CRM data: one table of fields per CRM object, titled with its system, type and ids.
fn crm_groups(systems: &[Value]) -> Vec<Group> {
    let mut groups = Vec::new();
    for system in systems {
        let name = system
            .get("system")
            .map(text)
            .unwrap_or_else(|| "CRM".into());
        let objects = system.get("objects").and_then(Value::as_array);
        for object in objects.map_or(&[][..], Vec::as_slice) {
            let field = |k: &str| object.get(k).map(text).unwrap_or_default();
            let mut about: Vec<String> = ["id", "externalId", "mirrorId"]
                .into_iter()
                .filter(|k| object.get(*k).is_some())
                .map(|k| format!("{k} {}", field(k)))
                .collect();
            if let Value::Object(all) = object {
                for (k, v) in all {
                    if !matches!(
                        k.as_str(),
                        "id" | "externalId" | "mirrorId" | "objectType" | "fields"
                    ) {
                        about.push(format!("{k} {}", text(v)));
                    }
                }
            }
            let fields = object.get("fields").and_then(Value::as_array);
            let rows = fields
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|f| {
                    vec![
                        f.get("name").map(text).unwrap_or_default(),
                        f.get("value").map(pretty).unwrap_or_default(),
                    ]
                })
                .collect();
            groups.push(Group {
                title: format!("CRM object: {name} {}", field("objectType")),
                note: about.join(" · "),
                columns: vec!["field".into(), "value".into()],
                rows,
            });
        }
        // A system with no objects, or fields Gong added to the system entry.
        if objects.is_none_or(Vec::is_empty) {
            groups.push(table(
                format!("CRM data: {name}"),
                std::slice::from_ref(system),
            ));
        }
    }
    groups
}

/// A value as one line of text: strings as they are, the rest as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as text, pretty JSON for objects and lists.
fn pretty(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => {
            serde_json::to_string_pretty(v).expect("JSON serialises")
        }
        other => text(other),
    }
}

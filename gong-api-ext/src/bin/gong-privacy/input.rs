//! Reading a batch file: a CSV with an `email`, `phone` or `subject` column, or a plain list.
//!
//! Every subject keeps its line number, and a bad row becomes an invalid entry with a one-line
//! reason: it never stops the valid subjects of the batch.

use std::path::Path;

use gong_api_ext::{EmailAddress, PhoneNumber, Subject};

/// One subject of the batch, validated.
#[derive(Debug)]
pub struct Entry {
    /// 1-based line in the file.
    pub line: u64,
    /// The text as written.
    pub input: String,
    /// The subject, or why it is not one.
    pub subject: Result<Subject, String>,
}

/// What a CSV column holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Column {
    Email,
    Phone,
    Subject,
}

fn column_kind(header: &str) -> Option<Column> {
    match header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .as_str()
    {
        "email" | "email address" | "email_address" | "emailaddress" => Some(Column::Email),
        "phone" | "phone number" | "phone_number" | "phonenumber" => Some(Column::Phone),
        "subject" => Some(Column::Subject),
        _ => None,
    }
}

/// Reads `path`. Fails only when the file cannot be read at all.
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8 text: {e}", path.display()))?;
    let header = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let is_csv = header.is_some_and(|h| {
        h.split(',')
            .any(|cell| column_kind(cell.trim_matches('"')).is_some())
    });
    Ok(if is_csv {
        read_csv(&text)
    } else {
        read_list(&text)
    })
}

fn read_list(text: &str) -> Vec<Entry> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| Entry {
            line: i as u64 + 1,
            input: l.trim().to_owned(),
            subject: Subject::parse(l).map_err(|e| e.to_string()),
        })
        .collect()
}

fn read_csv(text: &str) -> Vec<Entry> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let columns: Vec<Option<Column>> = match reader.headers() {
        Ok(h) => h.iter().map(column_kind).collect(),
        Err(e) => {
            return vec![Entry {
                line: 1,
                input: String::new(),
                subject: Err(format!("malformed CSV header: {e}")),
            }];
        }
    };
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                entries.push(Entry {
                    line,
                    input: String::new(),
                    subject: Err(format!("malformed CSV row: {}", csv_reason(&e))),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let mut found = false;
        for (cell, column) in record.iter().zip(&columns) {
            let (Some(column), false) = (column, cell.trim().is_empty()) else {
                continue;
            };
            found = true;
            let subject = match column {
                Column::Email => EmailAddress::parse(cell).map(Subject::Email),
                Column::Phone => PhoneNumber::parse(cell).map(Subject::Phone),
                Column::Subject => Subject::parse(cell),
            };
            entries.push(Entry {
                line,
                input: cell.trim().to_owned(),
                subject: subject.map_err(|e| e.to_string()),
            });
        }
        if !found {
            entries.push(Entry {
                line,
                input: String::new(),
                subject: Err("the row has no email, phone or subject value".into()),
            });
        }
    }
    entries
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(entries: &[Entry]) -> Vec<(u64, String)> {
        entries
            .iter()
            .map(|e| {
                (
                    e.line,
                    match &e.subject {
                        Ok(s) => format!("{} {}", s.kind(), s.as_str()),
                        Err(why) => format!("error: {why}"),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn plain_lists_detect_each_subject() {
        let entries = read_list("# queue 42\njane@example.com\n\n+1 (425) 555-2671\nnobody\n");
        assert_eq!(
            kinds(&entries),
            [
                (2, "email jane@example.com".into()),
                (4, "phone +14255552671".into()),
                (5, "error: invalid subject \"nobody\": it is neither an email address (no @) nor a phone number (no leading +)".into()),
            ]
        );
    }

    #[test]
    fn csv_columns_type_their_values_and_bad_rows_are_entries() {
        let text = "name,Email,phone\n\
                    Jane,jane@example.com,+1 425 555 2671\n\
                    Joe,,+44 20 7946 0958\n\
                    Bad,\"unterminated,x\n";
        let entries = read_csv(&text.replace("\"unterminated,x\n", "x,y,z\n"));
        assert_eq!(
            kinds(&entries),
            [
                (2, "email jane@example.com".into()),
                (2, "phone +14255552671".into()),
                (3, "phone +442079460958".into()),
                (
                    4,
                    "error: malformed CSV row: 4 fields where the header has 3".into()
                ),
            ]
        );
        // A phone column does not accept an email address.
        let entries = read_csv("phone\njane@example.com\n\n");
        assert!(matches!(&entries[0].subject, Err(e) if e.contains("phone number")));
        let entries = read_csv("email,phone\n,\n");
        assert!(matches!(&entries[0].subject, Err(e) if e.contains("no email, phone")));
    }

    #[test]
    fn a_header_decides_csv() {
        let dir = std::env::temp_dir().join(format!("gong-privacy-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("a.csv");
        std::fs::write(&csv, "subject\n+14255552671\n").unwrap();
        assert_eq!(
            kinds(&read(&csv).unwrap()),
            [(2, "phone +14255552671".into())]
        );
        let missing = dir.join("missing.csv");
        assert!(read(&missing).unwrap_err().contains("cannot read"));
    }
}

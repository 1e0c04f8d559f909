//! Rows: a plain list line by line, or CSV records through the csv crate, each value validated.

use super::header::{check_unread, choose_columns, split_line, unread_columns};
use super::{
    Column, ColumnKind, InputError, InputErrorKind, InputOptions, Layout, MAX_VALUE_CHARS, Row,
    RowError, comment_holds_a_subject, comment_lines, content_lines, is_spreadsheet_number,
};

pub(super) fn read_list(text: &str) -> Result<Vec<Row>, InputError> {
    // `#` starts a comment, and may also start an email address: a comment that reads as a
    // subject is ambiguous, and skipping it would lose that person silently.
    for (line, comment) in comment_lines(text) {
        if ColumnKind::Subject.parse(comment).is_ok() {
            return Err(comment_holds_a_subject(line, comment, None));
        }
    }
    Ok(content_lines(text)
        .map(|(line, value)| row(line, None, ColumnKind::Subject, value))
        .collect())
}

/// The csv crate skips records starting with `#` (comments). One whose subject columns hold a
/// valid subject (`#42,jane@example.com`, or `#jane@example.com` in a one-column file) would
/// lose that person silently, so it refuses the file.
fn check_comments(
    text: &str,
    header_line: u64,
    delimiter: u8,
    columns: &[Column],
) -> Result<(), InputError> {
    for (i, line) in text.split('\n').enumerate() {
        let number = i as u64 + 1;
        if number <= header_line || !line.starts_with('#') {
            continue;
        }
        let cells = split_line(line.strip_suffix('\r').unwrap_or(line), delimiter);
        for column in columns {
            let value = cells.get(column.index).map_or("", |v| v.trim());
            if !value.is_empty() && column.kind.parse(value).is_ok() {
                return Err(comment_holds_a_subject(number, value, Some(&column.name)));
            }
        }
    }
    Ok(())
}

/// One value, validated.
fn row(line: u64, column: Option<&str>, kind: ColumnKind, value: &str) -> Row {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    let subject = if chars > MAX_VALUE_CHARS {
        Err(RowError::TooLong { chars })
    } else {
        kind.parse(trimmed).map_err(|invalid| {
            if is_spreadsheet_number(trimmed) {
                RowError::SpreadsheetNumber {
                    input: trimmed.to_owned(),
                }
            } else {
                RowError::Invalid(invalid)
            }
        })
    };
    Row {
        line,
        column: column.map(str::to_owned),
        input: trimmed.chars().take(MAX_VALUE_CHARS).collect(),
        subject,
    }
}

pub(super) fn read_csv(
    text: &str,
    delimiter: u8,
    options: &InputOptions,
) -> Result<(Layout, Vec<Row>), InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Field counts are checked below, with a message naming the header.
        .flexible(true)
        .comment(Some(b'#'))
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let lines = LineIndex::new(text);
    let mut records = reader
        .records()
        .filter_map(|record| checked(&lines, delimiter, record).transpose());
    let (header_line, header): (u64, Vec<String>) = match records.next().transpose()? {
        Some((line, record)) => (line, record.iter().map(str::to_owned).collect()),
        None => (0, Vec::new()),
    };
    let columns = choose_columns(header_line, &header, options)?;
    check_comments(text, header_line, delimiter, &columns)?;
    // Unread columns, and what their cells hold.
    let mut unread = unread_columns(&header, &columns, options);
    let names = columns
        .iter()
        .map(|c| c.name.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" or ");
    let mut rows = Vec::new();
    for record in records {
        let (line, record) = record?;
        if record.len() != header.len() {
            let hint = if lines.text(line).contains('"') {
                " (the line has a quote: is one missing or stray?)"
            } else {
                ""
            };
            return Err(InputError::new(
                InputErrorKind::FieldCount,
                Some(line),
                format!(
                    "{} where the header (line {header_line}) has {}{hint}; every row needs \
                     exactly the header's fields",
                    fields(record.len()),
                    header.len()
                ),
            ));
        }
        for column in &mut unread {
            column.see(line, record.get(column.index).unwrap_or_default());
        }
        let before = rows.len();
        for column in &columns {
            let value = record.get(column.index).unwrap_or_default();
            if !value.trim().is_empty() {
                rows.push(row(line, Some(&column.name), column.kind, value));
            }
        }
        if rows.len() == before {
            rows.push(Row {
                line,
                column: None,
                input: String::new(),
                subject: Err(RowError::NoValue {
                    columns: names.clone(),
                }),
            });
        }
    }
    check_unread(header_line, &header, &columns, &unread)?;
    Ok((
        Layout::Csv {
            delimiter,
            header_line,
            header,
            columns,
        },
        rows,
    ))
}

/// A record with its line, once its fields and quotes are checked; `None` for a blank line
/// (whitespace only), which is skipped wherever it stands.
fn checked(
    lines: &LineIndex,
    delimiter: u8,
    record: csv::Result<csv::StringRecord>,
) -> Result<Option<(u64, csv::StringRecord)>, InputError> {
    let record = record.map_err(|e| csv_error(lines, &e))?;
    let line = lines.record_line(record.position());
    check_fields(&record, line)?;
    check_quotes(lines.text(line), delimiter, line)?;
    Ok((!record.iter().all(|f| f.trim().is_empty())).then_some((line, record)))
}

fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

/// A field holding a line break is a quote that did not close on its line: it would swallow the
/// rows after it.
fn check_fields(record: &csv::StringRecord, line: u64) -> Result<(), InputError> {
    let breaks: usize = record
        .iter()
        .map(|f| f.bytes().filter(|&b| b == b'\n').count())
        .sum();
    if breaks > 0 || record.iter().any(|f| f.contains('\r')) {
        return Err(InputError::new(
            InputErrorKind::Quote,
            Some(line),
            format!(
                "a quoted field runs on to line {}: a quote is missing or stray (fields cannot \
                 span lines; every later row would be read into this one)",
                line + breaks as u64
            ),
        ));
    }
    Ok(())
}

/// Text after a field's closing quote (`"joe@example.com"x`) is a stray or missing quote: the
/// csv crate would glue it onto the value, which can make another valid subject
/// (`joe@example.comx`), so the file is refused.
fn check_quotes(line: &str, delimiter: u8, number: u64) -> Result<(), InputError> {
    let bytes = line.strip_suffix('\r').unwrap_or(line).as_bytes();
    let (mut i, mut field, mut at_start) = (0, 1, true);
    while i < bytes.len() {
        if at_start && bytes[i] == b'"' {
            i += 1;
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    // Runs over the line: check_fields reports it.
                    (None, _) => return Ok(()),
                    (Some(b'"'), Some(b'"')) => i += 2,
                    (Some(b'"'), _) => break,
                    _ => i += 1,
                }
            }
            i += 1;
            // Spaces before the delimiter are trimmed with the value: harmless.
            while bytes.get(i) == Some(&b' ') && delimiter != b' ' {
                i += 1;
            }
            match bytes.get(i) {
                None => return Ok(()),
                Some(&b) if b == delimiter => {}
                Some(_) => {
                    return Err(InputError::new(
                        InputErrorKind::Quote,
                        Some(number),
                        format!(
                            "text follows the closing quote of field {field}: a quote is stray \
                             or missing (the text would be glued onto the value)"
                        ),
                    ));
                }
            }
        }
        at_start = bytes[i] == delimiter;
        field += usize::from(at_start);
        i += 1;
    }
    Ok(())
}

fn csv_error(lines: &LineIndex<'_>, e: &csv::Error) -> InputError {
    let line = e.position().map(|p| lines.record_line(Some(p)));
    InputError::new(InputErrorKind::Quote, line, format!("unreadable CSV: {e}"))
}

/// Line numbers of byte offsets, by binary search over the line breaks.
struct LineIndex<'a> {
    bytes: &'a [u8],
    breaks: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let breaks = bytes
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| (b == b'\n').then_some(i))
            .collect();
        Self { bytes, breaks }
    }

    /// The text of a 1-based line, without its line break.
    fn text(&self, line: u64) -> &'a str {
        let index = (line as usize).saturating_sub(1);
        let start = match index {
            0 => 0,
            i => self.breaks.get(i - 1).map_or(self.bytes.len(), |b| b + 1),
        };
        let end = self.breaks.get(index).copied().unwrap_or(self.bytes.len());
        std::str::from_utf8(&self.bytes[start..end.max(start)]).unwrap_or_default()
    }

    fn line_at(&self, at: usize) -> u64 {
        self.breaks.partition_point(|&b| b < at) as u64 + 1
    }

    /// The line a record starts on. The csv crate's own line count is off after CRLF line
    /// endings, and its byte position can point at the line breaks or comment lines before the
    /// record, so the line is that of the record's first byte.
    fn record_line(&self, position: Option<&csv::Position>) -> u64 {
        let bytes = self.bytes;
        let mut at = position.map_or(0, |p| p.byte() as usize).min(bytes.len());
        loop {
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            if bytes.get(at) != Some(&b'#') {
                break;
            }
            at = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| at + i);
        }
        self.line_at(at)
    }
}

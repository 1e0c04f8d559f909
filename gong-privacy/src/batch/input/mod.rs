//! Reading a batch file: strict, lossless, and refused as a whole when its structure is broken.
//!
//! A batch file is either a CSV file whose header names the columns to read (`email`, `phone`,
//! `subject` and the usual aliases such as `E-mail`, `Email Address`, `phone_number` or
//! `Mobile`), separated by `,`, `;` or a tab, or a plain list with one subject per line.
//! Comment lines start with `#` (a comment that reads as a subject refuses the file: `#` may
//! start an email address or a row); blank lines are skipped.
//!
//! The file either parses completely or not at all: a structural problem (bytes that are not
//! UTF-8 or UTF-16 with a byte-order mark, a NUL character, an over-long line, a quote that
//! runs over a line break, a row with more or fewer fields than the header, a header that names
//! no known column) is an [`InputError`] with the line, before any request is made. Problems of
//! one value in an otherwise sound file (an invalid phone number, an email address without a
//! domain) are per-row [`RowError`]s: the other rows stay usable.
//!
//! ```
//! use gong_privacy::batch::input::{parse, InputOptions, Layout};
//!
//! let file = "Name;E-mail;Mobile\nJane;jane@example.com;+1 425 555 2671\nJoe;joe@example;\n";
//! let input = parse(file.as_bytes(), &InputOptions::default())?;
//! assert!(matches!(input.layout, Layout::Csv { delimiter: b';', .. }));
//! let rows: Vec<_> = input.rows.iter().map(|r| (r.line, r.subject.is_ok())).collect();
//! assert_eq!(rows, [(2, true), (2, true), (3, false)]);
//!
//! // A stray quote would merge the rows after it: the whole file is refused instead.
//! let err = parse(b"email\n\"jane@example.com\njoe@example.com\n", &InputOptions::default())
//!     .unwrap_err();
//! assert_eq!(err.line(), Some(2));
//! # Ok::<(), gong_privacy::batch::input::InputError>(())
//! ```

use std::fmt;

use sha2::{Digest as _, Sha256};

use gong_api_ext::EmailAddress;
use gong_api_ext::InvalidInput;
use gong_api_ext::PhoneNumber;
use gong_api_ext::Subject;

mod decode;
mod header;
mod rows;

use header::Detected;
pub use header::{KNOWN_HEADERS, column_kind, looks_like_identity};

/// The longest line accepted by default (64 KiB). A subject is a few dozen characters; a line
/// this long is a runaway quote or binary data, and would otherwise become an error message or
/// journal line of the same size.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024;

/// Values longer than this (in characters) are invalid rows: the longest email address is 254
/// characters. Their text is shortened to this length in errors and records.
pub const MAX_VALUE_CHARS: usize = 320;

/// The delimiters detected when none is given, in order of preference.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How to read a batch file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputOptions {
    /// The CSV delimiter; `None` detects `,`, `;` or a tab from the header line.
    pub delimiter: Option<u8>,
    /// Read only these columns (header names, compared case- and space-insensitively); empty:
    /// every column whose header is a known name. A named column that is not a known name is
    /// read as `subject` (each value's kind detected).
    pub columns: Vec<String>,
    /// Columns left out knowingly (header names, matched like `columns`). A column whose
    /// header looks like email addresses or phone numbers
    /// ([`looks_like_identity`]), that is not read and that holds a value in some row (anything
    /// but an empty cell or a yes/no flag) refuses the file unless named here, and so does
    /// any unread column with a cell that is a valid email address or `+` phone number; a
    /// known column named here is not read. Each must be in the header.
    pub ignore_columns: Vec<String>,
    /// The longest line accepted, in bytes.
    pub max_line_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        Self {
            delimiter: None,
            columns: Vec::new(),
            ignore_columns: Vec::new(),
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

/// The text encoding a batch file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian with a byte-order mark (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    Utf16Be,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 with BOM",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
        })
    }
}

/// What a column's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Email addresses.
    Email,
    /// Phone numbers.
    Phone,
    /// Either; each value's kind is detected ([`Subject::parse`]).
    Subject,
}

impl ColumnKind {
    /// Validates one value of this column.
    pub fn parse(self, value: &str) -> Result<Subject, InvalidInput> {
        match self {
            Self::Email => EmailAddress::parse(value).map(Subject::Email),
            Self::Phone => PhoneNumber::parse(value).map(Subject::Phone),
            Self::Subject => Subject::parse(value),
        }
    }
}

/// A CSV column the subjects are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its position in the row (0-based).
    pub index: usize,
    /// Its header, as written, trimmed.
    pub name: String,
    /// What it holds.
    pub kind: ColumnKind,
}

/// How the file is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One subject per line, kind detected per line.
    List,
    /// A CSV file with a header.
    Csv {
        /// The field delimiter.
        delimiter: u8,
        /// The header's line.
        header_line: u64,
        /// Every header cell, as written.
        header: Vec<String>,
        /// The columns subjects are read from.
        columns: Vec<Column>,
    },
}

/// A batch file, read.
#[derive(Clone, Debug)]
pub struct BatchInput {
    /// SHA-256 of the file's bytes, lower-case hex: what identifies a run.
    pub sha256: String,
    /// The encoding it was read in.
    pub encoding: TextEncoding,
    /// How it is laid out.
    pub layout: Layout,
    /// One row per value read, in file order (a CSV line with an email and a phone column
    /// gives two rows).
    pub rows: Vec<Row>,
}

/// One value of the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the file.
    pub line: u64,
    /// The CSV column it came from (`None` in a plain list).
    pub column: Option<String>,
    /// The value as written, trimmed (shortened to [`MAX_VALUE_CHARS`] when longer).
    pub input: String,
    /// The subject, or why it is not one.
    pub subject: Result<Subject, RowError>,
}

/// Why one value is not a subject. The rest of the file is unaffected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
    /// The value broke a validation rule.
    #[error(transparent)]
    Invalid(InvalidInput),
    /// A phone number a spreadsheet turned into a floating-point number: digits are lost.
    #[error(
        "{input:?} is a number in a spreadsheet's scientific notation: its digits are lost. \
         Format the column as text in the spreadsheet, type the numbers again with + and the \
         country code, and export again"
    )]
    SpreadsheetNumber {
        /// The value as written.
        input: String,
    },
    /// The value is longer than any subject.
    #[error("a value of {chars} characters is not a subject (at most {MAX_VALUE_CHARS})")]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The row has data, but none in the subject columns.
    #[error("the row has no value in the {columns} column")]
    NoValue {
        /// The subject columns, as written in the header.
        columns: String,
    },
}

/// What kind of structural problem refused the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// Not UTF-8, nor UTF-16 with a byte-order mark.
    Encoding,
    /// A NUL character or a bare carriage return.
    Control,
    /// A line longer than [`InputOptions::max_line_bytes`].
    LineTooLong,
    /// A quoted field running over a line break (an unclosed or stray quote).
    Quote,
    /// A row with more or fewer fields than the header.
    FieldCount,
    /// The header names no known column, or a requested column is missing, or the delimiter
    /// is ambiguous.
    Header,
    /// No subject at all: an empty file, or a header only.
    Empty,
    /// A `#` comment line that holds a valid subject (`#jane@example.com` is a valid address;
    /// `#42,jane@example.com` a row whose first field starts with `#`): skipping it would
    /// silently leave that person unerased.
    Comment,
}

/// A batch file refused as a whole, before any request: where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct InputError {
    kind: InputErrorKind,
    line: Option<u64>,
    reason: String,
}

impl InputError {
    fn new(kind: InputErrorKind, line: Option<u64>, reason: impl Into<String>) -> Self {
        Self {
            kind,
            line,
            reason: reason.into(),
        }
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> InputErrorKind {
        self.kind
    }

    /// The 1-based line it is on, when it has one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The problem and what to do about it, without the line.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// Reads a batch file's bytes. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8], options: &InputOptions) -> Result<BatchInput, InputError> {
    let sha256 = hex(&Sha256::digest(bytes));
    let (text, encoding) = decode::decode(bytes)?;
    decode::check_lines(&text, options.max_line_bytes)?;
    let Some((first_line, first)) = content_lines(&text).next() else {
        return Err(InputError::new(
            InputErrorKind::Empty,
            None,
            "the file has no subjects: it is empty or holds only comments and blank lines",
        ));
    };
    let (layout, rows) = match header::detect(first_line, first, options)? {
        Detected::List => (Layout::List, rows::read_list(&text)?),
        Detected::Csv(delimiter) => rows::read_csv(&text, delimiter, options)?,
    };
    if rows.is_empty() {
        return Err(InputError::new(
            InputErrorKind::Empty,
            None,
            format!("the file has only a header (line {first_line}) and no subjects"),
        ));
    }
    Ok(BatchInput {
        sha256,
        encoding,
        layout,
        rows,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `(line, text)` of every `#` comment line (leading whitespace allowed), trimmed.
fn comment_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n').enumerate().filter_map(|(i, line)| {
        let trimmed = line.trim();
        trimmed.starts_with('#').then_some((i as u64 + 1, trimmed))
    })
}

/// The error for a comment line at `line` that holds `subject` (in `column`, for CSV).
fn comment_holds_a_subject(line: u64, subject: &str, column: Option<&str>) -> InputError {
    let (place, remedy) = match column {
        Some(column) => (
            format!(" in its {column} column"),
            "quote the first field (\"#…\") to read the row",
        ),
        None => (
            String::new(),
            "put it in a CSV file with a header and quote it (\"#…\")",
        ),
    };
    InputError::new(
        InputErrorKind::Comment,
        Some(line),
        format!(
            "the line starts with # and would be skipped as a comment, but it holds the subject \
             {subject:?}{place}: to erase it, {remedy}; to skip it, delete the line"
        ),
    )
}

/// `(line, text)` of every line that is neither blank nor a `#` comment.
fn content_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n').enumerate().filter_map(|(i, line)| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some((i as u64 + 1, line))
    })
}

/// `4.25555E+10`, `1.2e11`, `+4.4207946E+11`: how spreadsheets show long numbers.
fn is_spreadsheet_number(value: &str) -> bool {
    let value = value.strip_prefix('+').unwrap_or(value);
    let Some((mantissa, exponent)) = value.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(mantissa),
    };
    mantissa_ok && digits(exponent)
}

#[cfg(test)]
mod tests;

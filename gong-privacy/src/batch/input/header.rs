// Over 500 lines: header recognition rules (aliases, delimiters, unread identity columns), each with the reason it exists.
//! The header: known column names, delimiter detection, and the columns subjects are read from.

use super::is_spreadsheet_number;
use super::{Column, ColumnKind, DELIMITERS, InputError, InputErrorKind, InputOptions};

/// A header cell reduced to letters and digits, lower case: `E-mail Address` -> `emailaddress`.
fn normalize(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Known header names, normalised, and what they hold.
const ALIASES: &[(&str, ColumnKind)] = &[
    ("email", ColumnKind::Email),
    ("emailaddress", ColumnKind::Email),
    ("emails", ColumnKind::Email),
    ("mail", ColumnKind::Email),
    ("mailaddress", ColumnKind::Email),
    ("workemail", ColumnKind::Email),
    ("personalemail", ColumnKind::Email),
    ("primaryemail", ColumnKind::Email),
    ("phone", ColumnKind::Phone),
    ("phonenumber", ColumnKind::Phone),
    ("phoneno", ColumnKind::Phone),
    ("phones", ColumnKind::Phone),
    ("telephone", ColumnKind::Phone),
    ("telephonenumber", ColumnKind::Phone),
    ("tel", ColumnKind::Phone),
    ("mobile", ColumnKind::Phone),
    ("mobilephone", ColumnKind::Phone),
    ("mobilenumber", ColumnKind::Phone),
    ("cell", ColumnKind::Phone),
    ("cellphone", ColumnKind::Phone),
    ("workphone", ColumnKind::Phone),
    ("subject", ColumnKind::Subject),
    ("datasubject", ColumnKind::Subject),
    ("identifier", ColumnKind::Subject),
];

/// The known header names, for error messages.
pub const KNOWN_HEADERS: &str = "email, phone or subject (also E-mail, Email Address, \
                                 phone_number, Telephone, Mobile, Cell and similar)";

/// What a header cell names, if it is a known column.
pub fn column_kind(header: &str) -> Option<ColumnKind> {
    let name = normalize(header);
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|&(_, kind)| kind)
}

/// Whether a value looks like data rather than a header: what a subject starts with or holds.
pub(super) fn looks_like_subject(value: &str) -> bool {
    let value = value.trim();
    value.contains('@') || value.starts_with('+') || is_spreadsheet_number(value)
}

pub(super) enum Detected {
    List,
    Csv(u8),
}

/// One record of `line`, split with `delimiter`, by the csv crate.
pub(super) fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_owned).collect(),
        _ => vec![line.to_owned()],
    }
}

fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        d => format!("'{}'", char::from(d).escape_default()),
    }
}

/// Decides the layout from the first content line.
pub(super) fn detect(
    line: u64,
    first: &str,
    options: &InputOptions,
) -> Result<Detected, InputError> {
    let wanted: Vec<String> = options.columns.iter().map(|c| normalize(c)).collect();
    let recognised = |cell: &str| {
        if wanted.is_empty() {
            column_kind(cell).is_some()
        } else {
            wanted.contains(&normalize(cell))
        }
    };
    if let Some(delimiter) = options.delimiter {
        return Ok(Detected::Csv(delimiter));
    }
    let splits: Vec<(u8, Vec<String>)> = DELIMITERS
        .iter()
        .map(|&d| (d, split_line(first, d)))
        .filter(|(_, cells)| cells.len() > 1)
        .collect();
    if splits.is_empty() {
        return if recognised(first) {
            Ok(Detected::Csv(b','))
        } else if wanted.is_empty() && looks_like_subject(first) {
            Ok(Detected::List)
        } else if wanted.is_empty() {
            Err(InputError::new(
                InputErrorKind::Header,
                Some(line),
                format!(
                    "{:?} is neither a column this tool reads ({KNOWN_HEADERS}) nor an email \
                     address or phone number: name the column with --column, or start a plain \
                     list (one subject per line) with a subject",
                    first.trim()
                ),
            ))
        } else {
            Err(missing_columns(
                line,
                &options.columns,
                &[first.trim().to_owned()],
            ))
        };
    }
    let score = |cells: &[String]| cells.iter().filter(|c| recognised(c)).count();
    let best = splits.iter().map(|(_, c)| score(c)).max().unwrap_or(0);
    let winners: Vec<&(u8, Vec<String>)> =
        splits.iter().filter(|(_, c)| score(c) == best).collect();
    if best == 0 {
        let (delimiter, cells) = splits
            .iter()
            .max_by_key(|(_, cells)| cells.len())
            .expect("splits is not empty");
        if !wanted.is_empty() {
            return Err(missing_columns(line, &options.columns, cells));
        }
        if cells.iter().any(|c| looks_like_subject(c)) {
            return Err(InputError::new(
                InputErrorKind::Header,
                Some(line),
                format!(
                    "the first line looks like data, not a header (it has {} fields separated \
                     by {}): a CSV file needs a header line naming its columns, such as \
                     {KNOWN_HEADERS}; a plain list has one subject per line",
                    cells.len(),
                    delimiter_name(*delimiter)
                ),
            ));
        }
        return Err(InputError::new(
            InputErrorKind::Header,
            Some(line),
            format!(
                "no column this tool reads; the header has {} (separated by {}). Known \
                 columns: {KNOWN_HEADERS}; or name the columns to read with --column",
                list_names(cells),
                delimiter_name(*delimiter)
            ),
        ));
    }
    if winners.len() > 1 {
        let names: Vec<String> = winners.iter().map(|(d, _)| delimiter_name(*d)).collect();
        return Err(InputError::new(
            InputErrorKind::Header,
            Some(line),
            format!(
                "the header splits into known columns with {}: choose one with --delimiter",
                names.join(" and with ")
            ),
        ));
    }
    Ok(Detected::Csv(winners[0].0))
}

fn list_names(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| format!("{:?}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn missing_columns(line: u64, wanted: &[String], found: &[String]) -> InputError {
    InputError::new(
        InputErrorKind::Header,
        Some(line),
        format!(
            "no column named {} in the header; it has {}",
            list_names(wanted),
            list_names(found)
        ),
    )
}

/// Words (lower case, accents dropped) that make a header look like a column of email
/// addresses or phone numbers (see [`looks_like_identity`]): English, then the words of
/// German, Spanish, French, Portuguese, Italian, Dutch and Nordic exports.
const IDENTITY_WORDS: &[&str] = &[
    "email",
    "emails",
    "mail",
    "mails",
    "phone",
    "phones",
    "telephone",
    "tel",
    "mobile",
    "mobiles",
    "cell",
    "cellphone",
    "msisdn",
    "telefon",
    "handy",
    "mobil",
    "rufnummer",
    "correo",
    "telefono",
    "movil",
    "courriel",
    "portable",
    "telefone",
    "celular",
    "cellulare",
    "mobiel",
    "tlf",
];

/// Starts of words that make a header look like one: compounds such as `EmailAdresse`,
/// `phonenumber`, `Telefonnummer`, `Mobilnummer`, `Epostadress`. Not `mobil` alone
/// (`Mobility`).
const IDENTITY_PREFIXES: &[&str] = &[
    "email",
    "phone",
    "mobile",
    "telefon",
    "telefoon",
    "mobilnummer",
    "mobilnr",
    "mobiltelefon",
    "handynummer",
    "mailadres",
    "epost",
];

/// Ends of words that make a header look like one: `homephone`, `SecondaryEmail`,
/// `Haustelefon`. Not `mobile` (`Automobile`).
const IDENTITY_SUFFIXES: &[&str] = &["email", "phone", "telefon"];

/// Parts of a header in scripts written without spaces (Japanese, Chinese, Korean): mail,
/// telephone, mobile.
const IDENTITY_PARTS: &[&str] = &[
    "メール",
    "電話",
    "携帯",
    "电话",
    "手机",
    "邮箱",
    "邮件",
    "전화",
    "메일",
    "휴대폰",
];

/// Whether a header looks like a column of email addresses or phone numbers, read or not: it
/// is a known column name, or one of its words (split at spaces, punctuation and lower-to-upper
/// case changes, trailing digits dropped, case and accents ignored), or two neighbouring words
/// joined (`E-mail`, `E-post`), is an identity word (`email`, `mail`, `phone`, `tel`, `mobile`,
/// `cell`, `msisdn`, `Telefon`, `Handy`, `Mobil`, `correo`, `Courriel`, `Celular`…), starts
/// with an identity prefix (`EmailAddress2`, `Telefonnummer`) or ends with an identity suffix
/// (`SecondaryEmail`, `homephone`); or it holds a Japanese, Chinese or Korean word for mail,
/// telephone or mobile (`メールアドレス`, `电话`). `Name`, `Notes`, `Id`, `Mailing address`,
/// `Hotel`, `Automobile` or `Mobility` do not.
pub fn looks_like_identity(header: &str) -> bool {
    if column_kind(header).is_some() || IDENTITY_PARTS.iter().any(|p| header.contains(p)) {
        return true;
    }
    let words: Vec<String> = words(header)
        .iter()
        .map(|w| {
            w.chars()
                .map(fold_accent)
                .collect::<String>()
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_owned()
        })
        .collect();
    let joined = words.windows(2).map(|pair| pair.concat());
    words.iter().cloned().chain(joined).any(|word| {
        IDENTITY_WORDS.contains(&word.as_str())
            || IDENTITY_PREFIXES.iter().any(|p| word.starts_with(p))
            || IDENTITY_SUFFIXES.iter().any(|s| word.ends_with(s))
    })
}

/// A lower-case letter of Western European languages without its accent: `é` -> `e`.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

/// A header's words, lower case: `Secondary E-mail2` -> `secondary`, `e`, `mail2`;
/// `workPhone` -> `work`, `phone`.
fn words(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in header.chars() {
        if (!c.is_alphanumeric() || (c.is_uppercase() && previous_lower)) && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Two header cells with one name (as columns are matched: case, spaces and punctuation
/// ignored) make the file ambiguous: which one `--column` names, which one a record's column
/// is. Empty cells are not names.
fn check_duplicates(line: u64, header: &[String]) -> Result<(), InputError> {
    for (index, name) in header.iter().enumerate() {
        let key = normalize(name);
        if key.is_empty() {
            continue;
        }
        let same: Vec<usize> = (index..header.len())
            .filter(|&i| normalize(&header[i]) == key)
            .collect();
        if same.len() > 1 {
            let positions: Vec<String> = same.iter().map(|i| (i + 1).to_string()).collect();
            let names: Vec<String> = same
                .iter()
                .map(|&i| format!("{:?}", header[i].trim()))
                .collect();
            return Err(InputError::new(
                InputErrorKind::Header,
                Some(line),
                format!(
                    "the header names the column {} {} times, as {} (columns {}): rename them \
                     so that each name is used once (the tool reads columns by name)",
                    names[0],
                    same.len(),
                    names.join(", "),
                    join_and(&positions)
                ),
            ));
        }
    }
    Ok(())
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Values that say something *about* an address or number but cannot be one: a column such as
/// Salesforce's `Email Opt Out` holds only these, and an unread column holding nothing else (or
/// nothing at all, like an export's empty `Other Phone`) has no address to miss.
const NOT_AN_IDENTITY: &[&str] = &[
    "", "true", "false", "yes", "no", "y", "n", "0", "1", "x", "-", "n/a", "none", "null",
];

/// Whether a value in an unread identity-looking column may hold an address or number, so that
/// not reading it could leave a person unerased. Anything but an empty cell or a yes/no token
/// counts (a date, a bounce reason: the column is refused and the user decides).
pub(super) fn may_hold_identity(value: &str) -> bool {
    let value = value.trim().to_lowercase();
    !NOT_AN_IDENTITY.contains(&value.as_str())
}

/// Whether a cell holds an address or a number as a subject column would read it: a valid email
/// address, or a valid phone number written with its `+`. An unread column holding one refuses
/// the file whatever its header (`Work Address`, `Login`), as one whose header looks like
/// addresses does.
pub(super) fn is_identity(value: &str) -> bool {
    let value = value.trim();
    (value.contains('@') || value.starts_with('+'))
        && value.chars().count() <= super::MAX_VALUE_CHARS
        && gong_api_ext::Subject::parse(value).is_ok()
}

/// An unread column (not read, not named in `--ignore-column`) and what its cells showed.
pub(super) struct Unread {
    pub(super) index: usize,
    /// Its header looks like addresses ([`looks_like_identity`]).
    looks: bool,
    /// Some cell holds a value ([`may_hold_identity`]).
    holds_value: bool,
    /// The first line where a cell holds an address or a number ([`is_identity`]).
    address_at: Option<u64>,
}

impl Unread {
    /// Takes in the cell of one row.
    pub(super) fn see(&mut self, line: u64, value: &str) {
        if self.looks && !self.holds_value {
            self.holds_value = may_hold_identity(value);
        }
        if self.address_at.is_none() && is_identity(value) {
            self.address_at = Some(line);
        }
    }

    fn refuses(&self) -> bool {
        (self.looks && self.holds_value) || self.address_at.is_some()
    }
}

/// The columns that are not read and not named in `--ignore-column`: candidates for
/// [`check_unread`], which refuses those whose header looks like addresses and that hold a
/// value in some row, and those that hold an address or a number in some row.
pub(super) fn unread_columns(
    header: &[String],
    columns: &[Column],
    options: &InputOptions,
) -> Vec<Unread> {
    let ignore: Vec<String> = options
        .ignore_columns
        .iter()
        .map(|c| normalize(c))
        .collect();
    header
        .iter()
        .enumerate()
        .filter(|(index, name)| {
            !columns.iter().any(|c| c.index == *index) && !ignore.contains(&normalize(name))
        })
        .map(|(index, name)| Unread {
            index,
            looks: looks_like_identity(name),
            holds_value: false,
            address_at: None,
        })
        .collect()
}

/// Unread columns that look like email addresses or phone numbers and hold a value
/// ([`may_hold_identity`]) in some row, or that hold an address or a number ([`is_identity`])
/// in some row, refuse the file, unless named in `--ignore-column`: the person's address there
/// would never be erased, without a word.
pub(super) fn check_unread(
    line: u64,
    header: &[String],
    columns: &[Column],
    unread: &[Unread],
) -> Result<(), InputError> {
    let unread: Vec<String> = unread
        .iter()
        .filter(|u| u.refuses())
        .map(|u| {
            let name = format!("{:?} (column {}", header[u.index].trim(), u.index + 1);
            match u.address_at {
                Some(at) if !u.looks => format!("{name}, one at line {at})"),
                _ => format!("{name})"),
            }
        })
        .collect();
    if unread.is_empty() {
        return Ok(());
    }
    let read: Vec<String> = columns
        .iter()
        .map(|c| format!("{:?}", c.name.trim()))
        .collect();
    Err(InputError::new(
        InputErrorKind::Header,
        Some(line),
        format!(
            "{} {} like email addresses or phone numbers but {} not read (the columns read: \
             {}): a person's address there would not be erased. Read {} too with --column \
             (naming every column to read), or leave {} out knowingly with --ignore-column \
             NAME (repeatable)",
            join_and(&unread),
            if unread.len() == 1 { "looks" } else { "look" },
            if unread.len() == 1 { "is" } else { "are" },
            read.join(", "),
            if unread.len() == 1 { "it" } else { "them" },
            if unread.len() == 1 { "it" } else { "each" },
        ),
    ))
}

pub(super) fn choose_columns(
    line: u64,
    header: &[String],
    options: &InputOptions,
) -> Result<Vec<Column>, InputError> {
    check_duplicates(line, header)?;
    let ignore: Vec<String> = options
        .ignore_columns
        .iter()
        .map(|c| normalize(c))
        .collect();
    for (wanted, key) in options.ignore_columns.iter().zip(&ignore) {
        if !header.iter().any(|name| normalize(name) == *key) {
            return Err(missing_columns(line, std::slice::from_ref(wanted), header));
        }
        if options.columns.iter().any(|c| normalize(c) == *key) {
            return Err(InputError::new(
                InputErrorKind::Header,
                Some(line),
                format!("{wanted:?} is named by both --column and --ignore-column: give one"),
            ));
        }
    }
    let columns: Vec<Column> = if options.columns.is_empty() {
        header
            .iter()
            .enumerate()
            .filter(|(_, name)| !ignore.contains(&normalize(name)))
            .filter_map(|(index, name)| {
                column_kind(name).map(|kind| Column {
                    index,
                    name: name.trim().to_owned(),
                    kind,
                })
            })
            .collect()
    } else {
        let mut chosen = Vec::new();
        for wanted in &options.columns {
            let found: Vec<Column> = header
                .iter()
                .enumerate()
                .filter(|(_, name)| normalize(name) == normalize(wanted))
                .map(|(index, name)| Column {
                    index,
                    name: name.trim().to_owned(),
                    kind: column_kind(name).unwrap_or(ColumnKind::Subject),
                })
                .collect();
            if found.is_empty() {
                return Err(missing_columns(line, std::slice::from_ref(wanted), header));
            }
            for column in found {
                if !chosen.iter().any(|c: &Column| c.index == column.index) {
                    chosen.push(column);
                }
            }
        }
        chosen.sort_by_key(|c| c.index);
        chosen
    };
    if columns.is_empty() {
        return Err(InputError::new(
            InputErrorKind::Header,
            Some(line),
            format!(
                "no column this tool reads; the header has {}. Known columns: {KNOWN_HEADERS}; \
                 or name the columns to read with --column",
                list_names(header)
            ),
        ));
    }
    Ok(columns)
}

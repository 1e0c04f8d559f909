//! Reading how a phone number was written: which characters are separators, which are digits,
//! and which betray something that is not one plain number (an extension, a spreadsheet's
//! leftovers, a letter).
//!
//! The characters accepted are those libphonenumber itself reads as punctuation, minus the ones
//! that mean something other than formatting (`/` between two numbers, `~`, `x`), so every
//! spelling accepted here is read the same way by libphonenumber.

/// The digits of a number as written, and where the writer separated them.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// ASCII digits after the `+`, country code first.
    pub digits: String,
    /// The digit counts at which a separator stood between two digits: `+44 20 7946 0018`
    /// gives 2, 4 and 8.
    pub breaks: Vec<usize>,
    /// A parenthesised group held only zeros (`+44 (0) 20 …`).
    pub zeros_in_parentheses: bool,
}

/// The zero of each decimal digit set libphonenumber maps to ASCII, besides ASCII itself:
/// fullwidth, Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), NKo, Devanagari, Bengali,
/// Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Thai and Lao. Each set is ten
/// consecutive code points.
const DIGIT_ZEROS: [u32; 15] = [
    0xFF10, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0E50, 0x0ED0,
];

/// The ASCII digit `c` stands for, if it is a decimal digit of a supported script.
pub(super) fn digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|zero| char::from_digit(code - zero, 10))
}

/// Characters that only separate digit groups: spaces (ASCII, no-break, ideographic), dashes
/// (ASCII, the Unicode hyphens and dashes U+2010–U+2015, the minus sign, fullwidth), dots
/// (ASCII, fullwidth) and the invisible marks libphonenumber ignores (zero-width space, word
/// joiner, soft hyphen).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{3000}' | '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{ff0d}'
                | '.'
                | '\u{ff0e}'
                | '\u{200b}'
                | '\u{2060}'
                | '\u{ad}'
    )
}

/// Invisible marks trimmed from both ends with whitespace: a byte-order mark left by a file's
/// encoding, a zero-width space or word joiner.
fn is_edge_mark(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{2060}')
}

/// The input without surrounding whitespace and invisible marks.
pub(super) fn trim(input: &str) -> &str {
    input.trim_matches(is_edge_mark)
}

const EXTENSION: &str = "extensions are not accepted: erase the number without its extension";

/// Reads `input`; `Err` holds the rule it broke.
pub(super) fn read(input: &str) -> Result<Written, String> {
    let trimmed = trim(input);
    if trimmed.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(rule) = spreadsheet_artefact(trimmed) {
        return Err(rule.into());
    }
    let number = strip_tel_uri(trimmed)?;
    let Some(rest) = number
        .strip_prefix('+')
        .or_else(|| number.strip_prefix('\u{ff0b}'))
    else {
        return Err(if number.starts_with("00") {
            "it must start with + and the country code (write + instead of the international \
             dialling prefix 00)"
                .into()
        } else {
            "it must start with + and the country code".into()
        });
    };
    let lower = rest.to_lowercase();
    if lower.contains("ext") || lower.contains('x') || rest.contains(['#', ';', ',']) {
        return Err(EXTENSION.into());
    }

    let mut written = Written::default();
    let mut separated = false;
    let mut open = false;
    let mut in_parentheses = String::new();
    for c in rest.chars() {
        if let Some(d) = digit(c) {
            if separated && !written.digits.is_empty() {
                written.breaks.push(written.digits.len());
            }
            separated = false;
            written.digits.push(d);
            if open {
                in_parentheses.push(d);
            }
            continue;
        }
        match c {
            c if is_separator(c) => separated = true,
            '(' | '\u{ff08}' if !open => {
                open = true;
                separated = true;
                in_parentheses.clear();
            }
            ')' | '\u{ff09}' if open => {
                open = false;
                separated = true;
                if !in_parentheses.is_empty() && in_parentheses.bytes().all(|b| b == b'0') {
                    written.zeros_in_parentheses = true;
                }
            }
            '(' | ')' | '\u{ff08}' | '\u{ff09}' => {
                return Err("its parentheses are unbalanced".into());
            }
            '+' | '\u{ff0b}' => return Err("it has a second +".into()),
            c if c.is_alphabetic() => {
                return Err("letters (vanity numbers) are not accepted".into());
            }
            c => {
                return Err(format!(
                    "it contains {c:?} (U+{:04X}); only digits, spaces, dashes, dots and \
                     parentheses may follow the +",
                    u32::from(c)
                ));
            }
        }
    }
    if open {
        return Err("its parentheses are unbalanced".into());
    }
    Ok(written)
}

/// `tel:+1-201-555-0123` (RFC 3966, any case) is the number after `tel:`; parameters are
/// refused, an extension with the extension rule.
fn strip_tel_uri(input: &str) -> Result<&str, String> {
    let Some(scheme) = input.get(..4) else {
        return Ok(input);
    };
    if !scheme.eq_ignore_ascii_case("tel:") {
        return Ok(input);
    }
    let number = &input[4..];
    if let Some((_, params)) = number.split_once(';') {
        return Err(if params.to_ascii_lowercase().contains("ext=") {
            EXTENSION.into()
        } else {
            "a tel: URI's parameters (;phone-context=…, ;isub=…) are not accepted: give the \
             number alone, starting with + and the country code"
                .into()
        });
    }
    Ok(number)
}

/// What a spreadsheet adds to a number, named so the user knows what to fix.
fn spreadsheet_artefact(s: &str) -> Option<&'static str> {
    let first = s.chars().next()?;
    let last = s.chars().next_back()?;
    let quotes = ['"', '\u{201c}', '\u{201d}', '\u{201e}'];
    if first == '\'' && last == '\'' && s.len() > 1 {
        return Some(
            "it is wrapped in single quotes, left from a spreadsheet or CSV export: remove them",
        );
    }
    if first == '\'' {
        return Some(
            "it starts with an apostrophe, a spreadsheet's mark for text: remove the apostrophe",
        );
    }
    if first == '=' {
        return Some(
            "it starts with =, a spreadsheet formula: export the cell's value, not its formula",
        );
    }
    if quotes.contains(&first) || quotes.contains(&last) {
        return Some("it is wrapped in quotes, left from a CSV export: remove them");
    }
    if last == ',' {
        return Some("it ends with a comma, a CSV separator left in the cell: remove it");
    }
    if is_scientific(s) {
        return Some(
            "it is in scientific notation (like 4.42079E+11), as a spreadsheet shows long \
             numbers, and its last digits are lost: format the column as text and export again",
        );
    }
    if ends_with_decimal_zero(s) {
        return Some(
            "it ends with a decimal .0, as a spreadsheet writes numbers: format the column as \
             text and export again",
        );
    }
    None
}

/// `4.42079E+11`, `+4.42079E+11`, `4E11`: a mantissa, `E`, an exponent.
fn is_scientific(s: &str) -> bool {
    let s = s.strip_prefix('+').unwrap_or(s);
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    [whole, fraction, exponent]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// `+12015550123.0`: digits alone, a dot, then one or two zeros (`+299.32.10.00` and
/// `+1 201 555 0.0` are spellings with separators, read as such).
fn ends_with_decimal_zero(s: &str) -> bool {
    let Some((before, after)) = s.rsplit_once('.') else {
        return false;
    };
    let before = before.strip_prefix('+').unwrap_or(before);
    (1..=2).contains(&after.len())
        && after.bytes().all(|b| b == b'0')
        && !before.is_empty()
        && before.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;

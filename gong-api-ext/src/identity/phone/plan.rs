//! The numbering-plan check: libphonenumber's reading of the number (through `rlibphonenumber`,
//! a port of Google's C++ library with its metadata) decides what is sent.
//!
//! The number sent is the one libphonenumber reads, and it is accepted only when that reading
//! uses exactly the digits written. libphonenumber drops a trunk prefix written after the
//! country code (`+44 020 …` is read as `+44 20 …`); sending the digits as written would name
//! another number, and sending libphonenumber's reading would guess for the user, so such input
//! is refused with the reading as a suggestion. A trailing digit group that could be an
//! extension (the digits before it are a valid number by themselves, and libphonenumber would
//! not group the number that way) is refused too.

use rlibphonenumber::{
    PHONE_NUMBER_UTIL, ParseError, PhoneNumber, PhoneNumberFormat, ValidationError,
};

use super::spelling::Written;

/// A refusal: the rule broken and, when the number is otherwise unambiguous, the corrected
/// form.
pub(super) struct Refusal {
    pub rule: String,
    pub suggestion: Option<String>,
}

impl Refusal {
    fn rule(rule: String) -> Self {
        Self {
            rule,
            suggestion: None,
        }
    }
}

/// libphonenumber's reading of `+digits`, as E.164 with the parsed number.
fn read(digits: &str) -> Result<(PhoneNumber, String), ParseError> {
    let number = PHONE_NUMBER_UTIL.parse(format!("+{digits}"), None)?;
    let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
    Ok((number, e164))
}

/// Checks the written number against its country's numbering plan and returns the E.164 form
/// to send, which is always `+` and the digits written.
pub(super) fn check(written: &Written) -> Result<String, Refusal> {
    let digits = &written.digits;
    let (number, e164) = read(digits).map_err(|e| Refusal::rule(unreadable(&e)))?;
    let cc = number.country_code.to_string();
    if e164[1..] != digits[..] {
        return Err(reread(&number, &e164, &cc, digits));
    }
    if !number.is_valid() {
        return Err(Refusal::rule(invalid(&number, &cc)));
    }
    if let Some(rule) = extension_like_tail(written, &number, &cc) {
        return Err(Refusal::rule(rule));
    }
    Ok(e164)
}

fn unreadable(error: &ParseError) -> String {
    match error {
        ParseError::InvalidCountryCode => "its country code is not assigned".into(),
        ParseError::TooShortNsn | ParseError::TooShortAfterIdd => {
            "it is too short to be a phone number".into()
        }
        ParseError::TooLongNsn => "it is too long to be a phone number".into(),
        ParseError::NotANumber(_) => "libphonenumber does not read it as a phone number".into(),
    }
}

/// libphonenumber read other digits than those written: a trunk prefix (or Argentina's mobile
/// `15`) was dropped or rewritten.
fn reread(number: &PhoneNumber, e164: &str, cc: &str, digits: &str) -> Refusal {
    let written_national = digits.strip_prefix(cc).unwrap_or(digits);
    let read_national = &e164[1 + cc.len()..];
    if !number.is_valid() {
        return Refusal::rule(invalid(number, cc));
    }
    let rule = match written_national.strip_suffix(read_national) {
        Some(prefix) if !prefix.is_empty() => format!(
            "the {prefix} after +{cc} is a national (trunk) prefix, not dialled with the country \
             code, so the number is {e164}: check that this is the person's number and give it \
             in that form"
        ),
        _ => format!(
            "its national digits {written_national} are read by the numbering plan as {e164} \
             (a national prefix or mobile token rewritten): check that this is the person's \
             number and give it in that form"
        ),
    };
    Refusal {
        rule,
        suggestion: Some(e164.to_owned()),
    }
}

fn invalid(number: &PhoneNumber, cc: &str) -> String {
    match number.is_possible_with_reason() {
        Err(ValidationError::TooShort) => format!("it is too short for a number under +{cc}"),
        Err(ValidationError::TooLong) => format!(
            "it is too long for a number under +{cc} (is an extension or a second number \
             attached?)"
        ),
        Err(ValidationError::InvalidCountryCode) => "its country code is not assigned".into(),
        _ => "it is not a valid number in its country's numbering plan".into(),
    }
}

/// A digit group after which the digits before are a valid number by themselves:
/// `+49 30 123456 123` may be `+49 30 123456` extension 123. The only such spellings accepted
/// are libphonenumber's own groupings of the whole number (`+39 02 1234 5678` is one Milan
/// number, though `+39 02 1234` is one too): a number written exactly as the numbering plan
/// formats it is taken as that number.
fn extension_like_tail(written: &Written, number: &PhoneNumber, cc: &str) -> Option<String> {
    let digits = &written.digits;
    let after_cc = |breaks: &[usize]| -> Vec<usize> {
        breaks.iter().copied().filter(|&at| at > cc.len()).collect()
    };
    let spelled = after_cc(&written.breaks);
    let (international, national) = own_breaks(number, cc.len());
    if spelled == after_cc(&international) || national.is_some_and(|n| spelled == after_cc(&n)) {
        return None;
    }
    spelled.iter().rev().find_map(|&at| {
        let head = &digits[..at];
        let (shorter, e164) = read(head).ok()?;
        (e164[1..] == head[..] && shorter.is_valid()).then(|| {
            format!(
                "its last digits {tail} could be an extension, since +{head} is a valid number \
                 by itself: if it is all one number, give it as +{digits}; if {tail} is an \
                 extension, leave it out",
                tail = &digits[at..]
            )
        })
    })
}

/// Where libphonenumber's international and national formats separate the number, counted in
/// digits from the start of the country code. The national breaks are `None` when the national
/// format's digits are not the national number (Argentina's mobile `15`, say).
fn own_breaks(number: &PhoneNumber, cc_len: usize) -> (Vec<usize>, Option<Vec<usize>>) {
    let national_significant = number.get_national_significant_number();
    let international = breaks(&number.format_as(PhoneNumberFormat::International));
    let national = number.format_as(PhoneNumberFormat::National);
    let national_digits: String = national.chars().filter(char::is_ascii_digit).collect();
    // The national format may start with the trunk prefix, which is not part of the number.
    let national = national_digits
        .strip_suffix(national_significant.as_str())
        .map(|trunk| {
            breaks(&national)
                .into_iter()
                .filter(|&at| at > trunk.len())
                .map(|at| at - trunk.len() + cc_len)
                .collect()
        });
    (international, national)
}

/// Digit counts at which `formatted` has a separator between two digits.
fn breaks(formatted: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut count = 0;
    let mut separated = false;
    for c in formatted.chars() {
        if c.is_ascii_digit() {
            if separated && count > 0 {
                out.push(count);
            }
            separated = false;
            count += 1;
        } else {
            separated = true;
        }
    }
    out
}

#[cfg(test)]
mod tests;

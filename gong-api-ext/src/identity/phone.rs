//! Phone numbers, validated before they reach an erase call.
//!
//! Gong's rule (seed 000) is "starts with `+` and the country code; all other non-digits are
//! ignored". Taken literally, `+1 425 555 2671 ext 33` would erase the data of
//! `+1425555267133`: a different person. So this parser accepts only what is unambiguously one
//! number and refuses, naming the rule, everything it would otherwise have to guess about.
//!
//! With the `numbering-plan` feature (on by default) the number is read by libphonenumber
//! (the `rlibphonenumber` port) and what is sent is that reading, accepted only when it uses
//! exactly the digits written; see [`PhoneNumber::parse`].
//!
//! Measured against Google's libphonenumber (the `phonenumbers` port with the same metadata)
//! over 27,771 spellings of every example number (`tests/identity.rs`): `rlibphonenumber` reads
//! every one as libphonenumber does. The `phonenumber` crate used before did not (it stripped
//! the leading 8 of valid Russian `+7 800` numbers, matched number patterns by prefix only and
//! missed Unicode separators); `+7 800 555-35-35` is tested. What this parser refuses although
//! libphonenumber reads it is deliberate: trunk prefixes (with a suggestion), extension-like
//! trailing groups, spreadsheet artefacts, characters libphonenumber skips (`/`, `~`, U+2009)
//! and text before the `+`.

use std::fmt;
use std::str::FromStr;

use crate::error::{InputKind, InvalidInput};

#[cfg(feature = "numbering-plan")]
mod plan;
mod spelling;

/// The fewest digits the syntax-only build accepts. With the numbering plan, the plan decides
/// (a few countries, Iran among them, have valid shorter numbers).
#[cfg_attr(feature = "numbering-plan", allow(dead_code))]
pub const MIN_DIGITS: usize = 7;
/// The most digits E.164 allows.
pub const MAX_DIGITS: usize = 15;

/// A phone number in canonical (E.164) form: `+` and digits, the first not `0`: at most 15
/// (E.164's limit), or as many as the numbering plan allows where it has longer numbers
/// (Germany).
///
/// ```
/// use gong_api_ext::PhoneNumber;
///
/// let number = PhoneNumber::parse("+1(425) 555-2671")?;
/// assert_eq!(number.as_str(), "+14255552671");
///
/// // An extension would change the number Gong matches: rejected, not stripped.
/// assert!(PhoneNumber::parse("+1 425 555 2671 ext 33").is_err());
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Validates `input` and returns its canonical form.
    ///
    /// **Accepted**: surrounding whitespace (and a byte-order mark or zero-width space), then
    /// `+` (or the fullwidth `＋`) and the country code, then digits separated by spaces
    /// (also no-break and ideographic), dashes (also the Unicode hyphens and dashes U+2010 to
    /// U+2015, the minus sign and the fullwidth hyphen), dots, one level of parentheses, and
    /// the invisible zero-width space, word joiner and soft hyphen. Digits may be ASCII or of
    /// the scripts libphonenumber maps (fullwidth, Arabic-Indic, Persian, Devanagari, Bengali,
    /// Thai and others). A `tel:` URI (`tel:+1-201-555-0123`) is read as its number.
    ///
    /// **Refused**, with the rule named: no leading `+`, a second `+`, letters (vanity
    /// numbers), an extension (`ext`, `x`, `#`, `;`, a `,` pause, `;ext=`), a country code
    /// starting with `0`, more than 15 digits or fewer than 7 without the numbering plan (with
    /// it, the plan judges the length), any other character, and what a
    /// spreadsheet leaves: a leading `'` or `=`, surrounding quotes, a trailing comma, a
    /// trailing `.0`, scientific notation (`4.42079E+11`).
    ///
    /// **With the `numbering-plan` feature** (default), the number must also be valid in its
    /// country's numbering plan as libphonenumber reads it, and libphonenumber must read the
    /// very digits written:
    ///
    /// - a trunk prefix after the country code, in any spelling (`+44 020 7946 0018`,
    ///   `+44 (0)20 …`, `+49 (030) …`, `+7 8 …`, Argentina's mobile `15`), is refused, and the
    ///   number libphonenumber reads is given in the message and by
    ///   [`InvalidInput::suggestion`] (`+442079460018`), never applied silently;
    /// - a trailing digit group that could be an extension is refused: one that
    ///   libphonenumber's own formatting does not separate, after digits that are a valid
    ///   number by themselves (`+49 30 123456 123`). The same digits in one block
    ///   (`+4930123456123`) are accepted.
    ///
    /// **Without it** (`default-features = false`), only the syntax above is checked, plus a
    /// `(0)` after the country code: a trunk prefix written any other way, an impossible length
    /// for the country or an unassigned range is not caught.
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let fail = |rule: &str| InvalidInput::new(InputKind::PhoneNumber, input, rule);
        let written = spelling::read(input).map_err(|rule| fail(&rule))?;
        let digits = &written.digits;
        let count = digits.len();
        if count == 0 {
            return Err(fail("it has no digits"));
        }
        if digits.starts_with('0') {
            return Err(fail("a country code cannot start with 0"));
        }
        // With the plan, the plan judges the length (Iran has valid 6-digit numbers, Germany
        // valid 16-digit ones; libphonenumber allows 17 digits after a 3-digit country code);
        // this only bounds the work.
        let most = if cfg!(feature = "numbering-plan") {
            MAX_DIGITS + 5
        } else {
            MAX_DIGITS
        };
        if count > most {
            return Err(fail(&format!(
                "it is too long: it has {count} digits; E.164 allows at most {MAX_DIGITS}"
            )));
        }
        #[cfg(feature = "numbering-plan")]
        {
            let e164 = plan::check(&written).map_err(|refusal| {
                let error = fail(&refusal.rule);
                match refusal.suggestion {
                    Some(suggestion) => error.with_suggestion(suggestion),
                    None => error,
                }
            })?;
            Ok(Self(e164))
        }
        #[cfg(not(feature = "numbering-plan"))]
        {
            if count < MIN_DIGITS {
                return Err(fail(&format!(
                    "it is too short: it has {count} digits; at least {MIN_DIGITS} are needed"
                )));
            }
            if written.zeros_in_parentheses {
                return Err(fail(
                    "a (0) trunk prefix is ambiguous after a country code: write the number without it",
                ));
            }
            Ok(Self(format!("+{digits}")))
        }
    }

    /// The canonical form, `+` and digits. It goes on the wire percent-encoded (`%2B…`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Anything the phone methods take: a `&str`/`String` (validated) or a parsed [`PhoneNumber`].
pub trait IntoPhoneNumber {
    /// Validates (if needed) and converts.
    fn into_phone_number(self) -> Result<PhoneNumber, InvalidInput>;
}

crate::identity::validated_input!(IntoPhoneNumber, into_phone_number, PhoneNumber);

#[cfg(test)]
mod tests;

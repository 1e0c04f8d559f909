//! A data subject: the email address or phone number an erasure request names.

use std::fmt;

use crate::error::{InputKind, InvalidInput};
use crate::identity::email::EmailAddress;
use crate::identity::phone::PhoneNumber;

/// An email address or a phone number, validated.
///
/// ```
/// use gong_api_ext::Subject;
///
/// assert!(matches!(Subject::parse("+1 425 555 2671")?, Subject::Phone(_)));
/// assert!(matches!(Subject::parse("jane@example.com")?, Subject::Email(_)));
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// An email address.
    Email(EmailAddress),
    /// A phone number.
    Phone(PhoneNumber),
}

impl Subject {
    /// Reads a subject whose kind is not given: an email address contains `@` (and may start
    /// with `+`); anything else that starts like a number (`+`, a digit, `tel:`, or what a
    /// spreadsheet puts before one: `'`, `=`, a quote) is read as a phone number, so its
    /// error names the phone rule it broke (a missing `+`, a spreadsheet artefact). Anything
    /// else is rejected rather than guessed.
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let trimmed = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let starts_like_a_number = trimmed.starts_with(|c: char| {
            c.is_ascii_digit() || matches!(c, '+' | '\u{ff0b}' | '\'' | '=' | '"' | '\u{201c}')
        }) || trimmed
            .get(..4)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("tel:"));
        if trimmed.contains('@') {
            EmailAddress::parse(input).map(Self::Email)
        } else if starts_like_a_number {
            PhoneNumber::parse(input).map(Self::Phone)
        } else {
            Err(InvalidInput::new(
                InputKind::Subject,
                input,
                "it is neither an email address (no @) nor a phone number (no leading +)",
            ))
        }
    }

    /// The canonical text sent to Gong.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(e) => e.as_str(),
            Self::Phone(p) => p.as_str(),
        }
    }

    /// `"email"` or `"phone"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Email(_) => "email",
            Self::Phone(_) => "phone",
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Subject {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Serialised as its canonical text.
impl serde::Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Read back with [`Subject::parse`]: a stored subject is validated again, never trusted.
impl<'de> serde::Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl From<EmailAddress> for Subject {
    fn from(e: EmailAddress) -> Self {
        Self::Email(e)
    }
}

impl From<PhoneNumber> for Subject {
    fn from(p: PhoneNumber) -> Self {
        Self::Phone(p)
    }
}

#[cfg(test)]
mod tests;

//! A data subject: the email address or phone number an erasure request names.

use std::fmt;

use crate::email::EmailAddress;
use crate::error::{InputKind, InvalidInput};
use crate::phone::PhoneNumber;

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
    /// with `+`); anything else that starts like a number (`+`, a digit, `tel:`, a bracket
    /// before a `+` as in `(+44) 20 7946 0018`, or what a spreadsheet puts before one: `'`,
    /// `=`, a quote) is read as a phone number, so its error names the phone rule it broke (a
    /// missing `+`, a spreadsheet artefact). Anything else is rejected rather than guessed.
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let trimmed = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let starts_like_a_number = trimmed.starts_with(|c: char| {
            c.is_ascii_digit() || matches!(c, '+' | '\u{ff0b}' | '\'' | '=' | '"' | '\u{201c}')
        }) || trimmed
            .get(..4)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("tel:"))
            || trimmed
                .strip_prefix(['(', '[', '\u{ff08}', '\u{ff3b}'])
                .is_some_and(|rest| rest.starts_with(['+', '\u{ff0b}']));
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

    /// How the subject was written, when it is sent as other characters than the ones
    /// written beyond case and formatting: see [`EmailAddress::written_as`] (`user@ⓐcme.io`
    /// sent as `user@acme.io`). `None` for a phone number, whose canonical form only drops
    /// formatting.
    pub fn written_as(&self) -> Option<&str> {
        match self {
            Self::Email(e) => e.written_as(),
            Self::Phone(_) => None,
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
mod tests {
    use super::*;

    #[test]
    fn detects_the_kind_or_refuses() {
        assert_eq!(
            Subject::parse(" +1 (425) 555-2671").unwrap().as_str(),
            "+14255552671"
        );
        assert_eq!(
            Subject::parse("jane@Example.com").unwrap().to_string(),
            "jane@example.com"
        );
        let err = Subject::parse("jane at example.com").unwrap_err();
        assert!(err.to_string().contains("neither"), "{err}");
        // Number-like input gets the phone rule it broke.
        let err = Subject::parse("4255552671").unwrap_err();
        assert!(err.rule().contains("must start with +"), "{err}");
        let err = Subject::parse("4.25555E+10").unwrap_err();
        assert!(err.rule().contains("scientific notation"), "{err}");
        let err = Subject::parse("'+14255552671").unwrap_err();
        assert!(err.rule().contains("apostrophe"), "{err}");
        assert_eq!(
            Subject::parse("tel:+1-425-555-2671").unwrap().as_str(),
            "+14255552671"
        );
        assert_eq!(
            Subject::parse("(+44) 20 7946 0018").unwrap().as_str(),
            "+442079460018"
        );
        // A phone-looking input keeps the phone rules.
        assert!(Subject::parse("+1 425 555 2671 ext 2").is_err());
        // An email address may start with `+`.
        assert!(matches!(
            Subject::parse("+tag@example.com").unwrap(),
            Subject::Email(_)
        ));
    }

    #[test]
    fn serialises_as_its_text_and_is_validated_when_read() {
        let subject = Subject::parse("+1 (425) 555-2671").unwrap();
        assert_eq!(
            serde_json::to_string(&subject).unwrap(),
            r#""+14255552671""#
        );
        let back: Subject = serde_json::from_str(r#""Jane@Example.com""#).unwrap();
        assert_eq!(back.as_str(), "Jane@example.com");
        let err = serde_json::from_str::<Subject>(r#""+1 425 555 2671 ext 2""#).unwrap_err();
        assert!(err.to_string().contains("extension"), "{err}");
    }
}

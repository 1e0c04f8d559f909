//! Email addresses, validated before they reach an erase call.
//!
//! Not a full RFC 5322 parser: an erase must never act on an input that could be read two
//! ways, so anything beyond the plain `local@domain.tld` shape (display names, lists, quoted
//! local parts, a second `@`) is rejected rather than interpreted.

use std::fmt;
use std::str::FromStr;

use crate::error::{InputKind, InvalidInput};

/// The longest address accepted (RFC 5321 path limit, in bytes).
pub const MAX_LEN: usize = 254;
/// The longest local part accepted (RFC 5321, in bytes).
pub const MAX_LOCAL_LEN: usize = 64;

/// Characters that mean the input is not one plain address (a display name, a list, a comment
/// or a quoted local part).
const STRUCTURAL: &[char] = &['"', ',', ';', '<', '>', '(', ')', '[', ']', '\\', ':'];

/// A validated email address: trimmed, exactly one `@`, local part kept as written, domain
/// lower-cased.
///
/// ```
/// use gong_api_ext::EmailAddress;
///
/// let address = EmailAddress::parse("  Jane.Doe@Example.COM ")?;
/// assert_eq!(address.as_str(), "Jane.Doe@example.com");
/// assert!(EmailAddress::parse("jane@doe@example.com").is_err());
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates `input` (see the type's docs for the rules).
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let fail = |rule: &str| Err(InvalidInput::new(InputKind::EmailAddress, input, rule));
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return fail("it is empty");
        }
        if trimmed.len() > MAX_LEN {
            return fail(&format!(
                "it is {} bytes long; at most {MAX_LEN} are allowed",
                trimmed.len()
            ));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return fail("it contains whitespace or a control character");
        }
        // Invisible format characters (a byte-order mark, a zero-width space, a soft hyphen…)
        // would make Gong match nothing while the erasure is reported done: only printable
        // ASCII and Unicode letters and digits are accepted.
        if let Some(c) = trimmed
            .chars()
            .find(|c| !(c.is_ascii_graphic() || c.is_alphanumeric()))
        {
            return fail(&format!(
                "it contains the invisible or unusual character U+{:04X}",
                u32::from(c)
            ));
        }
        let mut parts = trimmed.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return fail(if trimmed.contains('@') {
                "it has more than one @"
            } else {
                "it has no @"
            });
        };
        if local.is_empty() {
            return fail("the part before the @ is empty");
        }
        if local.len() > MAX_LOCAL_LEN {
            return fail(&format!(
                "the part before the @ is {} bytes long; at most {MAX_LOCAL_LEN} are allowed",
                local.len()
            ));
        }
        if let Some(c) = trimmed.chars().find(|c| STRUCTURAL.contains(c)) {
            return fail(&format!(
                "it contains {c:?}: give one plain address, without a display name or quotes"
            ));
        }
        if !domain.contains('.') {
            return fail("the domain has no dot");
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return fail("the domain has an empty label");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return fail("the part before the @ has a misplaced dot");
        }
        let canonical = format!("{local}@{}", domain.to_lowercase());
        // Lower-casing can lengthen a non-ASCII domain: the canonical form must fit too.
        if canonical.len() > MAX_LEN {
            return fail(&format!(
                "its canonical form is {} bytes long; at most {MAX_LEN} are allowed",
                canonical.len()
            ));
        }
        Ok(Self(canonical))
    }

    /// The address as sent to Gong.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Anything the email methods take: a `&str`/`String` (validated) or a parsed [`EmailAddress`].
pub trait IntoEmailAddress {
    /// Validates (if needed) and converts.
    fn into_email_address(self) -> Result<EmailAddress, InvalidInput>;
}

crate::validated_input!(IntoEmailAddress, into_email_address, EmailAddress);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_addresses() {
        for (input, canonical) in [
            ("jane@example.com", "jane@example.com"),
            ("  jane@example.com\n", "jane@example.com"),
            (
                "Jane.Doe+gdpr@Sub.Example.CO.UK",
                "Jane.Doe+gdpr@sub.example.co.uk",
            ),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("jürgen@müller.de", "jürgen@müller.de"),
        ] {
            assert_eq!(EmailAddress::parse(input).unwrap().as_str(), canonical);
        }
    }

    #[test]
    fn rejects_ambiguous_or_malformed_input() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!("a@{}.com", "b".repeat(250));
        for (input, rule) in [
            ("", "empty"),
            ("jane.example.com", "no @"),
            ("jane@doe@example.com", "more than one @"),
            ("@example.com", "before the @ is empty"),
            ("jane@localhost", "no dot"),
            ("jane@example..com", "empty label"),
            ("jane@.example.com", "empty label"),
            ("jane@example.com.", "empty label"),
            ("jane doe@example.com", "whitespace"),
            ("jane@exa\u{7}mple.com", "whitespace or a control"),
            ("Jane Doe <jane@example.com>", "whitespace"),
            ("<jane@example.com>", "'<'"),
            ("jane@example.com,joe@example.com", "more than one @"),
            ("jane,joe@example.com", "','"),
            ("\"jane\"@example.com", "'\"'"),
            (".jane@example.com", "misplaced dot"),
            ("\u{feff}jane@example.com", "U+FEFF"),
            ("joe\u{200b}@example.com", "U+200B"),
            ("jo\u{ad}e@example.com", "U+00AD"),
            ("jane@exam\u{2060}ple.com", "U+2060"),
            (long_local.as_str(), "at most 64"),
            (long.as_str(), "at most 254"),
        ] {
            let err = EmailAddress::parse(input).expect_err(input);
            assert!(err.to_string().contains(rule), "{input:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_accepted_addresses_round_trip(input in "\\PC{0,60}") {
            if let Ok(address) = EmailAddress::parse(&input) {
                prop_assert_eq!(EmailAddress::parse(address.as_str()).unwrap(), address.clone());
                prop_assert_eq!(address.as_str().matches('@').count(), 1);
            }
        }
    }
}

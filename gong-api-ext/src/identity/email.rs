//! Email addresses, validated before they reach an erase call.
//!
//! Not a full RFC 5322 parser: an erase must never act on an input that could be read two
//! ways, so anything beyond the plain `local@domain.tld` shape (display names, lists, quoted
//! local parts, a second `@`) is rejected rather than interpreted.
//!
//! What is sent, and why:
//!
//! - **NFC, for the whole address.** The same text can be written in composed (`ü`) or
//!   decomposed (`u` + U+0308) code points; RFC 6532 §3.1 asks for NFC in addresses, mail
//!   software writes it, and `email-validator` returns it. NFC changes code points, never
//!   characters, so the local part is otherwise kept exactly as given, case included: only
//!   the receiving mail system knows whether `Jane` and `jane` are one mailbox, and Gong
//!   matches what it stored.
//! - **The domain as a hostname** (IDNA, UTS 46 through the `idna` crate): lower-cased,
//!   compatibility forms mapped (fullwidth letters, the Kelvin sign, the ideographic full
//!   stops `。．｡` as dots), each label 1 to 63 octets of letters, digits and inner hyphens in
//!   its ASCII form, 253 octets in all, a top-level domain ending with a letter, no path,
//!   query, port or other character no hostname has. Non-ASCII labels must be made of
//!   letters, marks and digits (the RFC 5892 basis of IDNA2008; no symbols or emoji).
//! - **An internationalised domain is sent in the form it was given in**: Unicode (`münchen.de`)
//!   stays Unicode, Punycode (`xn--mnchen-3ya.de`) stays Punycode. Gong stores the addresses
//!   it sees in mail headers and CRM records; internationalised mail (RFC 6532) carries the
//!   Unicode form and older systems the Punycode form, so the form the person's address was
//!   found in is the best guess of the form Gong holds. The other form is
//!   [`EmailAddress::other_domain_form`], for callers who erase both.
//! - **Special-use domains are refused**: `.test`, `.invalid`, `.localhost`, `.local`,
//!   `.onion` and `.arpa` (RFC 6761, 6762, 7686): no mailbox on the Internet is under them,
//!   so an address there is test data or a typo, never a data subject. The list is
//!   `email-validator`'s.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::{InputKind, InvalidInput};

/// The longest address accepted (RFC 5321 path limit, in bytes, with the domain in its ASCII
/// form; the Unicode form of an internationalised domain may take more bytes).
pub const MAX_LEN: usize = 254;
/// The longest local part accepted (RFC 5321, in bytes).
pub const MAX_LOCAL_LEN: usize = 64;
/// The longest domain accepted, in octets of its ASCII form (RFC 1035).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label of a domain, in octets of its ASCII form (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// Characters that mean the input is not one plain address (a display name, a list, a comment
/// or a quoted local part).
const STRUCTURAL: &[char] = &['"', ',', ';', '<', '>', '(', ')', '[', ']', '\\', ':'];

/// The ideographic, fullwidth and halfwidth ideographic full stops, which UTS 46 maps to `.`.
const FULL_STOPS: &[char] = &['\u{3002}', '\u{ff0e}', '\u{ff61}'];

/// Top-level domains where no one can receive mail (`email-validator`'s list).
const SPECIAL_USE: &[&str] = &["arpa", "invalid", "local", "localhost", "onion", "test"];

/// A validated email address: trimmed, NFC, exactly one `@`, local part kept as written,
/// domain checked as a hostname and lower-cased (see the module docs for what is sent).
///
/// ```
/// use gong_api_ext::EmailAddress;
///
/// let address = EmailAddress::parse("  Jane.Doe@Example.COM ")?;
/// assert_eq!(address.as_str(), "Jane.Doe@example.com");
/// assert!(EmailAddress::parse("jane@doe@example.com").is_err());
///
/// // Decomposed input, an ideographic full stop: the same address.
/// let address = EmailAddress::parse("ju\u{308}rgen@mu\u{308}nchen\u{3002}de")?;
/// assert_eq!(address.as_str(), "jürgen@münchen.de");
/// assert_eq!(address.other_domain_form().as_deref(), Some("jürgen@xn--mnchen-3ya.de"));
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates `input` (see the type's and the module's docs for the rules).
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let fail = |rule: &str| InvalidInput::new(InputKind::EmailAddress, input, rule);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        // Bounds the work below; the real limit is checked on the ASCII form. A domain's
        // Unicode form can take about four times the bytes of its Punycode.
        if trimmed.len() > 8 * MAX_LEN {
            return Err(fail(&format!(
                "it is {} bytes long; at most {MAX_LEN} are allowed",
                trimmed.len()
            )));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("it contains whitespace or a control character"));
        }
        let nfc = ComposingNormalizerBorrowed::new_nfc().normalize(trimmed);
        // Invisible format characters (a byte-order mark, a zero-width space, a soft hyphen…)
        // would make Gong match nothing while the erasure is reported done: only printable
        // ASCII and Unicode letters, marks and digits are accepted.
        if let Some(c) = nfc
            .chars()
            .find(|&c| !(c.is_ascii_graphic() || is_word_char(c) || FULL_STOPS.contains(&c)))
        {
            return Err(fail(&format!(
                "it contains the invisible or unusual character U+{:04X}",
                u32::from(c)
            )));
        }
        let mut parts = nfc.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(fail(if nfc.contains('@') {
                "it has more than one @"
            } else {
                "it has no @"
            }));
        };
        if local.is_empty() {
            return Err(fail("the part before the @ is empty"));
        }
        if local.len() > MAX_LOCAL_LEN {
            return Err(fail(&format!(
                "the part before the @ is {} bytes long; at most {MAX_LOCAL_LEN} are allowed",
                local.len()
            )));
        }
        if let Some(c) = local.chars().find(|c| STRUCTURAL.contains(c)) {
            return Err(fail(&format!(
                "it contains {c:?}: give one plain address, without a display name or quotes"
            )));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(fail("the part before the @ has a misplaced dot"));
        }
        let domain = hostname(domain).map_err(|rule| fail(&rule))?;
        // RFC 5321's limit counts octets as sent without SMTPUTF8: the domain in its ASCII
        // form. Counting the Unicode form instead would accept an address in one form and
        // refuse it in the other (found by fuzzing).
        let length = local.len() + 1 + domain.ascii_len;
        if length > MAX_LEN {
            return Err(fail(&format!(
                "it is {length} bytes long with its domain in ASCII form; at most {MAX_LEN} \
                 are allowed"
            )));
        }
        Ok(Self(format!("{local}@{}", domain.sent)))
    }

    /// The address as sent to Gong.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For an internationalised domain, the address with the domain in its other form:
    /// Punycode (`jürgen@xn--mnchen-3ya.de`) for one given in Unicode, Unicode for one given
    /// in Punycode. `None` for a plain ASCII domain. Gong may hold either form; a caller who
    /// wants to be thorough erases both.
    pub fn other_domain_form(&self) -> Option<String> {
        let (local, domain) = self.0.rsplit_once('@')?;
        let other = if domain.is_ascii() {
            let (unicode, result) =
                Uts46::new().to_unicode(domain.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
            result.ok()?;
            unicode
        } else {
            Uts46::new()
                .to_ascii(
                    domain.as_bytes(),
                    AsciiDenyList::STD3,
                    Hyphens::Check,
                    DnsLength::Verify,
                )
                .ok()?
        };
        (other != domain).then(|| format!("{local}@{other}"))
    }
}

/// Letters, marks and numbers: what a word in any script is made of. ICU's Unicode data, the
/// same the IDNA processing uses (the standard library's may be another Unicode version: a
/// letter new to one and unassigned in the other made a Punycode domain's Unicode form
/// refused; found by fuzzing).
fn is_word_char(c: char) -> bool {
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    [
        GeneralCategoryGroup::Letter,
        GeneralCategoryGroup::Mark,
        GeneralCategoryGroup::Number,
    ]
    .iter()
    .any(|group| group.contains(category))
}

/// RFC 5892's basis for characters valid in an internationalised label: lower- and upper-case
/// and other letters, modifier letters, non-spacing and spacing marks, decimal digits.
fn is_idna2008_letter_digit(c: char) -> bool {
    use GeneralCategory as G;
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        G::LowercaseLetter
            | G::UppercaseLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::ModifierLetter
            | G::NonspacingMark
            | G::SpacingMark
    )
}

/// A domain checked as a hostname: what is sent.
struct Hostname {
    sent: String,
    /// The length of the domain's ASCII (Punycode) form.
    ascii_len: usize,
}

/// Checks `domain` as a hostname (see the module docs); `Err` holds the rule broken.
fn hostname(domain: &str) -> Result<Hostname, String> {
    // UTS 46 mapping: lower case, compatibility forms, ideographic full stops as dots.
    let (mapped, result) =
        Uts46::new().to_unicode(domain.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    let labels: Vec<&str> = mapped.split('.').collect();
    if labels.len() < 2 {
        return Err("the domain has no dot".into());
    }
    if labels.iter().any(|l| l.is_empty()) {
        return Err("the domain has an empty label".into());
    }
    if let Some(c) = mapped
        .chars()
        .find(|&c| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(format!(
            "the domain contains {c:?}, which no hostname has (a path, query or port is not \
             part of an address)"
        ));
    }
    if labels
        .iter()
        .any(|l| l.starts_with('-') || l.ends_with('-'))
    {
        return Err("a label of the domain starts or ends with a hyphen".into());
    }
    // Checked as given (an emoji UTS 46 refuses is then named) and as mapped, Punycode labels
    // decoded (`xn--mnchexn--mnchen-0yn-5ya` hides a `«`; found by fuzzing).
    if let Some(c) = domain.chars().chain(mapped.chars()).find(|&c| {
        !c.is_ascii() && !is_idna2008_letter_digit(c) && !FULL_STOPS.contains(&c) && c != '\u{fffd}'
    }) {
        return Err(format!(
            "the domain contains U+{:04X}, which is not a letter, mark or digit: no \
             internationalised domain name may have it",
            u32::from(c)
        ));
    }
    let ascii = match (result, ascii_form(&mapped)) {
        (Ok(()), Ok(ascii)) => ascii,
        _ => {
            return Err(
                "the domain is not a valid internationalised domain name (IDNA): check its \
                 spelling; a label may not have two letters and -- unless it is Punycode \
                 (xn--)"
                    .into(),
            );
        }
    };
    if let Some(label) = ascii.split('.').find(|l| l.len() > MAX_LABEL_LEN) {
        return Err(format!(
            "a label of the domain is {} octets long; at most {MAX_LABEL_LEN} are allowed",
            label.len()
        ));
    }
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(format!(
            "the domain is {} octets long; at most {MAX_DOMAIN_LEN} are allowed",
            ascii.len()
        ));
    }
    let tld = ascii.rsplit('.').next().unwrap_or_default();
    if !tld.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!(
            "the top-level domain .{tld} does not exist: every top-level domain ends with a letter"
        ));
    }
    if let Some(special) = SPECIAL_USE
        .iter()
        .find(|&&d| ascii == d || ascii.ends_with(&format!(".{d}")))
    {
        return Err(format!(
            "the domain is under .{special}, reserved for special use (RFC 6761): no one \
             receives mail there"
        ));
    }
    let ascii_len = ascii.len();
    let sent = if domain.is_ascii() {
        ascii.into_owned()
    } else {
        mapped.into_owned()
    };
    Ok(Hostname { sent, ascii_len })
}

/// The ASCII (Punycode) form of an already mapped domain, with the STD3 and hyphen rules.
fn ascii_form(mapped: &str) -> Result<Cow<'_, str>, idna::Errors> {
    Uts46::new().to_ascii(
        mapped.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::Check,
        DnsLength::Ignore,
    )
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

crate::identity::validated_input!(IntoEmailAddress, into_email_address, EmailAddress);

#[cfg(test)]
mod tests;

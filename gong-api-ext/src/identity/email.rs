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
//! - **A domain valid only after UTS 46 mapping is sent mapped**: `user@ⓐcme.io` is sent as
//!   `user@acme.io`, `user@ǅungla.hr` as `user@džungla.hr` (mail software maps it so before
//!   it looks the domain up), and [`EmailAddress::written_as`] keeps the spelling given, for
//!   a plan to show. Mappings that change what the domain says are refused, with the reason:
//!   superscripts and ordinals (`™` is `tm`, `²` is `2`), subscripts, fractions, squared
//!   abbreviations (`㎞`), symbols and numbers spelled as letters (`℡`, Roman numerals `Ⅻ`),
//!   vertical forms and the invisible characters UTS 46 deletes (see `identity/email/compat.rs`).
//!   IDNA2008's disallowed characters (symbols, emoji, punctuation) stay refused after mapping.
//! - **An internationalised domain is sent in the form it was given in**: Unicode (`münchen.de`)
//!   stays Unicode, Punycode (`xn--mnchen-3ya.de`) stays Punycode. Gong stores the addresses
//!   it sees in mail headers and CRM records; internationalised mail (RFC 6532) carries the
//!   Unicode form and older systems the Punycode form, so the form the person's address was
//!   found in is the best guess of the form Gong holds. Both forms are
//!   [`EmailAddress::ascii_form`] and [`EmailAddress::unicode_form`], for callers who erase
//!   both (the CLI does).
//! - **Special-use domains are refused**: `.test`, `.invalid`, `.localhost`, `.local`,
//!   `.onion` and `.arpa` (RFC 6761, 6762, 7686): no mailbox on the Internet is under them,
//!   so an address there is test data or a typo, never a data subject. The list is
//!   `email-validator`'s.

use std::fmt;
use std::str::FromStr;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::{InputKind, InvalidInput};

mod compat;
mod hostname;

use hostname::hostname;

/// The longest address accepted (RFC 5321 path limit, in bytes, with the domain in its ASCII
/// form; the Unicode form of an internationalised domain may take more bytes).
pub const MAX_LEN: usize = 254;
/// The longest local part accepted (RFC 5321, in bytes).
pub const MAX_LOCAL_LEN: usize = 64;

/// Characters that mean the input is not one plain address (a display name, a list, a comment
/// or a quoted local part).
const STRUCTURAL: &[char] = &['"', ',', ';', '<', '>', '(', ')', '[', ']', '\\', ':'];

/// The ideographic, fullwidth and halfwidth ideographic full stops, which UTS 46 maps to `.`.
const FULL_STOPS: &[char] = &['\u{3002}', '\u{ff0e}', '\u{ff61}'];

/// A validated email address: trimmed, NFC, exactly one `@`, local part kept as written,
/// domain checked as a hostname, lower-cased and UTS 46 mapped (see the module docs for what
/// is sent).
///
/// Two addresses are equal when they are sent as the same text: how each was written
/// ([`EmailAddress::written_as`]) is not part of its identity.
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
///
/// // Valid only after UTS 46 mapping: the mapped form is sent, the spelling given kept.
/// let address = EmailAddress::parse("user@ⓐcme.io")?;
/// assert_eq!(address.as_str(), "user@acme.io");
/// assert_eq!(address.written_as(), Some("user@ⓐcme.io"));
/// // A mapping that changes the meaning is refused.
/// assert!(EmailAddress::parse("user@acme™.com").is_err());
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct EmailAddress {
    /// The address as sent.
    address: String,
    /// The trimmed input, when UTS 46 mapped its domain beyond case.
    written_as: Option<String>,
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
    }
}

impl Eq for EmailAddress {}

impl std::hash::Hash for EmailAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.address.hash(state);
    }
}

impl PartialOrd for EmailAddress {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EmailAddress {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.address.cmp(&other.address)
    }
}

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
        // ASCII and Unicode letters, marks and digits are accepted, and in the domain symbols
        // too, which UTS 46 may map to letters (`ⓐ`); the hostname check decides those.
        let domain_starts = nfc.rfind('@').map_or(nfc.len(), |at| at + 1);
        if let Some((_, c)) = nfc.char_indices().find(|&(at, c)| {
            !(c.is_ascii_graphic()
                || is_word_char(c)
                || FULL_STOPS.contains(&c)
                || (at >= domain_starts && is_symbol_or_punctuation(c)))
        }) {
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
        let domain_as_written = domain;
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
        let address = format!("{local}@{}", domain.sent);
        // Shown when the domain sent is not the one written up to case: fullwidth letters,
        // ideographic full stops, circled letters, digraphs. Both sides are lower-cased: UTS 46
        // maps Cherokee to its capitals (found by fuzzing: `ꮪ` is sent as `Ꮪ`).
        let written_as = (domain_as_written.to_lowercase() != domain.sent.to_lowercase())
            .then(|| trimmed.to_owned());
        Ok(Self {
            address,
            written_as,
        })
    }

    /// The address as sent to Gong.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The address as it was given (trimmed), when UTS 46 mapped its domain to other
    /// characters than the ones written, beyond case: `user@ⓐcme.io` for `user@acme.io`,
    /// `jane@acme。io` for `jane@acme.io`. `None` when the domain was sent as written (up to
    /// case and NFC). For showing a user what will be erased; it is never sent, never
    /// serialised and takes no part in comparing addresses.
    pub fn written_as(&self) -> Option<&str> {
        self.written_as.as_deref()
    }

    /// Whether the domain is internationalised: it has a Unicode form and a Punycode (`xn--`)
    /// one, and Gong may hold the address in either.
    pub fn is_internationalised(&self) -> bool {
        self.other_domain_form().is_some()
    }

    /// For an internationalised domain, the address with the domain in its ASCII (Punycode)
    /// form, `jürgen@xn--mnchen-3ya.de` (the same address when it was given so); `None` for a
    /// plain ASCII domain. The local part is kept as it is.
    pub fn ascii_form(&self) -> Option<EmailAddress> {
        self.form(true)
    }

    /// For an internationalised domain, the address with the domain in its Unicode form,
    /// `jürgen@münchen.de` (the same address when it was given so); `None` for a plain ASCII
    /// domain.
    ///
    /// ```
    /// use gong_api_ext::EmailAddress;
    ///
    /// let given = EmailAddress::parse("jane@xn--bcher-kva.de")?;
    /// let unicode = given.unicode_form().unwrap();
    /// assert_eq!(unicode.as_str(), "jane@bücher.de");
    /// assert_eq!(unicode.ascii_form(), Some(given));
    /// assert_eq!(EmailAddress::parse("jane@example.com")?.unicode_form(), None);
    /// # Ok::<(), gong_api_ext::InvalidInput>(())
    /// ```
    pub fn unicode_form(&self) -> Option<EmailAddress> {
        self.form(false)
    }

    fn form(&self, ascii: bool) -> Option<EmailAddress> {
        let other = self.other_domain_form()?;
        let domain_is_ascii = self.address.rsplit_once('@')?.1.is_ascii();
        let address = if domain_is_ascii == ascii {
            self.address.clone()
        } else {
            other
        };
        Some(EmailAddress {
            address,
            written_as: None,
        })
    }

    /// For an internationalised domain, the address with the domain in its other form:
    /// Punycode (`jürgen@xn--mnchen-3ya.de`) for one given in Unicode, Unicode for one given
    /// in Punycode. `None` for a plain ASCII domain. Gong may hold either form; a caller who
    /// wants to be thorough erases both.
    pub fn other_domain_form(&self) -> Option<String> {
        let (local, domain) = self.address.rsplit_once('@')?;
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

/// Symbols and punctuation (`ⓐ`, `™`, the fullwidth hyphen): refused in a domain unless UTS 46
/// maps them to letters, digits or a hyphen and the mapping keeps the meaning.
fn is_symbol_or_punctuation(c: char) -> bool {
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    GeneralCategoryGroup::Symbol.contains(category)
        || GeneralCategoryGroup::Punctuation.contains(category)
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.address)
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
        &self.address
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

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
//!   vertical forms and the invisible characters UTS 46 deletes (see `email/compat.rs`).
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

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::{InputKind, InvalidInput};

mod compat;
mod compat_table;

use compat::Refused;

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
        // ideographic full stops, circled letters, digraphs.
        let written_as =
            (domain_as_written.to_lowercase() != domain.sent).then(|| trimmed.to_owned());
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

fn is_mark(c: char) -> bool {
    GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// RFC 5892's basis for characters valid in an internationalised label: lower- and upper-case
/// and other letters, modifier letters, non-spacing and spacing marks, decimal digits; with its
/// exceptions (§2.6: the tsheg `་`, two Arabic signs and the ideographic zero are valid; the
/// tatweel and a few iteration and tone marks are not) and without the conjoining Hangul jamo
/// (§2.9), which UTS 46 produces from compatibility jamo (`ㄱ`) and circled ones. Characters
/// valid only in context (the middle dot of `l·l`, Hebrew geresh, the katakana middle dot) are
/// refused: their context rules are not checked here.
fn is_idna2008_letter_digit(c: char) -> bool {
    use GeneralCategory as G;
    if matches!(c, '\u{0f0b}' | '\u{06fd}' | '\u{06fe}' | '\u{3007}') {
        return true;
    }
    if matches!(
        c,
        '\u{0640}'
            | '\u{07fa}'
            | '\u{302e}'
            | '\u{302f}'
            | '\u{3031}'..='\u{3035}'
            | '\u{303b}'
            | '\u{1100}'..='\u{11ff}'
            | '\u{a960}'..='\u{a97f}'
            | '\u{d7b0}'..='\u{d7ff}'
    ) {
        return false;
    }
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
    if let Some((c, why)) = domain.chars().find_map(|c| Some((c, Refused::of(c)?))) {
        return Err(format!(
            "the domain contains U+{:04X} ({c}), {}: write the domain as its owner spells it",
            u32::from(c),
            why.reason()
        ));
    }
    // A mark cannot start a label; mapped, one may no longer be first (`\u{345}cme` is `ιcme`),
    // but what was written is not a name.
    if domain
        .split(|c| c == '.' || FULL_STOPS.contains(&c))
        .any(|label| label.chars().next().is_some_and(is_mark))
    {
        return Err("a label of the domain starts with a combining mark".into());
    }
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
    // Checked as given, where UTS 46 refuses a character (an emoji is then named, not the
    // replacement character), and as mapped, Punycode labels decoded
    // (`xn--mnchexn--mnchen-0yn-5ya` hides a `«`; found by fuzzing).
    let not_letter_digit =
        |c: char| !c.is_ascii() && !is_idna2008_letter_digit(c) && !FULL_STOPS.contains(&c);
    if let Some(c) = domain
        .chars()
        .filter(|&c| not_letter_digit(c) && !maps_alone(c))
        .chain(mapped.chars())
        .find(|&c| not_letter_digit(c) && c != '\u{fffd}')
    {
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

/// Whether UTS 46 maps `c` (written alone as a label) to something without error: `ⓐ` to `a`,
/// `ǅ` to `dž`; not an emoji or a character it disallows.
fn maps_alone(c: char) -> bool {
    let mut buffer = [0; 4];
    let (_, result) = Uts46::new().to_unicode(
        c.encode_utf8(&mut buffer).as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::Allow,
    );
    result.is_ok()
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
            // NFC for the whole address; the local part's case kept.
            ("Ju\u{308}rgen@Mu\u{308}nchen.DE", "Jürgen@münchen.de"),
            // Ideographic and fullwidth full stops, fullwidth letters, the Kelvin sign.
            ("jane.doe@acme\u{3002}io", "jane.doe@acme.io"),
            ("jane@acme\u{ff0e}io", "jane@acme.io"),
            ("user@ｅｘａｍｐｌｅ.com", "user@example.com"),
            ("user@\u{212a}elvin.com", "user@kelvin.com"),
            // Scripts whose words keep combining marks after NFC.
            ("ติดต่อ@ตัวอย่าง.ไทย", "ติดต่อ@ตัวอย่าง.ไทย"),
            ("सम्पर्क@उदाहरण.भारत", "सम्पर्क@उदाहरण.भारत"),
            // Each domain is sent in the form it was given in.
            ("jane@XN--MNCHEN-3YA.de", "jane@xn--mnchen-3ya.de"),
        ] {
            assert_eq!(EmailAddress::parse(input).unwrap().as_str(), canonical);
        }
    }

    #[test]
    fn rejects_ambiguous_or_malformed_input() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!(
            "{}@{}.com",
            "a".repeat(64),
            vec!["b".repeat(60); 4].join(".")
        );
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
            // Domains that cannot exist.
            ("jane@ac!me.io", "'!'"),
            ("jane@acme.io/path", "'/'"),
            ("jane@acme.io?subject=x", "'?'"),
            ("jane@acme.io:25", "':'"),
            ("jane@my_acme.io", "'_'"),
            ("jane@-acme.io", "hyphen"),
            ("jane@acme-.io", "hyphen"),
            ("jane@ab--acme.io", "IDNA"),
            ("jane@xn--zz.io", "IDNA"),
            ("jane@acme.123", "top-level domain .123"),
            ("jane@\u{2615}acme.io", "U+2615"),
            ("jane@acme.test", ".test"),
            ("jane@printer.local", ".local"),
            ("jane@localhost.localhost", ".localhost"),
            ("jane@acme\u{3002}", "empty label"),
            // Found by fuzzing: a Punycode label whose Unicode form has a `«`.
            ("user%@xn--mnchexn--mnchen-0yn-5ya.d", "U+00AB"),
        ] {
            let err = EmailAddress::parse(input).expect_err(input);
            assert!(err.to_string().contains(rule), "{input:?}: {err}");
        }
    }

    #[test]
    fn the_other_domain_form_is_offered_for_idns_only() {
        let unicode = EmailAddress::parse("jane@münchen.de").unwrap();
        assert_eq!(
            unicode.other_domain_form().as_deref(),
            Some("jane@xn--mnchen-3ya.de")
        );
        let punycode = EmailAddress::parse("jane@xn--mnchen-3ya.de").unwrap();
        assert_eq!(
            punycode.other_domain_form().as_deref(),
            Some("jane@münchen.de")
        );
        let ascii = EmailAddress::parse("jane@example.com").unwrap();
        assert_eq!(ascii.other_domain_form(), None);
        // Found by fuzzing: a long Punycode domain whose Unicode form takes more bytes than the
        // 254 allowed is one address in both forms.
        let long = EmailAddress::parse(
            "jaoe@acYYm.xn--m93OtcntttttYm.xn--m93OtcnttttttttttttttttttttttttttttttttttttttttttttthYYYY",
        )
        .unwrap();
        let unicode = long.other_domain_form().unwrap();
        assert!(unicode.len() > MAX_LEN);
        assert_eq!(
            EmailAddress::parse(&unicode)
                .unwrap()
                .other_domain_form()
                .as_deref(),
            Some(long.as_str())
        );
        // Found by fuzzing: the Unicode form of a Punycode label with letters newer than the
        // standard library's Unicode tables must parse too.
        let recent = EmailAddress::parse("usr@xn--yd0sta.de").unwrap();
        let other = recent.other_domain_form().unwrap();
        assert_eq!(
            EmailAddress::parse(&other)
                .unwrap()
                .other_domain_form()
                .as_deref(),
            Some("usr@xn--yd0sta.de")
        );
    }

    #[test]
    fn a_domain_valid_only_after_mapping_is_sent_mapped_and_its_spelling_kept() {
        for (input, sent) in [
            ("user@ⓐcme.io", "user@acme.io"),
            ("user@ǅungla.hr", "user@džungla.hr"),
            ("user@ℌacme.com", "user@hacme.com"),
            ("user@ﬁle.com", "user@file.com"),
            ("user@ac－me.io", "user@ac-me.io"),
            ("user@①acme.io", "user@1acme.io"),
            ("jane@acme\u{3002}io", "jane@acme.io"),
            (" user@ＡＣＭＥ.io ", "user@acme.io"),
        ] {
            let address = EmailAddress::parse(input).unwrap();
            assert_eq!(address.as_str(), sent, "{input:?}");
            assert_eq!(address.written_as(), Some(input.trim()), "{input:?}");
            // The identity is what is sent: the same as the address written plainly.
            assert_eq!(address, EmailAddress::parse(sent).unwrap());
            assert_eq!(EmailAddress::parse(sent).unwrap().written_as(), None);
        }
        // Case, NFC and Punycode are not a different spelling.
        for input in [
            "Jane@Example.COM",
            "jane@MÜNCHEN.de",
            "jane@mu\u{308}nchen.de",
            "jane@XN--MNCHEN-3YA.de",
            "jane@\u{212a}elvin.com",
        ] {
            assert_eq!(
                EmailAddress::parse(input).unwrap().written_as(),
                None,
                "{input:?}"
            );
        }
    }

    #[test]
    fn mappings_that_change_the_meaning_are_refused_with_the_reason() {
        for (input, rule) in [
            ("user@acme™.com", "U+2122 (™), a superscript"),
            ("user@ca².com", "superscript"),
            ("user@ªcme.com", "ordinal"),
            ("user@h₂o.com", "subscript"),
            ("user@½acme.com", "fraction"),
            ("user@㎞.com", "square"),
            ("user@℡acme.com", "as letters"),
            ("user@ⅻ.com", "as letters"),
            ("user@ac\u{fe0f}me.com", "delete"),
            ("user@\u{345}cme.io", "starts with a combining mark"),
            // IDNA2008 disallows conjoining Hangul jamo, which UTS 46 makes of compatibility
            // jamo, and the tatweel.
            ("user@acㄱme.io", "not a letter"),
            ("user@\u{628}\u{640}\u{628}.com", "U+0640"),
            ("user@ac\u{b7}me.io", "not a letter"),
        ] {
            let err = EmailAddress::parse(input).expect_err(input);
            assert!(err.rule().contains(rule), "{input:?}: {err}");
        }
        // The tsheg is valid by IDNA2008's exception, and its no-break form maps to it.
        assert_eq!(
            EmailAddress::parse("user@ac\u{f0c}me.io").unwrap().as_str(),
            "user@ac\u{f0b}me.io"
        );
    }

    #[test]
    fn both_forms_of_an_internationalised_domain() {
        let unicode = EmailAddress::parse("Jürgen@Bücher.de").unwrap();
        let ascii = unicode.ascii_form().unwrap();
        assert_eq!(ascii.as_str(), "Jürgen@xn--bcher-kva.de");
        assert_eq!(unicode.unicode_form().as_ref(), Some(&unicode));
        assert_eq!(ascii.unicode_form().as_ref(), Some(&unicode));
        assert_eq!(ascii.ascii_form().as_ref(), Some(&ascii));
        assert!(unicode.is_internationalised() && ascii.is_internationalised());
        // Each form is an address the parser accepts as itself.
        for form in [&unicode, &ascii] {
            assert_eq!(&EmailAddress::parse(form.as_str()).unwrap(), form);
        }
        // A domain mapped to plain ASCII has one form only.
        let mapped = EmailAddress::parse("user@ⓐcme.io").unwrap();
        assert!(!mapped.is_internationalised());
        assert_eq!((mapped.ascii_form(), mapped.unicode_form()), (None, None));
        // Mapped to a Unicode domain: both forms, neither keeping the spelling given.
        let mapped = EmailAddress::parse("user@ǅungla.hr").unwrap();
        let ascii = mapped.ascii_form().unwrap();
        assert_eq!(ascii.as_str(), "user@xn--dungla-3pb.hr");
        assert_eq!(ascii.written_as(), None);
    }

    proptest! {
        /// Mapping is idempotent: what is sent parses to itself, spelled as written.
        #[test]
        fn mapping_is_idempotent(
            local in "[a-z]{1,8}",
            label in proptest::collection::vec(
                prop_oneof![
                    "[a-z0-9]",
                    Just("ⓐ".to_owned()), Just("ǅ".to_owned()), Just("ｅ".to_owned()),
                    Just("ü".to_owned()), Just("u\u{308}".to_owned()), Just("Ä".to_owned()),
                    Just("ℌ".to_owned()), Just("ﬁ".to_owned()), Just("①".to_owned()),
                    Just("™".to_owned()), Just("²".to_owned()), Just("ㄱ".to_owned()),
                    Just("\u{3002}".to_owned()), Just("－".to_owned()),
                ],
                1..8,
            ),
            tld in prop_oneof![Just("io"), Just("de"), Just("ＣＯＭ")],
        ) {
            let input = format!("{local}@{}.{tld}", label.concat());
            if let Ok(address) = EmailAddress::parse(&input) {
                let again = EmailAddress::parse(address.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), address.as_str());
                prop_assert_eq!(again.written_as(), None);
                for form in [address.ascii_form(), address.unicode_form()].into_iter().flatten() {
                    let parsed = EmailAddress::parse(form.as_str()).unwrap();
                    prop_assert_eq!(parsed.as_str(), form.as_str());
                }
            }
        }

        #[test]
        fn never_panics_and_accepted_addresses_round_trip(input in "\\PC{0,60}") {
            if let Ok(address) = EmailAddress::parse(&input) {
                prop_assert_eq!(EmailAddress::parse(address.as_str()).unwrap(), address.clone());
                prop_assert_eq!(address.as_str().matches('@').count(), 1);
            }
        }
    }
}

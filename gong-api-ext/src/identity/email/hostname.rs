//! An email domain checked as a hostname: UTS 46 mapping, the mappings refused, IDNA2008's
//! letters and digits, lengths, the top-level domain and special-use domains.

use std::borrow::Cow;

use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use super::FULL_STOPS;
use super::compat::Refused;

/// The longest domain accepted, in octets of its ASCII form (RFC 1035).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label of a domain, in octets of its ASCII form (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// Top-level domains where no one can receive mail (`email-validator`'s list).
const SPECIAL_USE: &[&str] = &["arpa", "invalid", "local", "localhost", "onion", "test"];

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
pub(super) struct Hostname {
    pub(super) sent: String,
    /// The length of the domain's ASCII (Punycode) form.
    pub(super) ascii_len: usize,
}

/// Checks `domain` as a hostname (see the module docs); `Err` holds the rule broken.
pub(super) fn hostname(domain: &str) -> Result<Hostname, String> {
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

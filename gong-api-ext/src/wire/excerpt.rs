//! PII-free excerpts of unexpected bodies and URLs, for error messages.
//!
//! An error page can echo the request: a proxy's HTML page may quote the URL, whose query holds
//! the data subject's email address or phone number, and error messages end up in logs,
//! tickets and journals. So an excerpt quotes little and masks what could identify a person.
//! "PII-free" here means, for the text an error quotes:
//!
//! 1. at most [`EXCERPT_CHARS`] characters of the body's text (an HTML page's tags, scripts and
//!    styles removed, whitespace and control characters collapsed), taken from its first 4 KiB;
//! 2. every value the request carried in its query (the subject; CRM ids) is replaced by
//!    `[subject]` wherever it appears, in any ASCII case, as sent or form-encoded, and so are
//!    an email address's local part and a phone number's bare digits; in the same pass, the
//!    credentials the request carried (its `Authorization` value, with or without the scheme,
//!    form-encoded, and a Basic pair decoded and its secret alone) become `[credential]`
//!    (also in Gong's own error messages, which are otherwise quoted as they are);
//! 3. every remaining word that holds an email address (an `@`, or `%40`, `&#64;`, `&#x40;`,
//!    `&commat;`) becomes `[email]`, whoever it belongs to;
//! 4. every remaining run of digits (with the spaces, dots, dashes, slashes, parentheses and
//!    `+` that phone numbers are written with) holding 5 digits or more becomes `[number]`.
//!
//! Masking runs over the whole window before it is cut, so a cut never leaves half an address.
//! URLs (a redirect's `Location`) lose their query, fragment and credentials and get rules 2
//! and 3; their digits stay, since a host or port is what the reader must check.

use std::fmt;

use reqwest::Url;

/// How many characters of body text an excerpt keeps.
pub(crate) const EXCERPT_CHARS: usize = 80;
/// How much of the body is read for the excerpt.
const SCAN_BYTES: usize = 4096;
/// A digit run with this many digits or more is masked: the shortest subscriber numbers are
/// longer, and no status code or short count is.
const MASKED_DIGITS: usize = 5;

const SUBJECT_MASK: &str = "[subject]";
const EMAIL_MASK: &str = "[email]";
const NUMBER_MASK: &str = "[number]";
const CREDENTIAL_MASK: &str = "[credential]";
/// Spellings of `@` in URLs and HTML.
const AT_SIGNS: [&str; 5] = ["@", "%40", "&#64;", "&#x40;", "&commat;"];

/// The values a request carried in its query (Gong's subjects and ids travel there) and the
/// credentials it carried in its `Authorization` header: what an excerpt must never quote.
/// Kept as sent, and spelled out only when an excerpt is made, so a call that succeeds pays
/// nothing for it. `Debug` shows nothing of it.
#[derive(Clone, Default)]
pub(crate) struct Sensitive {
    query: Option<String>,
    /// Every `Authorization` value sent (a refresh may change it between attempts); cloning
    /// a header value only counts a reference.
    credentials: Vec<http::HeaderValue>,
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive([redacted])")
    }
}

impl Sensitive {
    /// The query values of `url`.
    pub(crate) fn of_url(url: &Url) -> Self {
        Self {
            query: url.query().map(str::to_owned),
            credentials: Vec::new(),
        }
    }

    /// Adds an `Authorization` value an attempt was sent with: an error page that echoes it
    /// (a proxy's, a debugging server's) must not carry it into messages.
    pub(crate) fn add_credential(&mut self, authorization: &http::HeaderValue) {
        if !self.credentials.contains(authorization) {
            self.credentials.push(authorization.clone());
        }
    }

    /// Every spelling an echo may use, lowercased, longest first (so a whole address is masked
    /// before its local part is looked for), each with its mask: each query value as sent and
    /// form-encoded, an email's local part, a phone number's bare digits; each credential
    /// with and without its scheme, and a Basic pair decoded and its secret alone.
    fn forms(&self, subjects: bool) -> Vec<(String, &'static str)> {
        let mut forms = Vec::new();
        let mut add = |text: &str, mask: &'static str| {
            // One character would mask half the page; no subject is that short.
            if text.chars().count() >= 2 {
                forms.push((text.to_ascii_lowercase(), mask));
                let encoded: String =
                    url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
                forms.push((encoded.to_ascii_lowercase(), mask));
            }
        };
        for value in self.credentials.iter().filter_map(|v| v.to_str().ok()) {
            add(value, CREDENTIAL_MASK);
            let Some((scheme, bare)) = value.split_once(' ') else {
                continue;
            };
            let bare = bare.trim();
            add(bare, CREDENTIAL_MASK);
            if scheme.eq_ignore_ascii_case("basic")
                && let Ok(pair) =
                    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, bare)
                && let Ok(pair) = String::from_utf8(pair)
            {
                add(&pair, CREDENTIAL_MASK);
                if let Some((_, secret)) = pair.split_once(':') {
                    add(secret, CREDENTIAL_MASK);
                }
            }
        }
        let query = self
            .query
            .as_deref()
            .filter(|_| subjects)
            .unwrap_or_default();
        for (_, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim();
            add(value, SUBJECT_MASK);
            if let Some((local, _)) = value.rsplit_once('@') {
                add(local, SUBJECT_MASK);
            }
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= MASKED_DIGITS {
                add(&digits, SUBJECT_MASK);
            }
        }
        forms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        forms.dedup_by(|a, b| a.0 == b.0);
        forms
    }

    /// `text` with every sensitive value replaced by `[subject]` (or `[credential]`), in one
    /// pass (a mask is never matched again).
    fn mask(&self, text: &str) -> String {
        mask_forms(text, &self.forms(true))
    }

    /// `text` with the credentials sent replaced by `[credential]`, and nothing else changed:
    /// for Gong's own error messages, which are quoted as they are.
    pub(crate) fn mask_credentials(&self, text: &str) -> String {
        if self.credentials.is_empty() {
            return text.to_owned();
        }
        mask_forms(text, &self.forms(false))
    }
}

fn mask_forms(text: &str, forms: &[(String, &'static str)]) -> String {
    if forms.is_empty() {
        return text.to_owned();
    }
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some((hit, mask)) = forms
            .iter()
            .find(|(form, _)| lower[i..].starts_with(form.as_str()))
        {
            out.push_str(mask);
            i += hit.len();
        } else {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// A short, PII-free excerpt of `body` (see the module docs); empty for an empty body.
pub(crate) fn excerpt(body: &[u8], sensitive: &Sensitive) -> String {
    let window = String::from_utf8_lossy(&body[..body.len().min(SCAN_BYTES)]);
    let text = if window.trim_start().starts_with('<') {
        strip_tags(&window)
    } else {
        window.into_owned()
    };
    let text = collapse_whitespace(&text);
    let text = mask_digit_runs(&mask_email_words(&sensitive.mask(&text)));
    let mut chars = text.chars();
    let mut cut: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() || body.len() > SCAN_BYTES {
        // Not half a mask: "[subj…" reads like data.
        if let Some(open) = cut.rfind('[')
            && !cut[open..].contains(']')
        {
            cut.truncate(open);
        }
        cut.push('…');
    }
    cut
}

/// A URL for an error message: no query, fragment or credentials, sensitive values and email
/// addresses masked.
pub(crate) fn url_text(url: &Url, sensitive: &Sensitive) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    mask_email_words(&sensitive.mask(url.as_str()))
}

/// Text of an HTML page: tags become spaces; scripts, styles and comments go entirely.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let lower = tag.get(..8).unwrap_or(tag).to_ascii_lowercase();
        let end = if lower.starts_with("<!--") {
            tag.find("-->").map(|i| i + 3)
        } else if let Some(name) = ["<script", "<style"]
            .into_iter()
            .find(|name| lower.starts_with(name))
        {
            let close = format!("</{}", &name[1..]);
            tag.to_ascii_lowercase()
                .find(&close)
                .and_then(|i| tag[i..].find('>').map(|j| i + j + 1))
        } else {
            tag.find('>').map(|i| i + 1)
        };
        match end {
            Some(end) => rest = &tag[end..],
            // An unclosed tag: the rest is markup.
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Whitespace and control characters as single spaces, trimmed.
fn collapse_whitespace(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every word holding an `@` (in any spelling) becomes `[email]`. A word ends at whitespace,
/// quotes, angle brackets, parentheses, braces, commas and semicolons.
fn mask_email_words(text: &str) -> String {
    let is_boundary = |c: char| c.is_whitespace() || "\"'<>(){},;`".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower = word.to_ascii_lowercase();
        if AT_SIGNS.iter().any(|at| lower.contains(at)) {
            out.push_str(EMAIL_MASK);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_boundary(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Every run of digits and phone punctuation holding [`MASKED_DIGITS`] digits or more becomes
/// `[number]` (from its first `+` or digit to its last digit).
fn mask_digit_runs(text: &str) -> String {
    let is_run_char = |c: char| c.is_ascii_digit() || " -.()/+".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_run_char(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_run_char(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        if run.iter().filter(|c| c.is_ascii_digit()).count() < MASKED_DIGITS {
            out.extend(run);
            continue;
        }
        let first = run
            .iter()
            .position(|c| c.is_ascii_digit() || *c == '+')
            .expect("the run has digits");
        let last = run
            .iter()
            .rposition(char::is_ascii_digit)
            .expect("the run has digits");
        out.extend(&run[..first]);
        out.push_str(NUMBER_MASK);
        out.extend(&run[last + 1..]);
    }
    out
}

#[cfg(test)]
mod tests;

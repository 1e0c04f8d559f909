//! [`Redactor`]: subjects replaced by a keyed hash.

use std::fmt;

use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretSlice};
use sha2::Sha256;

use super::ReportError;

/// The shortest redaction key accepted, in bytes. Email addresses and phone numbers are easy
/// to guess, so the hash is only as private as the key: 16 random bytes (32 hex characters)
/// is the least that cannot be searched.
pub const MIN_KEY_LEN: usize = 16;

/// What the redacted text starts with.
const PREFIX: &str = "hmac-sha256:";

/// Replaces subjects by `hmac-sha256:` and the first 128 bits (32 hex digits) of
/// HMAC-SHA-256 keyed with a key you supply, so a report can be shared without naming the
/// people it is about, and whoever holds the key can still find a person's row (compute the
/// HMAC of their normalised address or number). Without the key, a guessed address cannot be
/// checked against the report.
///
/// ```
/// use gong_privacy::report::Redactor;
///
/// let redactor = Redactor::new(b"0123456789abcdef0123456789abcdef")?;
/// let hidden = redactor.hash("jane@example.com");
/// assert!(hidden.starts_with("hmac-sha256:") && !hidden.contains("jane"));
/// assert_eq!(hidden.len(), "hmac-sha256:".len() + 32);
/// # Ok::<(), gong_privacy::report::ReportError>(())
/// ```
pub struct Redactor {
    key: SecretSlice<u8>,
}

impl Redactor {
    /// A redactor keyed with `key` (at least [`MIN_KEY_LEN`] bytes).
    pub fn new(key: &[u8]) -> Result<Self, ReportError> {
        if key.len() < MIN_KEY_LEN {
            return Err(ReportError::ShortKey(key.len()));
        }
        Ok(Self {
            key: key.to_vec().into(),
        })
    }

    /// `text`'s keyed hash: `hmac-sha256:` and 32 hex digits.
    pub fn hash(&self, text: &str) -> String {
        let digest = self.mac(text.as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{PREFIX}{hex}")
    }

    /// A name for the key that reveals nothing about it (16 hex digits of the HMAC of a fixed
    /// label), so a reader can tell whether two reports were redacted with the same key.
    pub fn key_id(&self) -> String {
        self.mac(b"gong-privacy redaction key id")[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// `text` with every occurrence of each of `secrets` (matched without regard to ASCII
    /// case) replaced by its hash: for free text such as an error message that may quote the
    /// subject.
    pub fn scrub(&self, text: &str, secrets: &[&str]) -> String {
        let mut out = text.to_owned();
        for secret in secrets.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let hashed = self.hash(secret);
            let lower = out.to_ascii_lowercase();
            let needle = secret.to_ascii_lowercase();
            let mut result = String::with_capacity(out.len());
            let mut last = 0;
            for (at, _) in lower.match_indices(&needle) {
                result.push_str(&out[last..at]);
                result.push_str(&hashed);
                last = at + needle.len();
            }
            result.push_str(&out[last..]);
            out = result;
        }
        out
    }

    fn mac(&self, data: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret())
            .expect("HMAC takes keys of any length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

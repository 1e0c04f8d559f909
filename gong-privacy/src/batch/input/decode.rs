//! Bytes to text: UTF-8 (with or without BOM) or UTF-16 with BOM, then the line-level checks
//! (NUL characters, bare carriage returns, over-long lines).

use encoding_rs::{Encoding, UTF_8};

use super::{InputError, InputErrorKind, TextEncoding};

/// The line (1-based) that byte offset `at` of `bytes` is on.
fn line_at(bytes: &[u8], at: usize) -> u64 {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an error naming what was
/// found.
pub(super) fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), InputError> {
    let encoding_error =
        |line, reason: String| InputError::new(InputErrorKind::Encoding, line, reason);
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(encoding_error(
            None,
            "the file is UTF-32 (found its byte-order mark); save it as UTF-8 or UTF-16".into(),
        ));
    }
    match Encoding::for_bom(bytes) {
        Some((encoding, bom)) if encoding == UTF_8 => {
            utf8(&bytes[bom..], bom).map(|t| (t, TextEncoding::Utf8Bom))
        }
        Some((encoding, bom)) => {
            let body = &bytes[bom..];
            let which = if encoding == encoding_rs::UTF_16LE {
                TextEncoding::Utf16Le
            } else {
                TextEncoding::Utf16Be
            };
            match encoding.decode_without_bom_handling_and_without_replacement(body) {
                Some(text) => Ok((text.into_owned(), which)),
                None => {
                    // Find the line of the first undecodable unit from a lossy decoding.
                    let (lossy, _) = encoding.decode_without_bom_handling(body);
                    let at = lossy.find('\u{fffd}').unwrap_or(0);
                    Err(encoding_error(
                        Some(line_at(lossy.as_bytes(), at)),
                        format!(
                            "the file starts with a {which} byte-order mark but is not valid \
                             {which} (an odd byte count or an unpaired surrogate); save it again \
                             as UTF-8"
                        ),
                    ))
                }
            }
        }
        None => {
            if looks_like_bomless_utf16(bytes) {
                return Err(encoding_error(
                    None,
                    "the file looks like UTF-16 without a byte-order mark (every other byte is \
                     0); save it as UTF-8, or as UTF-16 with a byte-order mark"
                        .into(),
                ));
            }
            utf8(bytes, 0).map(|t| (t, TextEncoding::Utf8))
        }
    }
}

fn utf8(bytes: &[u8], offset: usize) -> Result<String, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let at = e.valid_up_to();
            let found = bytes[at..]
                .iter()
                .take(e.error_len().unwrap_or(bytes.len() - at).min(4))
                .map(|b| format!("0x{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ");
            Err(InputError::new(
                InputErrorKind::Encoding,
                Some(line_at(bytes, at)),
                format!(
                    "the file is not UTF-8: byte {found} at offset {} (Latin-1 or \
                     Windows-1252?); save it as UTF-8 (in Excel: \"CSV UTF-8\") or UTF-16",
                    at + offset
                ),
            ))
        }
    }
}

/// At least 4 bytes, and a 0 in every other byte of the first 64 (ASCII text in UTF-16).
fn looks_like_bomless_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return false;
    }
    let zeros_at = |parity: usize| head.iter().skip(parity).step_by(2).all(|&b| b == 0);
    zeros_at(0) != zeros_at(1)
}

/// NUL characters, bare carriage returns and over-long lines refuse the file.
pub(super) fn check_lines(text: &str, max_line_bytes: usize) -> Result<(), InputError> {
    for (i, line) in text.split('\n').enumerate() {
        let number = i as u64 + 1;
        if line.len() > max_line_bytes {
            return Err(InputError::new(
                InputErrorKind::LineTooLong,
                Some(number),
                format!(
                    "the line is {} bytes long, more than the {max_line_bytes} accepted (a \
                     runaway quote, or not a list of subjects?)",
                    line.len()
                ),
            ));
        }
        if line.contains('\0') {
            return Err(InputError::new(
                InputErrorKind::Control,
                Some(number),
                "the line has a NUL character (binary data, or UTF-16 read as UTF-8?)",
            ));
        }
        let body = line.strip_suffix('\r').unwrap_or(line);
        if body.contains('\r') {
            return Err(InputError::new(
                InputErrorKind::Control,
                Some(number),
                "the line has a carriage return inside it (old Mac line endings?); save the \
                 file with LF or CRLF line endings",
            ));
        }
    }
    Ok(())
}

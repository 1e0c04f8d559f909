//! Phone numbers, validated before they reach an erase call.
//!
//! Gong's rule (seed 000) is "starts with `+` and the country code; all other non-digits are
//! ignored". Taken literally, `+1 425 555 2671 ext 33` would erase the data of
//! `+1425555267133`: a different person. So this parser accepts only the separators people
//! actually write (space, `-`, `.`, `(`, `)`) and rejects everything it would otherwise have to
//! guess about.

use std::fmt;
use std::str::FromStr;

use crate::error::{InputKind, InvalidInput};

/// The fewest digits accepted. No country's full number is shorter.
pub const MIN_DIGITS: usize = 7;
/// The most digits E.164 allows.
pub const MAX_DIGITS: usize = 15;

/// A phone number in canonical form: `+` and 7 to 15 digits, the first not `0`.
///
/// ```
/// use gong_api_ext::PhoneNumber;
///
/// let number = PhoneNumber::parse("+1(425) 555-2671")?;
/// assert_eq!(number.as_str(), "+14255552671");
///
/// // An extension would change the number Gong matches: rejected, not stripped.
/// assert!(PhoneNumber::parse("+1 425 555 2671 ext 33").is_err());
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Validates `input` and returns its canonical form.
    ///
    /// Accepted: a leading `+`, then digits separated by spaces, `-`, `.`, or one level of
    /// balanced parentheses. Rejected, with the rule named: no leading `+`, a second `+`,
    /// letters (vanity numbers), an extension (`ext`, `x`, `#`, `;`), a country code starting
    /// with `0`, fewer than 7 or more than 15 digits, and any other character.
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let fail = |rule: &str| Err(InvalidInput::new(InputKind::PhoneNumber, input, rule));
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return fail("it is empty");
        }
        let Some(rest) = trimmed.strip_prefix('+') else {
            return fail("it must start with + and the country code");
        };
        let lower = rest.to_ascii_lowercase();
        if lower.contains("ext") || lower.contains('x') || rest.contains(['#', ';']) {
            return fail("extensions are not accepted: erase the number without its extension");
        }
        let mut digits = String::with_capacity(MAX_DIGITS + 1);
        digits.push('+');
        let mut open_paren = false;
        // Digits inside the current parentheses: `+44 (0) 20 …` marks a trunk prefix that is
        // not dialled with the country code. Keeping the 0 would name another number.
        let mut in_paren = String::new();
        for c in rest.chars() {
            match c {
                '0'..='9' => {
                    digits.push(c);
                    if open_paren {
                        in_paren.push(c);
                    }
                }
                ' ' | '-' | '.' => {}
                '(' if !open_paren => {
                    open_paren = true;
                    in_paren.clear();
                }
                ')' if open_paren
                    && !in_paren.is_empty()
                    && in_paren.bytes().all(|b| b == b'0') =>
                {
                    return fail(
                        "a (0) trunk prefix is ambiguous after a country code: write the number without it",
                    );
                }
                ')' if open_paren => open_paren = false,
                '(' | ')' => return fail("its parentheses are unbalanced"),
                '+' => return fail("it has a second +"),
                c if c.is_alphabetic() => {
                    return fail("letters (vanity numbers) are not accepted");
                }
                c => {
                    return fail(&format!(
                        "it contains {c:?}; only digits, spaces, '-', '.', '(' and ')' may follow the +"
                    ));
                }
            }
        }
        if open_paren {
            return fail("its parentheses are unbalanced");
        }
        let count = digits.len() - 1;
        if count == 0 {
            return fail("it has no digits");
        }
        if digits.as_bytes()[1] == b'0' {
            return fail("a country code cannot start with 0");
        }
        if count < MIN_DIGITS {
            return fail(&format!(
                "it has {count} digits; at least {MIN_DIGITS} are needed"
            ));
        }
        if count > MAX_DIGITS {
            return fail(&format!(
                "it has {count} digits; E.164 allows at most {MAX_DIGITS}"
            ));
        }
        #[cfg(feature = "numbering-plan")]
        numbering_plan::check(input, &digits)?;
        Ok(Self(digits))
    }

    /// The canonical form, `+` and digits. It goes on the wire percent-encoded (`%2B…`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "numbering-plan")]
mod numbering_plan {
    use crate::error::{InputKind, InvalidInput};

    /// Checks the number against libphonenumber's metadata.
    pub fn check(input: &str, canonical: &str) -> Result<(), InvalidInput> {
        let valid = phonenumber::parse(None, canonical)
            .map(|n| phonenumber::is_valid(&n))
            .unwrap_or(false);
        if valid {
            Ok(())
        } else {
            Err(InvalidInput::new(
                InputKind::PhoneNumber,
                input,
                "it is not a valid number in its country's numbering plan",
            ))
        }
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Anything the phone methods take: a `&str`/`String` (validated) or a parsed [`PhoneNumber`].
pub trait IntoPhoneNumber {
    /// Validates (if needed) and converts.
    fn into_phone_number(self) -> Result<PhoneNumber, InvalidInput>;
}

crate::validated_input!(IntoPhoneNumber, into_phone_number, PhoneNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_every_form_gong_documents() {
        // Seed 000: "examples of permitted phone numbers".
        for input in [
            "+1 425 555 2671",
            "+1-425-555-2671",
            "+1 425 5552671",
            "+14255552671",
            "+1 425 555 26 71",
            "+1(425) 555-2671",
            "+1.425.555.2671",
            "  +1 (425) 555-2671\t",
            "+1 (425)-555.2671",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).map(|p| p.0),
                Ok("+14255552671".to_owned()),
                "{input}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn rejects_instead_of_guessing() {
        for (input, rule) in [
            ("", "empty"),
            ("   ", "empty"),
            ("14255552671", "must start with +"),
            ("(425) 555-2671", "must start with +"),
            ("+1 425 555 2671 ext 33", "extensions"),
            ("+1 425 555 2671 x33", "extensions"),
            ("+1 425 555 2671 X33", "extensions"),
            ("+1 425 555 2671#33", "extensions"),
            ("+1 425 555 2671;ext=33", "extensions"),
            ("+1 800 FLOWERS", "letters"),
            ("+1 425 555 2671 +1", "second +"),
            ("++14255552671", "second +"),
            ("+0 425 555 2671", "cannot start with 0"),
            ("+1 425", "at least 7"),
            ("+", "no digits"),
            ("+1234567890123456", "at most 15"),
            ("+1 (425 555 2671", "unbalanced"),
            ("+1 425) 555 2671", "unbalanced"),
            ("+1 ((425)) 555 2671", "unbalanced"),
            ("+44 (0) 20 7946 0958", "(0) trunk prefix"),
            ("+49 (0)30 1234567", "(0) trunk prefix"),
            ("+\u{feff}1 425 555 2671", "contains"),
            ("+1/425/555/2671", "contains '/'"),
            ("+1\u{a0}425 555 2671", "contains"),
            ("+1 ٤٢٥ 555 2671", "contains"),
        ] {
            let err = PhoneNumber::parse(input).expect_err(input);
            assert!(err.to_string().contains(rule), "{input:?}: {err}");
            assert_eq!(err.input(), input);
        }
    }

    #[test]
    fn error_names_input_and_rule() {
        let err = PhoneNumber::parse("+1 425 555 2671 ext 3").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid phone number \"+1 425 555 2671 ext 3\": extensions are not accepted: \
             erase the number without its extension"
        );
    }

    #[test]
    fn numbering_plan_check_only_with_its_feature() {
        // Syntactically fine, but area code 123 does not exist in the North American plan.
        let result = PhoneNumber::parse("+1 123 456 7890");
        if cfg!(feature = "numbering-plan") {
            let err = result.unwrap_err();
            assert!(err.rule().contains("numbering plan"), "{err}");
            assert!(PhoneNumber::parse("+1 650 253 0000").is_ok());
        } else {
            assert_eq!(result.unwrap().as_str(), "+11234567890");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_accepted_numbers_round_trip(input in "\\PC{0,40}") {
            if let Ok(number) = PhoneNumber::parse(&input) {
                let again = PhoneNumber::parse(number.as_str()).expect("canonical form parses");
                prop_assert_eq!(&again, &number);
                prop_assert!(number.as_str().starts_with('+'));
                prop_assert!(number.as_str()[1..].bytes().all(|b| b.is_ascii_digit()));
            }
        }

        // Random digits are seldom assigned numbers, so this runs on the syntactic rules alone.
        #[cfg(not(feature = "numbering-plan"))]
        #[test]
        fn formatted_numbers_parse_to_their_digits(
            digits in "[1-9][0-9]{6,14}",
            seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just(".")], 15),
        ) {
            let mut formatted = String::from("+");
            for (i, d) in digits.chars().enumerate() {
                formatted.push(d);
                formatted.push_str(seps[i]);
            }
            let number = PhoneNumber::parse(&formatted).unwrap();
            prop_assert_eq!(number.as_str(), format!("+{digits}"));
        }
    }
}

//! Property tests beside the corpora: random spellings, checked against libphonenumber itself.

use gong_api_ext::PhoneNumber;

/// The corpus's base numbers: libphonenumber's example number of every region and type.
fn base_numbers() -> Vec<&'static str> {
    super::PHONES
        .lines()
        .filter_map(|line| line.strip_prefix("@ +"))
        .collect()
}

/// What may stand between two digits of a generated spelling: the separators the SDK reads,
/// mostly, and now and then one it must refuse (a tilde, `x`, a thin space, a bracket alone).
const SEPARATORS: &[&str] = &[
    "", " ", "-", ".", "/", "\u{ff0f}", "\u{30fc}", "\u{2010}", "\u{2212}", "\u{a0}", "\u{3000}",
];
const REFUSED: &[&str] = &["~", "\u{223c}", "x", "\u{2009}", "*", "#", "(", "]", "+"];
/// Bracket pairs, ASCII and fullwidth.
const BRACKETS: &[(&str, &str)] = &[
    ("(", ")"),
    ("[", "]"),
    ("\u{ff08}", "\u{ff09}"),
    ("\u{ff3b}", "\u{ff3d}"),
];

proptest::proptest! {
    /// An accepted spelling names exactly the number libphonenumber reads from that very
    /// spelling, and it is valid; without the plan, exactly the digits written.
    /// `IDENTITY_PROPERTY_COUNT=1` prints each accepted spelling (most are: the property is
    /// not vacuous).
    #[test]
    fn an_accepted_spelling_is_the_number_libphonenumber_reads(
        base in proptest::sample::select(base_numbers()),
        between in proptest::collection::vec(
            proptest::prop_oneof![
                30 => proptest::strategy::Just(""),
                30 => proptest::sample::select(SEPARATORS),
                1 => proptest::sample::select(REFUSED),
            ],
            21,
        ),
        brackets in proptest::option::of((
            proptest::sample::select(BRACKETS),
            0..20_usize,
            1..8_usize,
        )),
    ) {
        // The digits, with a separator after each and maybe one bracketed span, which may
        // start before the `+` (`(+44) 20 …`).
        let (open_at, close_at, (open, close)) = match brackets {
            Some((pair, at, len)) => (Some(at), Some(at + len), pair),
            None => (None, None, ("", "")),
        };
        let mut input = String::new();
        for (i, (digit, sep)) in base.chars().zip(&between).enumerate() {
            if open_at == Some(i) {
                input.push_str(open);
            }
            if i == 0 {
                input.push('+');
            }
            input.push(digit);
            if close_at == Some(i + 1) {
                input.push_str(close);
            }
            input.push_str(sep);
        }
        let Ok(number) = PhoneNumber::parse(&input) else {
            return Ok(());
        };
        if std::env::var_os("IDENTITY_PROPERTY_COUNT").is_some() {
            eprintln!("accepted {input:?}");
        }
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        proptest::prop_assert_eq!(number.as_str(), format!("+{digits}"), "{:?}", input);
        #[cfg(feature = "numbering-plan")]
        {
            use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat};
            let read = PHONE_NUMBER_UTIL.parse(input.as_str(), None);
            let read = read.map_err(|e| proptest::test_runner::TestCaseError::fail(format!(
                "{input:?} accepted as {number}, libphonenumber cannot read it: {e:?}"
            )))?;
            proptest::prop_assert!(read.is_valid(), "{:?}", input);
            let e164 = read.format_as(PhoneNumberFormat::E164).into_owned();
            proptest::prop_assert_eq!(e164.as_str(), number.as_str(), "{:?}", input);
        }
    }
}

//! The UTS 46 mappings a domain is refused for: compatibility mappings that change what the
//! domain says, and deletions.
//!
//! UTS 46 (what browsers and mail software apply to a domain before looking it up) maps many
//! characters. Most keep the letters the writer meant: case, width (`ｅ` → `e`), font
//! (`ℌ` → `h`), circled letters (`ⓐ` → `a`), digraphs and ligatures (`ǅ` → `dž`, `ﬁ` → `fi`),
//! Arabic positional forms. Those are followed, and the mapped form is sent (the address's
//! [`written_as`](super::EmailAddress::written_as) keeps the spelling given). The rest turn one
//! character into other text: `™` into `tm`, `²` into `2`, `㎞` into `km`, `Ⅻ` into `xii`, or
//! delete it. An erasure is not sent to an address nobody wrote, so a domain with one of them
//! is refused, with the reason. email-validator follows every mapping; the identity corpus
//! (`tests/identity/emails.tsv`, every mapped character of Unicode) counts these refusals as
//! on purpose.

/// `(first, last, why)`, sorted, not overlapping; generated (see the file's header).
const REFUSED: &[(u32, u32, Refused)] = {
    use Refused::*;
    include!("compat_table.rs")
};

/// Why a character is refused in a domain: its Unicode decomposition type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// `<super>`: superscripts, `™`, `℠`, the ordinal indicators `ª` `º`, modifier letters.
    Superscript,
    /// `<sub>`: subscripts.
    Subscript,
    /// `<fraction>`: `½` and the like.
    Fraction,
    /// `<square>`: abbreviations in one square (`㎞`, `㋿`).
    Square,
    /// `<vertical>`: vertical presentation forms.
    Vertical,
    /// `<compat>` of a symbol, number or punctuation: `℡`, `№`, Roman numerals.
    Compat,
    /// Deleted by UTS 46: variation selectors, fillers, invisible joiners.
    Ignored,
    /// Mapped by UTS 46, but newer than the Unicode data the table was made from (see its
    /// header): not known to keep the meaning.
    Unknown,
}

impl Refused {
    /// The reason `c` is refused in a domain, if it is.
    pub(super) fn of(c: char) -> Option<Self> {
        let code = u32::from(c);
        let at = REFUSED.partition_point(|&(_, last, _)| last < code);
        REFUSED
            .get(at)
            .filter(|&&(first, _, _)| first <= code)
            .map(|&(_, _, why)| why)
    }

    /// What the mapping would do, for the refusal's message.
    pub(super) fn reason(self) -> &'static str {
        match self {
            Self::Superscript => {
                "a superscript, mark or ordinal that IDNA would read as a plain letter or digit \
                 (™ as tm, ² as 2)"
            }
            Self::Subscript => "a subscript that IDNA would read as a plain digit or letter",
            Self::Fraction => "a fraction that IDNA would read as digits and a fraction slash",
            Self::Square => "an abbreviation in one square that IDNA would spell out (㎞ as km)",
            Self::Vertical => "a vertical form that IDNA would read as other punctuation",
            Self::Compat => {
                "a symbol or number that IDNA would read as letters or digits (℡ as tel, Ⅻ \
                 as xii)"
            }
            Self::Ignored => "an invisible character that IDNA would delete",
            Self::Unknown => {
                "a character newer than the Unicode data the SDK's mapping checks were made \
                 from, so what IDNA would read it as is not known to keep its meaning"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_names_the_documented_examples() {
        assert!(REFUSED.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(REFUSED.iter().all(|&(first, last, _)| first <= last));
        for (c, why) in [
            ('™', Refused::Superscript),
            ('²', Refused::Superscript),
            ('ª', Refused::Superscript),
            ('₂', Refused::Subscript),
            ('½', Refused::Fraction),
            ('㎞', Refused::Square),
            ('℡', Refused::Compat),
            ('Ⅻ', Refused::Compat),
            ('\u{fe0f}', Refused::Ignored),
        ] {
            assert_eq!(Refused::of(c), Some(why), "{c:?}");
        }
        for c in ['a', 'ⓐ', 'ǅ', 'ｅ', 'ℌ', 'ﬁ', 'ü', '①'] {
            assert_eq!(Refused::of(c), None, "{c:?}");
        }
    }
}

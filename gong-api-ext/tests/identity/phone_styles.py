"""Formatting styles of phone numbers, with the outcome the SDK must give each (imported by
generate.py, which writes them into phones.tsv as `style.*` rows).

Every style is applied to every example number, so each meets every region's grouping. The
styles are the ways people and systems write numbers that libphonenumber reads as the number
itself: slashes (German `030/1234567`, `+1/201-555-0123`), square and fullwidth brackets,
a bracketed country code or number, the katakana prolonged sound mark and the fullwidth solidus
as dashes, and regroupings of the digits (pairs, threes, fours from the end).

The expected outcome is computed here from libphonenumber (the `phonenumbers` port), not from
the SDK, so the test compares two implementations of one rule:

    accept              libphonenumber reads the base number, valid, and nothing below holds
    refuse extension    a digit group after which the digits before are a valid number by
                        themselves, in a grouping libphonenumber's own formats do not have:
                        the group could be an extension (`+49 30 123456 78`)
    refuse tilde        a tilde: libphonenumber reads `~` and `～` as an extension marker and
                        `⁓`, `∼` as punctuation, so one writer's range or extension is another
                        writer's separator
    refuse              libphonenumber reads another number, an invalid one, or none
"""

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat as Fmt

# The tildes libphonenumber knows, dealt one to a base.
TILDES = ["~", "\uff5e", "\u2053", "\u223c"]


def _groups(number):
    """The digit groups of libphonenumber's international format, after the country code."""
    return re.findall(r"\d+", phonenumbers.format_number(number, Fmt.INTERNATIONAL))[1:]


def _chunks(digits, size, from_end=False):
    if from_end:
        head = len(digits) % size
        parts = [digits[:head]] if head else []
        return parts + [digits[i : i + size] for i in range(head, len(digits), size)]
    return [digits[i : i + size] for i in range(0, len(digits), size)]


def styles(number, index):
    """(kind, input) pairs: every style of one valid example number, the `index`th base."""
    cc = str(number.country_code)
    nsn = phonenumbers.national_significant_number(number)
    g = _groups(number)
    if not g:
        g = [nsn]
    head, tail = g[0], g[1:]
    rest = " ".join(tail)
    out = [
        ("style.slash_after_cc", f"+{cc}/{'-'.join(g)}"),
        ("style.slashes", f"+{cc}/{'/'.join(g)}"),
        ("style.slash_mixed", f"+{cc} {head}/{'-'.join(tail)}".rstrip("/")),
        ("style.fullwidth_solidus", f"+{cc}\uff0f{chr(0xFF0F).join(g)}"),
        ("style.katakana_dash", f"+{cc}\u30fc{chr(0x30FC).join(g)}"),
        ("style.square_area", f"+{cc} [{head}] {rest}".rstrip()),
        ("style.square_area_tight", f"+{cc}[{head}]{''.join(tail)}"),
        ("style.fullwidth_paren_area", f"+{cc} \uff08{head}\uff09 {rest}".rstrip()),
        ("style.fullwidth_square_area", f"+{cc} \uff3b{head}\uff3d {rest}".rstrip()),
        ("style.paren_cc", f"(+{cc}) {' '.join(g)}"),
        ("style.square_cc", f"[+{cc}] {'-'.join(g)}"),
        ("style.plus_paren_cc", f"+({cc}) {' '.join(g)}"),
        ("style.fullwidth_paren_cc", f"\uff08\uff0b{cc}\uff09{'-'.join(g)}"),
        ("style.paren_number", f"(+{cc} {' '.join(g)})"),
        ("style.square_number", f"[+{cc} {'-'.join(g)}]"),
        ("style.area_rest", f"+{cc} {head} {''.join(tail)}".rstrip()),
        ("style.pairs", f"+{cc} {' '.join(_chunks(nsn, 2))}"),
        ("style.threes", f"+{cc} {' '.join(_chunks(nsn, 3))}"),
        ("style.fours_from_end", f"+{cc} {' '.join(_chunks(nsn, 4, from_end=True))}"),
        ("style.threes_dots", f"+{cc}.{'.'.join(_chunks(nsn, 3))}"),
    ]
    tilde = TILDES[index % len(TILDES)]
    out.append(("style.tilde", f"+{cc}{tilde}{tilde.join(g)}"))
    return out


def _breaks(text):
    """Digit counts at which `text` has a non-digit between two digits (from the first digit)."""
    out, count, separated = [], 0, False
    for c in text:
        if c.isdigit():
            if separated and count > 0:
                out.append(count)
            separated, count = False, count + 1
        else:
            separated = True
    return out


def _own_breaks(number, cc_len):
    """The breaks of libphonenumber's international format and, when its digits are the national
    number after a trunk prefix, of its national format; counted from the country code."""
    nsn = phonenumbers.national_significant_number(number)
    international = _breaks(phonenumbers.format_number(number, Fmt.INTERNATIONAL).lstrip("+"))
    national = phonenumbers.format_number(number, Fmt.NATIONAL)
    digits = "".join(c for c in national if c.isdigit())
    out = [international]
    if digits.endswith(nsn):
        trunk = len(digits) - len(nsn)
        out.append([at - trunk + cc_len for at in _breaks(national) if at > trunk])
    return out


def _valid_alone(head):
    try:
        number = phonenumbers.parse("+" + head, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.format_number(number, Fmt.E164) == "+" + head and phonenumbers.is_valid_number(number)


def expect(text, base):
    """What the SDK must do with the style spelling `text` of the valid number `base`."""
    if any(t in text for t in TILDES):
        return "refuse tilde"
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return "refuse"
    e164 = phonenumbers.format_number(number, Fmt.E164)
    if e164 != base or number.extension or not phonenumbers.is_valid_number(number):
        return "refuse"
    digits = "".join(str(int(c)) for c in text if c.isdigit())
    cc_len = len(str(number.country_code))
    after_cc = lambda breaks: [at for at in breaks if at > cc_len]  # noqa: E731
    spelled = after_cc(_breaks(text))
    if any(spelled == after_cc(own) for own in _own_breaks(number, cc_len)):
        return "accept"
    if any(_valid_alone(digits[:at]) for at in spelled):
        return "refuse extension"
    return "accept"

#!/usr/bin/env python3
"""Generates the differential corpora read by `gong-api-ext/tests/identity.rs`.

    python3.13 -m venv /tmp/identity-venv     # Python's unicodedata is the Python's Unicode
    /tmp/identity-venv/bin/pip install -r gong-api-ext/tests/identity/requirements.txt
    /tmp/identity-venv/bin/python gong-api-ext/tests/identity/generate.py

writes `phones.tsv` and `emails.tsv` beside this script (with `phone_styles.py` and
`email_mappings.py`) and the table of refused UTS 46 mappings,
`src/identity/email/compat_table.rs`. All are committed, so `cargo test` needs no Python; rerun
this after changing a spelling or bumping a pinned version.

phones.tsv: one input per line, from libphonenumber's example number of every region, every
non-geographic entity and every number type, in every spelling below. Columns:

    kind    the spelling's class and name, e.g. `format.nbsp`, `trunk.paren`, `artefact.sci`
    input   the input, as a JSON string
    ref     what libphonenumber (the `phonenumbers` port) reads: `+E164` and `valid`,
            `invalid` or `ext` (a number with an extension), or `error` when it reads no number

A line `@ +E164` starts the spellings of one example number (the base). Every base gets the
spellings whose reading depends on its numbering plan (grouping, trunk prefix, extensions,
digits added or dropped); the spellings that only change characters (Unicode dashes, spaces and
digits, quotes…) are dealt round-robin, COSMETIC_PER_BASE to a base, so each of them meets
hundreds of regions while the file stays small.

Classes: `format` spellings differ from the base number in formatting only; `trunk` ones add
the region's national (trunk) prefix after the country code; `artefact` ones carry what a
spreadsheet adds; `ext` ones append an extension or a bare trailing digit group (and become
`other.extension_spelled_as_number` when libphonenumber spells the longer number exactly so);
`other` ones
are other mutations (a digit too many or too few, invalid numbers, text libphonenumber cannot
read). The test decides what the SDK must do with each class; this script only records what
libphonenumber reads.

emails.tsv: addresses in many spellings, checked by `email-validator` (no DNS; surrounding
whitespace trimmed first, as the SDK does). Columns:

    kind    the spelling's class
    input   the input, as a JSON string
    ref     `ok` and the normalised address email-validator returns (`ascii_email` for an IDN
            domain is in `ascii`), or `error`
    ascii   email-validator's ASCII form (`-` when it has none)
"""

import json
import os
import sys

import email_validator
import email_mappings
import phone_styles
import phonenumbers
from phonenumbers import PhoneNumberFormat as Fmt
from phonenumbers import PhoneNumberType as Type

HERE = os.path.dirname(os.path.abspath(__file__))

TYPES = [
    Type.FIXED_LINE,
    Type.MOBILE,
    Type.TOLL_FREE,
    Type.PREMIUM_RATE,
    Type.SHARED_COST,
    Type.VOIP,
    Type.PERSONAL_NUMBER,
    Type.PAGER,
    Type.UAN,
    Type.VOICEMAIL,
]
DESC_ATTRS = [
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
]


def base_numbers():
    """Every example number libphonenumber ships, by E.164, with its main region's metadata."""
    seen = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                seen.setdefault(phonenumbers.format_number(number, Fmt.E164), number)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        meta = phonenumbers.PhoneMetadata.metadata_for_nongeo_region(code)
        for attr in DESC_ATTRS:
            desc = getattr(meta, attr, None)
            if desc is not None and desc.example_number:
                number = phonenumbers.parse(f"+{code}{desc.example_number}", None)
                seen.setdefault(phonenumbers.format_number(number, Fmt.E164), number)
    return seen


def read(text):
    """libphonenumber's reading of `text`, as the `ref` column."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return "error"
    e164 = phonenumbers.format_number(number, Fmt.E164)
    if number.extension:
        return f"{e164} ext"
    return f"{e164} {'valid' if phonenumbers.is_valid_number(number) else 'invalid'}"


ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
DEVANAGARI = "०१२३४५६७८९"
FULLWIDTH = "０１２３４５６７８９"


def digits_in(text, table):
    return "".join(table[int(c)] if c.isdigit() and c.isascii() else c for c in text)


COSMETIC_PER_BASE = 8


def spellings(number, index):
    """(kind, input) pairs for one valid example number, the `index`th base."""
    cc = str(number.country_code)
    nsn = phonenumbers.national_significant_number(number)
    e164 = f"+{cc}{nsn}"
    intl = phonenumbers.format_number(number, Fmt.INTERNATIONAL)
    national = phonenumbers.format_number(number, Fmt.NATIONAL)
    rfc = phonenumbers.format_number(number, Fmt.RFC3966)
    groups = intl.split(" ")[1:]  # after "+cc"
    rest = " ".join(groups)
    meta = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        number.country_code, phonenumbers.region_code_for_number(number)
    )
    prefix = meta.national_prefix if meta is not None else None
    digits = cc + nsn

    # Spellings whose reading depends on the numbering plan: every base gets them.
    out = [
        ("format.e164", e164),
        ("format.international", intl),
        ("format.dashes", intl.replace(" ", "-")),
        ("format.dots", intl.replace(" ", ".").replace("-", ".")),
        ("format.space_after_cc", f"+{cc} {nsn}"),
        ("format.rfc3966", rfc),
    ]
    if groups:
        out.append(("format.paren_area", f"+{cc} ({groups[0]}) {' '.join(groups[1:])}".rstrip()))
    # The national format with its national prefix dropped: for most regions the digits of the
    # international format; for Argentina's mobiles (a `15` inside) another spelling.
    without = national[len(prefix) :].lstrip() if prefix and national.startswith(prefix) else national
    written = "".join(c for c in without if c.isdigit())
    out.append(("format.national" if written == nsn else "trunk.national", f"+{cc} {without}"))
    if prefix:
        out += [
            ("trunk.spaced", f"+{cc} {prefix} {rest}"),
            ("trunk.glued", f"+{cc} {prefix}{rest}"),
            ("trunk.compact", f"+{cc}{prefix}{nsn}"),
            ("trunk.paren", f"+{cc} ({prefix}) {rest}"),
            ("trunk.paren_glued", f"+{cc} ({prefix}){rest}"),
            ("trunk.national_format", f"+{cc} {national}"),
        ]
        if groups:
            area = groups[0]
            out.append(("trunk.paren_area", f"+{cc} ({prefix}{area}) {' '.join(groups[1:])}".rstrip()))
    out += [
        ("ext.bare_group", intl + " 123"),
        ("ext.bare_group_e164", e164 + " 123"),
        ("ext.bare_pair", e164 + " 12"),
        ("ext.dash_group", e164 + "-123"),
        ("artefact.float", e164 + ".0"),
        ("other.drop_last_digit", e164[:-1]),
        ("other.add_digit", e164 + "5"),
        ("other.add_two_digits", e164 + "55"),
        ("other.unknown_country", "+999 " + nsn),
    ]

    # Spellings that only change characters, dealt round-robin.
    sci = f"{int(digits):.5E}".replace("E+0", "E+")
    cosmetic = [
        ("format.dash_after_cc", f"+{cc}-{nsn}"),
        ("format.rfc3966_upper", "TEL:" + rfc[4:]),
        ("format.padded", f"  {intl}\t"),
        ("format.nbsp", intl.replace(" ", "\u00a0")),
        ("format.ideographic_space", intl.replace(" ", "\u3000")),
        ("format.hyphen_u2010", intl.replace(" ", "\u2010")),
        ("format.nb_hyphen_u2011", intl.replace(" ", "\u2011")),
        ("format.en_dash", intl.replace(" ", "\u2013")),
        ("format.em_dash", intl.replace(" ", "\u2014")),
        ("format.minus_sign", intl.replace(" ", "\u2212")),
        ("format.fullwidth_hyphen", intl.replace(" ", "\uff0d")),
        ("format.fullwidth", "\uff0b" + digits_in(intl[1:], FULLWIDTH)),
        ("format.fullwidth_digits", digits_in(intl, FULLWIDTH)),
        ("format.arabic_indic", digits_in(intl, ARABIC_INDIC)),
        ("format.persian", digits_in(intl, PERSIAN)),
        ("format.devanagari", digits_in(e164, DEVANAGARI)),
        ("format.zero_width_space", intl.replace(" ", "\u200b")),
        ("format.word_joiner", f"+{cc}\u2060{nsn}"),
        ("format.soft_hyphen", intl.replace(" ", "\u00ad")),
        ("format.leading_bom", "\ufeff" + intl),
        ("format.zwsp_in_digits", e164[:4] + "\u200b" + e164[4:]),
        ("artefact.apostrophe", "'" + e164),
        ("artefact.apostrophe_formatted", "'" + intl),
        ("artefact.formula", f'="{e164}"'),
        ("artefact.formula_plus", "=" + e164),
        ("artefact.quoted", f'"{intl}"'),
        ("artefact.single_quoted", f"'{intl}'"),
        ("artefact.trailing_comma", intl + ","),
        ("artefact.scientific", sci),
        ("artefact.scientific_plus", "+" + sci),
        ("other.formatted_then_decimal", intl + ".0"),
        ("ext.ext", intl + " ext 123"),
        ("ext.ext_dot", intl + " ext. 12"),
        ("ext.x", intl + " x123"),
        ("ext.hash", intl + " #123"),
        ("ext.rfc3966", rfc + ";ext=123"),
        ("ext.comma_pause", e164 + ",123"),
        ("other.no_plus", digits),
        ("other.idd_00", "00" + digits),
        ("other.double_plus", "++" + digits),
        ("other.thin_space", intl.replace(" ", "\u2009")),
        ("other.narrow_nbsp", intl.replace(" ", "\u202f")),
        ("other.zero_width_joiner", intl.replace(" ", "\u200d")),
        ("other.bom_inside", f"+{cc}\ufeff{nsn}"),
        ("format.slashes", intl.replace(" ", "/")),
        ("other.letter_o_for_zero", e164.replace("0", "O", 1) if "0" in nsn else e164 + "O"),
    ]
    if groups:
        cosmetic += [
            ("format.paren_area_tight", f"+{cc}({groups[0]}){''.join(groups[1:])}"),
            ("format.mixed", f"+{cc} ({groups[0]}) {'-'.join(groups[1:])}".rstrip()),
        ]
    if prefix and groups:
        cosmetic.append(("trunk.dashes", f"+{cc}-{prefix}{groups[0]}-{'-'.join(groups[1:])}".rstrip("-")))
    for j in range(COSMETIC_PER_BASE):
        out.append(cosmetic[(index * COSMETIC_PER_BASE + j) % len(cosmetic)])
    return out


def spelled_as_a_number(text):
    """Whether libphonenumber reads `text` as a valid number and formats it exactly so: an
    appended group that libphonenumber's own grouping of the longer number has (Luxembourg's
    variable-length numbers, say). The SDK takes such a spelling as the longer number."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and text in (
        phonenumbers.format_number(number, Fmt.INTERNATIONAL),
        phonenumbers.format_number(number, Fmt.E164),
    )


def invalid_numbers():
    """libphonenumber's invalid example number of each region, in two spellings."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        number = phonenumbers.invalid_example_number(region)
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, Fmt.E164)
        out.append(("other.invalid_example", e164))
        out.append(("other.invalid_example_formatted", phonenumbers.format_number(number, Fmt.INTERNATIONAL)))
    return out


def write_phones(path):
    count = 0
    seen = set()
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# generated by generate.py with phonenumbers {phonenumbers.__version__}; do not edit\n")
        for index, (e164, number) in enumerate(sorted(base_numbers().items())):
            f.write(f"@ {e164}\n")
            for kind, text in spellings(number, index):
                if kind.startswith("ext.") and spelled_as_a_number(text):
                    kind = "other.extension_spelled_as_number"
                if text not in seen:
                    seen.add(text)
                    f.write(f"{kind}\t{json.dumps(text)}\t{read(text)}\n")
            for kind, text in phone_styles.styles(number, index):
                if text not in seen:
                    seen.add(text)
                    expected = phone_styles.expect(text, e164)
                    f.write(f"{kind}\t{json.dumps(text)}\t{read(text)}\t{expected}\n")
        f.write("@ -\n")
        for kind, text in invalid_numbers():
            if text not in seen:
                seen.add(text)
                f.write(f"{kind}\t{json.dumps(text)}\t{read(text)}\n")
    return len(seen)


# Email addresses: bases (ASCII and internationalised) in many spellings, then inputs that are
# broken on purpose. Each is checked by email-validator without DNS.
EMAIL_BASES = [
    "jane@example.com",
    "Jane.Doe@Example.COM",
    "jane.doe+gdpr@sub.example.co.uk",
    "o'brien@example.ie",
    "j_smith-99@mail-server.example.org",
    "x@a.io",
    "first.last@xn--mnchen-3ya.de",
    "jürgen@münchen.de",
    "JÜRGEN@MÜNCHEN.DE",
    "用户@例子.中国",
    "δοκιμή@παράδειγμα.δοκιμή",
    "иван@пример.рф",
    "सम्पर्क@उदाहरण.भारत",
    "ติดต่อ@ตัวอย่าง.ไทย",
    "info@bücher.example",
    "jane@straße.de",
    "user@faß.de",
    "zoë@naïve.example.com",
    "café@café.fr",
    "ñandú@señor.es",
    "jane@xn--bcher-kva.example",
    "a.b.c@d.e.f.example.com",
    "user%host@example.com",
    "user=tag@example.com",
    "{weird}@example.com",
    "jane@123.example.com",
    "jane@example.museum",
    "jane@1example.com",
]


def email_spellings(base):
    local, _, domain = base.rpartition("@")
    import unicodedata

    out = [
        ("format.as_is", base),
        ("format.padded", f"  {base}\t"),
        ("format.upper_domain", f"{local}@{domain.upper()}"),
        ("format.nfd", unicodedata.normalize("NFD", base)),
        ("format.nfd_domain", f"{local}@{unicodedata.normalize('NFD', domain)}"),
        ("format.ideographic_full_stop", local + "@" + domain.replace(".", "\u3002")),
        ("format.fullwidth_full_stop", local + "@" + domain.replace(".", "\uff0e")),
        ("format.halfwidth_ideographic_stop", local + "@" + domain.replace(".", "\uff61")),
        ("format.fullwidth_domain", f"{local}@{''.join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in domain)}"),
        ("local.upper", f"{local.upper()}@{domain}"),
        ("local.nfd", f"{unicodedata.normalize('NFD', local)}@{domain}"),
        ("local.fullwidth", f"{''.join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in local)}@{domain}"),
        ("domain.bang", f"{local}@ac!{domain}"),
        ("domain.path", f"{local}@{domain}/path"),
        ("domain.query", f"{local}@{domain}?subject=x"),
        ("domain.fragment", f"{local}@{domain}#x"),
        ("domain.port", f"{local}@{domain}:25"),
        ("domain.leading_hyphen", f"{local}@-{domain}"),
        ("domain.trailing_hyphen_label", f"{local}@{domain.split('.')[0]}-.{'.'.join(domain.split('.')[1:])}"),
        ("domain.double_hyphen", f"{local}@ab--{domain}"),
        ("domain.underscore", f"{local}@my_{domain}"),
        ("domain.space", f"{local}@{domain.replace('.', ' .', 1)}"),
        ("domain.trailing_dot", f"{local}@{domain}."),
        ("domain.leading_dot", f"{local}@.{domain}"),
        ("domain.double_dot", f"{local}@{domain.replace('.', '..', 1)}"),
        ("domain.numeric_tld", f"{local}@{domain.rsplit('.', 1)[0]}.123"),
        ("domain.digit_end_tld", f"{local}@{domain}1"),
        ("domain.no_dot", f"{local}@{domain.replace('.', '')}"),
        ("domain.label_63", f"{local}@{'a' * 63}.{domain}"),
        ("domain.label_64", f"{local}@{'a' * 64}.{domain}"),
        ("domain.special_test", f"{local}@{domain.split('.')[0]}.test"),
        ("domain.special_invalid", f"{local}@{domain.split('.')[0]}.invalid"),
        ("domain.special_local", f"{local}@{domain.split('.')[0]}.local"),
        ("domain.special_localhost", f"{local}@localhost"),
        ("domain.special_onion", f"{local}@{domain.split('.')[0]}.onion"),
        ("domain.zero_width", f"{local}@{domain[:2]}\u200b{domain[2:]}"),
        ("domain.emoji", f"{local}@\u2615{domain}"),
        ("domain.kelvin", f"{local}@\u212a{domain}"),
        ("domain.ip_literal", f"{local}@[192.0.2.1]"),
        ("other.two_at", f"{local}@x@{domain}"),
        ("other.display_name", f"Jane <{base}>"),
        ("other.angle", f"<{base}>"),
        ("other.quoted_local", f'"{local}"@{domain}'),
        ("other.mailto", f"mailto:{base}"),
        ("other.trailing_comma", base + ","),
        ("other.leading_dot_local", f".{local}@{domain}"),
        ("other.bom", "\ufeff" + base),
        ("other.soft_hyphen_local", f"{local[:1]}\u00ad{local[1:]}@{domain}"),
    ]
    return out


def email_read(text):
    # The SDK trims surrounding whitespace before anything else; email-validator does not.
    try:
        info = email_validator.validate_email(text.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError:
        return "error\t-"
    return f"ok {info.normalized}\t{info.ascii_email or '-'}"


def write_emails(path):
    seen = set()
    long_local = "a" * 64
    extra = [
        ("length.local_64", f"{long_local}@example.com"),
        ("length.local_65", f"{long_local}a@example.com"),
        ("length.domain_253", "a@" + ".".join(["b" * 62] * 4)[: 253 - 4] + ".com"),
        ("length.domain_254", "a@" + ".".join(["b" * 62] * 4)[: 254 - 4] + ".com"),
        ("length.address_254", "a" * 64 + "@" + ".".join(["c" * 60] * 4)[: 254 - 65 - 4] + ".com"),
        ("length.address_255", "a" * 64 + "@" + ".".join(["c" * 60] * 4)[: 255 - 65 - 4] + ".com"),
        ("length.idn_label_long", "a@" + "ü" * 60 + ".de"),
        ("other.empty", ""),
        ("other.no_at", "jane.example.com"),
        ("other.only_at", "@"),
        ("other.no_local", "@example.com"),
        ("other.no_domain", "jane@"),
    ]
    rows = []
    for base in EMAIL_BASES:
        rows += email_spellings(base)
    rows += extra
    rows += email_mappings.rows()
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# generated by generate.py with email-validator {email_validator.__version__}; do not edit\n")
        for kind, text in rows:
            if text not in seen:
                seen.add(text)
                f.write(f"{kind}\t{json.dumps(text)}\t{email_read(text)}\n")
    return len(seen)


def main():
    phones = write_phones(os.path.join(HERE, "phones.tsv"))
    print(f"phones.tsv: {phones} inputs (phonenumbers {phonenumbers.__version__})")
    emails = write_emails(os.path.join(HERE, "emails.tsv"))
    print(f"emails.tsv: {emails} inputs (email-validator {email_validator.__version__})")
    table = os.path.join(HERE, "..", "..", "src", "identity", "email", "compat_table.rs")
    ranges = email_mappings.write_rust_table(table)
    print(f"src/identity/email/compat_table.rs: {ranges} ranges")


if __name__ == "__main__":
    sys.exit(main())

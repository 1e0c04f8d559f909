// Over 500 lines: the exact-number reader, its writer and the quoted-scalar workaround are
// one format.
//! YAML (and JSON) in and out, with numbers kept exactly.
//!
//! Specs carry numbers no machine type holds: Gong's export has a 20-digit integer `example`,
//! and exporters write long decimal examples. `serde_yaml_ng` into `serde_json::Value` stops on
//! the first ("number out of range"), and a float would round the second. serde_json's
//! `arbitrary_precision` feature is no way out: Cargo unifies features across the workspace, and
//! that one changes how numbers pass through `#[serde(flatten)]` in `gong-api`'s generated types.
//!
//! So this module reads YAML events with `saphyr-parser`, which hands over every scalar's text,
//! and resolves plain scalars with the YAML 1.2 core schema exactly as `serde_yaml_ng` does. A
//! number that `serde_json::Value` cannot hold exactly (an integer beyond 64 bits, a decimal with
//! more than 15 significant digits, or out of the `f64` range) is kept as its text, wrapped in a
//! string with a prefix no spec string can have (the reader refuses one that does); see
//! [`big_number`]. The writer prints those back as plain numbers, so the bundled spec has the
//! upstream's digits, whatever their size. progenitor, which reads numbers as `f64` or `i64`
//! anyway, gets the nearest `f64` ([`approximate_big_numbers`]).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

/// The prefix of a string that stands for a number kept as text.
const BIG_NUMBER: &str = "\u{0}xtask-number:";

/// The text of a number kept exactly (see the module docs), if `value` is one.
pub fn big_number(value: &Value) -> Option<&str> {
    value.as_str()?.strip_prefix(BIG_NUMBER)
}

/// Replaces every number kept as text with the nearest `f64`, for consumers that read numbers
/// as machine types. Returns how many there were.
pub fn approximate_big_numbers(value: &mut Value) -> usize {
    match value {
        Value::String(_) => match big_number(value).and_then(|t| t.parse::<f64>().ok()) {
            Some(float) => {
                *value = Number::from_f64(float).map_or(Value::Null, Value::Number);
                1
            }
            None => 0,
        },
        Value::Array(items) => items.iter_mut().map(approximate_big_numbers).sum(),
        Value::Object(map) => map.values_mut().map(approximate_big_numbers).sum(),
        _ => 0,
    }
}

/// Parses a YAML (or JSON) document, naming the file and the line on failure.
///
/// saphyr-parser 0.3 refuses some valid multi-line quoted scalars ("invalid indentation in
/// quoted scalar": a continuation line at the column of its key inside a sequence entry,
/// `- name: 'one` / `  two'`, which PyYAML, Redocly and Prism read). The leading spaces of a
/// quoted scalar's continuation lines are not part of its value (line folding drops them), so
/// such a scalar's continuation lines are indented deeper and the document is read again.
pub fn parse(text: &str, file: &str) -> Result<Value> {
    let mut text = std::borrow::Cow::Borrowed(text);
    loop {
        let mut loader = Loader {
            parser: Parser::new_from_str(&text),
            anchors: HashMap::new(),
            file,
            quoted_at: None,
        };
        let result = loader.document();
        match (result, loader.quoted_at) {
            (Err(e), Some(at)) => match reindent_quoted(&text, at) {
                Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                None => return Err(e),
            },
            (result, _) => return result,
        }
    }
}

/// `text` with the continuation lines of the quoted scalar whose opening quote is the
/// `at`-th character indented one column deeper than that quote; `None` when there is
/// nothing to change (no continuation line, no closing quote, or already deep enough).
fn reindent_quoted(text: &str, at: usize) -> Option<String> {
    let start = text.char_indices().nth(at).map(|(i, _)| i)?;
    let quote = text[start..].chars().next()?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let depth = text[line_start..start].chars().count() + 1;
    // The closing quote: `''` is a quote inside a single-quoted scalar, `\` escapes in a
    // double-quoted one.
    let body = &text[start + 1..];
    let mut chars = body.char_indices().peekable();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            ('\'', '\'') if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            ('"', '\\') => {
                chars.next();
            }
            (q, c) if q == c => {
                end = Some(start + 1 + i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    let mut changed = false;
    for (n, line) in text[start..end].split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            let indent = line.chars().take_while(|c| *c == ' ').count();
            if indent < depth && !line.trim().is_empty() {
                out.extend(std::iter::repeat_n(' ', depth - indent));
                changed = true;
            }
        }
        out.push_str(line);
    }
    out.push_str(&text[end..]);
    changed.then_some(out)
}

struct Loader<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Value>,
    file: &'a str,
    /// Where a quoted scalar saphyr refused for its indentation starts (see [`parse`]).
    quoted_at: Option<usize>,
}

impl<'a> Loader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span)> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => {
                if e.info() == "invalid indentation in quoted scalar" {
                    self.quoted_at = Some(e.marker().index());
                }
                Err(Error::in_file(
                    self.file,
                    format!(
                        "not valid YAML: {} at line {} column {}",
                        e.info(),
                        e.marker().line(),
                        e.marker().col() + 1
                    ),
                ))
            }
            None => Err(self.error_at(None, "unexpected end of input")),
        }
    }

    fn error_at(&self, span: Option<&Span>, message: &str) -> Error {
        match span {
            Some(span) => Error::in_file(
                self.file,
                format!(
                    "not valid YAML: {message} at line {} column {}",
                    span.start.line(),
                    span.start.col() + 1
                ),
            ),
            None => Error::in_file(self.file, format!("not valid YAML: {message}")),
        }
    }

    fn document(&mut self) -> Result<Value> {
        let mut value = Value::Null;
        let mut documents = 0;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(self.error_at(Some(&span), "more than one document"));
                    }
                }
                Event::StreamEnd => return Ok(value),
                event => value = self.node(event, &span)?,
            }
        }
    }

    /// The value that starts with `event`.
    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Value> {
        match event {
            Event::Alias(id) => self
                .anchors
                .get(&id)
                .cloned()
                .ok_or_else(|| self.error_at(Some(span), "alias to an unknown anchor")),
            Event::Scalar(text, style, anchor, tag) => {
                let value = self.scalar(&text, style, tag.as_deref(), span)?;
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::SequenceStart(anchor, tag) => {
                self.no_custom_tag(tag.as_deref(), span)?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, &span)?);
                }
                let value = Value::Array(items);
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::MappingStart(anchor, tag) => {
                self.no_custom_tag(tag.as_deref(), span)?;
                let mut map = Map::new();
                loop {
                    let (event, key_span) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(text, ..) => text.into_owned(),
                        Event::Alias(id) => match self.anchors.get(&id) {
                            Some(Value::String(s)) => s.clone(),
                            _ => {
                                return Err(self.error_at(Some(&key_span), "a non-string key"));
                            }
                        },
                        _ => return Err(self.error_at(Some(&key_span), "a non-scalar key")),
                    };
                    let (event, span) = self.next()?;
                    let value = self.node(event, &span)?;
                    if map.insert(key.clone(), value).is_some() {
                        return Err(
                            self.error_at(Some(&key_span), &format!("duplicate key `{key}`"))
                        );
                    }
                }
                let value = Value::Object(map);
                self.remember(anchor, &value);
                Ok(value)
            }
            _ => Err(self.error_at(Some(span), "unexpected event")),
        }
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
    }

    fn no_custom_tag(&self, tag: Option<&Tag>, span: &Span) -> Result<()> {
        match tag {
            Some(tag) if !tag.is_yaml_core_schema() => {
                Err(self.error_at(Some(span), &format!("unsupported tag `{tag}`")))
            }
            _ => Ok(()),
        }
    }

    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: &Span,
    ) -> Result<Value> {
        if text.starts_with(BIG_NUMBER) {
            return Err(self.error_at(Some(span), "a string starting with a NUL character"));
        }
        let resolved = match tag {
            None if style == ScalarStyle::Plain => resolve_plain(text),
            None => Some(Value::String(text.to_owned())),
            Some(tag) if tag.is_yaml_core_schema() => match tag.suffix.as_str() {
                "str" => Some(Value::String(text.to_owned())),
                "null" | "bool" | "int" | "float" => {
                    resolve_plain(text).filter(|v| match tag.suffix.as_str() {
                        "null" => v.is_null(),
                        "bool" => v.is_boolean(),
                        _ => v.is_number() || big_number(v).is_some(),
                    })
                }
                _ => None,
            },
            Some(_) => None,
        };
        resolved.ok_or_else(|| {
            let what = tag.map_or_else(|| format!("`{text}`"), |t| format!("`{t} {text}`"));
            self.error_at(Some(span), &format!("cannot read {what}"))
        })
    }
}

/// A plain scalar under the YAML 1.2 core schema, as `serde_yaml_ng` resolves it. `None` for a
/// number JSON cannot hold at all (infinity, NaN, a hexadecimal beyond 128 bits).
fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    // Leading zeros followed by digits: a string (YAML 1.2).
    let leading_zero = unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned[1..].bytes().all(|b| b.is_ascii_digit());
    if leading_zero {
        return Some(Value::String(text.to_owned()));
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = unsigned.strip_prefix(prefix) {
            if digits.is_empty() || digits.starts_with(['+', '-']) {
                return Some(Value::String(text.to_owned()));
            }
            return match u128::from_str_radix(digits, radix) {
                Ok(magnitude) => Some(integer(negative, &magnitude.to_string())),
                Err(_) if digits.chars().all(|c| c.is_digit(radix)) => None,
                Err(_) => Some(Value::String(text.to_owned())),
            };
        }
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Some(integer(negative, unsigned));
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return None,
        _ if matches!(text, ".nan" | ".NaN" | ".NAN") => return None,
        _ => {}
    }
    if is_decimal(unsigned) {
        let float: f64 = text.trim_start_matches('+').parse().ok()?;
        let digits = significant_digits(unsigned);
        return Some(if float.is_finite() && digits <= 15 {
            Number::from_f64(float).map_or(Value::Null, Value::Number)
        } else {
            Value::String(format!("{BIG_NUMBER}{}", text.trim_start_matches('+')))
        });
    }
    Some(Value::String(text.to_owned()))
}

/// A decimal integer (`digits` without sign) as a JSON number, or as text beyond 64 bits.
fn integer(negative: bool, digits: &str) -> Value {
    let text = if negative {
        format!("-{digits}")
    } else {
        digits.to_owned()
    };
    if let Ok(n) = text.parse::<u64>() {
        return Value::Number(n.into());
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::Number(n.into());
    }
    Value::String(format!("{BIG_NUMBER}{text}"))
}

/// `1.5`, `.5`, `1.`, `1e3`, `1.5E-3`: Rust's float syntax minus `inf`/`nan`.
fn is_decimal(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mantissa_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        digits(int) && frac.is_none_or(digits) && (int.len() + frac.map_or(0, str::len)) > 0
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// The significant digits of a decimal's mantissa (leading and trailing zeros do not count).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

/// Serialises `value` as YAML, printing numbers kept as text back as plain numbers.
pub fn to_string(value: &Value) -> Result<String> {
    const PLACEHOLDER: &str = "XTASK_BIG_NUMBER_";
    let mut numbers = Vec::new();
    let mut value = value.clone();
    replace_big_numbers(&mut value, &mut |text| {
        numbers.push(text.to_owned());
        format!("{PLACEHOLDER}{}", numbers.len() - 1)
    });
    let mut yaml = serde_yaml_ng::to_string(&value)
        .map_err(|e| Error::msg(format!("cannot write YAML: {e}")))?;
    if yaml.matches(PLACEHOLDER).count() != numbers.len() {
        return Err(Error::msg(format!(
            "cannot write YAML: the document contains the text {PLACEHOLDER}"
        )));
    }
    // Highest index first, so `…_1` never rewrites the start of `…_10`.
    for (i, text) in numbers.iter().enumerate().rev() {
        yaml = yaml.replace(&format!("{PLACEHOLDER}{i}"), text);
    }
    Ok(yaml)
}

fn replace_big_numbers(value: &mut Value, replace: &mut impl FnMut(&str) -> String) {
    match value {
        Value::String(_) => {
            if let Some(text) = big_number(value) {
                *value = Value::String(replace(text));
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_big_numbers(v, replace)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| replace_big_numbers(v, replace)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        parse(text, "t.yaml").unwrap()
    }

    #[test]
    fn scalars_resolve_like_serde_yaml_ng() {
        let text = "a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: '3'\ng: 2.0.0\nh: 0x1F\ni: 007\nj: \
                    \"x\"\nk:\nl: !!str 12\nm: +4\nn: 1e3\no: [1, {p: q}]\n'200': r\n";
        let value = yaml(text);
        let reference: Value = serde_yaml_ng::from_str(text).unwrap();
        assert_eq!(value, reference);
    }

    #[test]
    fn numbers_beyond_64_bits_survive_exactly() {
        let text = "example: 12345678901234567890123\nneg: -98765432109876543210\n\
                    pi: 3.14159265358979323846264338327950288\nsmall: 1.25\nhuge: 1e999\n";
        let value = yaml(text);
        assert_eq!(
            big_number(&value["example"]),
            Some("12345678901234567890123")
        );
        assert_eq!(big_number(&value["neg"]), Some("-98765432109876543210"));
        assert_eq!(
            big_number(&value["pi"]),
            Some("3.14159265358979323846264338327950288")
        );
        assert_eq!(value["small"], json!(1.25));
        assert_eq!(big_number(&value["huge"]), Some("1e999"));
        let out = to_string(&value).unwrap();
        assert_eq!(
            out,
            "example: 12345678901234567890123\nneg: -98765432109876543210\n\
             pi: 3.14159265358979323846264338327950288\nsmall: 1.25\nhuge: 1e999\n"
        );
        assert_eq!(yaml(&out), value, "the written YAML reads back the same");
    }

    #[test]
    fn json_input_keeps_big_numbers_too() {
        let value = yaml("{\"a\": {\"example\": 123456789012345678901}, \"b\": [1, 2.5]}");
        assert_eq!(
            big_number(&value["a"]["example"]),
            Some("123456789012345678901")
        );
        assert_eq!(value["b"], json!([1, 2.5]));
    }

    #[test]
    fn big_numbers_become_floats_for_progenitor() {
        let mut value = yaml("a: [123456789012345678901234]\nb: 1\n");
        assert_eq!(approximate_big_numbers(&mut value), 1);
        assert_eq!(value, json!({"a": [1.2345678901234568e23], "b": 1}));
    }

    #[test]
    fn anchors_and_aliases_are_followed() {
        assert_eq!(
            yaml("a: &x {b: 1}\nc: *x\n"),
            json!({"a": {"b": 1}, "c": {"b": 1}})
        );
    }

    #[test]
    fn multi_line_quoted_scalars_saphyr_refuses_are_read_as_pyyaml_reads_them() {
        // Each refused by saphyr-parser 0.3 ("invalid indentation in quoted scalar").
        for (text, expected) in [
            (
                "a:\n  - b: 'one\n    two'\n    c: 1\n",
                json!({"a": [{"b": "one two", "c": 1}]}),
            ),
            (
                "p:\n  - name: x\n    description: 'It''s\n    long\n\n    (new paragraph)'\n",
                json!({"p": [{"name": "x", "description": "It's long\n(new paragraph)"}]}),
            ),
            (
                "a:\n  - b: \"say \\\"hi\\\"\n    there\"\n",
                json!({"a": [{"b": "say \"hi\" there"}]}),
            ),
            (
                "a:\n  b: [ 'one\n  two' ]\n",
                json!({"a": {"b": ["one two"]}}),
            ),
            (
                "a:\n  - b: 'x'\n  - b: 'one\n    two'\n  - b: 'three\n    four'\n",
                json!({"a": [{"b": "x"}, {"b": "one two"}, {"b": "three four"}]}),
            ),
        ] {
            assert_eq!(parse(text, "t.yaml").unwrap(), expected, "{text}");
        }
        // A quoted scalar that never closes is still an error naming its line.
        let error = parse("a:\n  - b: 'one\n    two\n", "t.yaml").unwrap_err();
        assert!(
            error.to_string().contains("t.yaml: not valid YAML"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        for (text, needle) in [
            ("a: 1\na: 2\n", "duplicate key `a` at line 2"),
            ("a: .inf\n", "cannot read `.inf` at line 1"),
            ("a: !custom 1\n", "cannot read"),
            ("a: [1, 2\nb: c\n", "line"),
            ("a: \"\\0xtask-number:1\"\n", "NUL"),
        ] {
            let err = parse(text, "upstream.yml").unwrap_err().to_string();
            assert!(err.starts_with("upstream.yml: not valid YAML"), "{err}");
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }
}

#[cfg(test)]
mod json_input_tests {
    use super::*;

    /// An upstream published as JSON (pretty-printed with tabs, as many exporters write it) is
    /// read like serde_json reads it, except that big numbers stay exact.
    #[test]
    fn json_documents_read_like_serde_json() {
        let text = "{\n\t\"openapi\": \"3.0.1\",\n\t\"info\": {\"title\": \"t\", \"version\": \"1\"},\n\t\"x\": [1, 2.5, -3e2, true, null, \"a\\u00e9\\n\", \"\"],\n\t\"paths\": {\n\t\t\"/a\": {}\n\t}\n}\n";
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse(text, "t.json").unwrap(), expected);
        let big = parse("{\"example\": 62864782636461234567}", "t.json").unwrap();
        assert_eq!(to_string(&big).unwrap(), "example: 62864782636461234567\n");
    }
}

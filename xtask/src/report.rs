//! What the generation did to the spec on its way to progenitor, rule by rule.
//!
//! Every transformation is a named rule, and every rule that fired is reported in one line with a
//! count (`rule split-shared-schemas: 2 (Foo -> FooResponse, Bar -> BarResponse)`), never
//! silently. Operations left out of the client get a warning line each. The README's "Updating
//! the upstream spec" section says what each rule means and what to do about it.

use std::fmt::Write as _;

/// How many details one rule's line shows before "and N more".
const SHOWN: usize = 6;

/// An operation the generated client leaves out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub method: String,
    pub path: String,
    pub reason: String,
}

/// A unit of the spec that is not typed or not mocked: a schema the client decodes as any
/// JSON (`serde_json::Value`), or an operation without a typed mock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Degraded {
    /// The JSON pointer of the schema, or `METHOD /path` of the operation.
    pub unit: String,
    /// What became of it: `is any JSON (serde_json::Value) in the client`, `has no typed mock`.
    pub outcome: &'static str,
    pub rule: &'static str,
    pub reason: String,
}

/// The rules that fired (in the order they first fired), the operations left out, and the
/// schemas and mocks degraded.
#[derive(Debug, Default)]
pub struct Report {
    rules: Vec<(&'static str, usize, Vec<String>)>,
    pub skipped: Vec<Skipped>,
    pub degraded: Vec<Degraded>,
}

impl Report {
    /// Counts one application of `rule`, described by `detail`.
    pub fn fired(&mut self, rule: &'static str, detail: impl Into<String>) {
        let entry = self.entry(rule);
        entry.1 += 1;
        entry.2.push(detail.into());
    }

    /// Counts `n` applications of `rule` without details.
    pub fn count(&mut self, rule: &'static str, n: usize) {
        if n > 0 {
            self.entry(rule).1 += n;
        }
    }

    /// Records an operation left out of the client.
    pub fn skip(&mut self, method: &str, path: &str, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            method: method.to_uppercase(),
            path: path.to_owned(),
            reason: reason.into(),
        });
    }

    /// Records a unit degraded by `rule` (counted as a firing of `rule` too).
    pub fn degrade(
        &mut self,
        unit: impl Into<String>,
        outcome: &'static str,
        rule: &'static str,
        reason: impl Into<String>,
    ) {
        let unit = unit.into();
        self.fired(rule, unit.clone());
        self.degraded.push(Degraded {
            unit,
            outcome,
            rule,
            reason: reason.into(),
        });
    }

    /// Adds `other`'s rules, skipped operations and degraded units after this report's.
    pub fn absorb(&mut self, other: Report) {
        for (rule, n, details) in other.rules {
            let entry = self.entry(rule);
            entry.1 += n;
            entry.2.extend(details);
        }
        self.skipped.extend(other.skipped);
        self.degraded.extend(other.degraded);
    }

    /// Every omission `--strict` fails on: operations left out, schemas untyped, mocks left
    /// out because generating them failed.
    pub fn omissions(&self) -> usize {
        self.skipped.len() + self.degraded.len()
    }

    /// Every rule that fired, with its count, in the order they first fired.
    pub fn counts(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        self.rules.iter().map(|(rule, n, _)| (*rule, *n))
    }

    /// How often `rule` fired.
    #[cfg(test)]
    pub fn times(&self, rule: &str) -> usize {
        self.rules
            .iter()
            .find(|(name, ..)| *name == rule)
            .map_or(0, |(_, n, _)| *n)
    }

    /// The details recorded for `rule`, in order.
    #[cfg(test)]
    pub fn details(&self, rule: &str) -> Vec<String> {
        self.rules
            .iter()
            .find(|(name, ..)| *name == rule)
            .map(|(_, _, d)| d.clone())
            .unwrap_or_default()
    }

    fn entry(&mut self, rule: &'static str) -> &mut (&'static str, usize, Vec<String>) {
        let index = match self.rules.iter().position(|(name, ..)| *name == rule) {
            Some(i) => i,
            None => {
                self.rules.push((rule, 0, Vec::new()));
                self.rules.len() - 1
            }
        };
        &mut self.rules[index]
    }

    /// One line per rule that fired, then one warning per skipped operation.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .rules
            .iter()
            .map(|(rule, n, details)| {
                let mut line = format!("rule {rule}: {n}");
                if !details.is_empty() {
                    let shown = summarise(details);
                    let _ = write!(line, " ({shown})");
                }
                line
            })
            .collect();
        lines.extend(self.skipped.iter().map(|s| {
            format!(
                "warning: {} {} left out of the client: {}",
                s.method, s.path, s.reason
            )
        }));
        lines.extend(self.degraded.iter().map(|d| {
            format!(
                "warning: {} {}: rule {}: {}",
                d.unit, d.outcome, d.rule, d.reason
            )
        }));
        lines
    }
}

/// Equal details are counted (`exampleSetFlag ×3`); at most [`SHOWN`] are listed.
fn summarise(details: &[String]) -> String {
    let mut distinct: Vec<(&str, usize)> = Vec::new();
    for d in details {
        match distinct.iter_mut().find(|(text, _)| *text == d) {
            Some((_, n)) => *n += 1,
            None => distinct.push((d, 1)),
        }
    }
    let mut parts: Vec<String> = distinct
        .iter()
        .take(SHOWN)
        .map(|(text, n)| match n {
            1 => (*text).to_owned(),
            n => format!("{text} ×{n}"),
        })
        .collect();
    if distinct.len() > SHOWN {
        parts.push(format!("and {} more", distinct.len() - SHOWN));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_rule_with_count_and_details() {
        let mut report = Report::default();
        report.fired("split-shared-schemas", "Foo -> FooResponse");
        report.count("lenient-enums", 0);
        report.count("lenient-enums", 3);
        report.fired("split-shared-schemas", "Bar -> BarResponse");
        for _ in 0..3 {
            report.fired("drop-annotations", "exampleSetFlag");
        }
        for i in 0..8 {
            report.fired("operation-ids", format!("op{i}"));
        }
        report.skip("post", "/upload", "multipart/form-data request body");
        assert_eq!(
            report.lines(),
            [
                "rule split-shared-schemas: 2 (Foo -> FooResponse, Bar -> BarResponse)",
                "rule lenient-enums: 3",
                "rule drop-annotations: 3 (exampleSetFlag ×3)",
                "rule operation-ids: 8 (op0, op1, op2, op3, op4, op5, and 2 more)",
                "warning: POST /upload left out of the client: multipart/form-data request body",
            ]
        );
        assert_eq!(report.times("lenient-enums"), 3);
        assert_eq!(report.times("nope"), 0);
    }
}

//! Reading a crate's module tree and the `crate::`/`super::` paths its files use.
//!
//! A careful scanner rather than a parser: comments, string and character literals and inline
//! `#[cfg(test)]` modules are blanked out first, so a path in a doc comment, a message or a
//! test never counts; `use` groups (`crate::a::{b::C, d}`) are expanded. `self::` and bare
//! relative paths (a parent re-exporting its children) are not arrows: a module holds its
//! children, it does not depend on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One crate: its root file and every module file reached from it by `mod name;`.
pub struct Crate {
    /// A short name, e.g. `gong-api-ext` or `gong-privacy (bin)`.
    pub name: String,
    /// Module path (`["policy", "quota"]`) -> its file.
    pub modules: BTreeMap<Vec<String>, Module>,
    /// Names the root re-exports (`pub use a::b::{C}`): `C` -> `["a", "b", "C"]`.
    pub root_exports: BTreeMap<String, Vec<String>>,
}

/// One module file (a room).
pub struct Module {
    pub file: PathBuf,
    /// Lines, without inline `#[cfg(test)]` modules.
    pub lines: usize,
    /// The absolute module paths it names through `crate::` or `super::`.
    pub uses: Vec<Vec<String>>,
}

/// Reads the crate whose root file is `root` (`src/lib.rs`, `src/main.rs`, …).
pub fn read_crate(name: &str, root: &Path) -> Crate {
    let mut modules = BTreeMap::new();
    let mut root_exports = BTreeMap::new();
    let mut queue = vec![(Vec::<String>::new(), root.to_path_buf())];
    while let Some((path, file)) = queue.pop() {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let (code, test_lines) = blank_tests(&blank_literals(&text));
        let lines = text.lines().count() - test_lines;
        for child in child_modules(&code) {
            let dir = child_dir(root, &path, &file);
            let candidates = [
                dir.join(format!("{child}.rs")),
                dir.join(&child).join("mod.rs"),
            ];
            let Some(found) = candidates.into_iter().find(|c| c.exists()) else {
                panic!("{}: `mod {child};` has no file", file.display());
            };
            let mut child_path = path.clone();
            child_path.push(child);
            queue.push((child_path, found));
        }
        let mut uses = Vec::new();
        for (start, tree) in paths(&code) {
            let absolute = match start {
                Start::Crate => tree,
                Start::Super(n) => {
                    let keep = path.len().saturating_sub(n);
                    path[..keep].iter().cloned().chain(tree).collect()
                }
                Start::Relative => {
                    if let (true, Some(last)) = (path.is_empty(), tree.last()) {
                        root_exports.insert(last.clone(), tree.clone());
                    }
                    continue;
                }
            };
            uses.push(absolute);
        }
        modules.insert(path, Module { file, lines, uses });
    }
    Crate {
        name: name.to_owned(),
        modules,
        root_exports,
    }
}

/// The directory a module's children live in.
fn child_dir(root: &Path, path: &[String], file: &Path) -> PathBuf {
    let dir = file.parent().unwrap().to_path_buf();
    let stem = file.file_stem().unwrap().to_str().unwrap();
    if path.is_empty() || stem == "mod" || file == root {
        dir
    } else {
        dir.join(stem)
    }
}

/// Where a path starts.
#[derive(Clone, Copy)]
enum Start {
    Crate,
    Super(usize),
    Relative,
}

/// `mod name;` declarations (not inline modules, not test modules: those are blanked).
fn child_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = code.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if *w == "mod"
            && let Some(name) = words.get(i + 1).and_then(|next| next.strip_suffix(';'))
            && is_ident(name)
        {
            found.push(name.to_owned());
        }
    }
    found
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Every `crate::…` and `super::…` path of `code`, `use` groups expanded; at the root, also
/// the relative paths of `pub use` items (for the root's re-exports).
fn paths(code: &str) -> Vec<(Start, Vec<String>)> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let prev = if i > 0 { tokens[i - 1].as_str() } else { "" };
        let after_colons = prev == "::";
        if !after_colons
            && (t == "crate" || t == "super")
            && tokens.get(i + 1).map(String::as_str) == Some("::")
        {
            let mut j = i;
            let mut supers = 0;
            let start = if t == "crate" {
                j += 2;
                Start::Crate
            } else {
                while tokens.get(j).map(String::as_str) == Some("super")
                    && tokens.get(j + 1).map(String::as_str) == Some("::")
                {
                    supers += 1;
                    j += 2;
                }
                Start::Super(supers)
            };
            let (trees, end) = tree(&tokens, j);
            for tree in trees {
                out.push((start, tree));
            }
            i = end.max(i + 1);
            continue;
        }
        // `pub use a::b::{..};` with a relative path (the root's re-exports).
        if t == "use" && prev == "pub" {
            let first = tokens.get(i + 1).map(String::as_str).unwrap_or("");
            if is_ident(first) && first != "crate" && first != "super" && first != "self" {
                let (trees, end) = tree(&tokens, i + 1);
                for tree in trees {
                    out.push((Start::Relative, tree));
                }
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Parses a path tree at `tokens[i..]`: `a::b::{c, d::{e}}` -> `[a,b,c]`, `[a,b,d,e]`. A
/// `self` in a group names the prefix itself; `*` and aliases end a path.
fn tree(tokens: &[String], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                let mut all = Vec::new();
                i += 1;
                loop {
                    match tokens.get(i).map(String::as_str) {
                        Some("}") => {
                            i += 1;
                            break;
                        }
                        Some(",") => i += 1,
                        None => break,
                        Some(_) => {
                            let (subs, end) = tree(tokens, i);
                            for sub in subs {
                                let mut p = prefix.clone();
                                if sub != ["self"] {
                                    p.extend(sub);
                                }
                                all.push(p);
                            }
                            i = end;
                            // skip an alias or anything else up to the separator
                            while let Some(t) = tokens.get(i).map(String::as_str) {
                                if t == "," || t == "}" {
                                    break;
                                }
                                i += 1;
                            }
                        }
                    }
                }
                return (all, i);
            }
            Some("*") => return (vec![prefix], i + 1),
            Some(t) if is_ident(t) => {
                prefix.push(t.to_owned());
                i += 1;
                if tokens.get(i).map(String::as_str) == Some("::") {
                    i += 1;
                } else {
                    return (vec![prefix], i);
                }
            }
            _ => return (vec![prefix], i),
        }
    }
}

/// Identifiers, `::` and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// `text` with comments, string literals (raw ones too) and character literals replaced by
/// spaces, line breaks kept.
pub fn blank_literals(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
            && raw_hashes(&c, i + 1).is_some()
        {
            let hashes = raw_hashes(&c, i + 1).unwrap();
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let close: Vec<char> = close.chars().collect();
            let body = i + 2 + hashes;
            out.extend(std::iter::repeat_n(' ', body - i));
            i = body;
            while i < c.len() && !c[i..].starts_with(&close) {
                blank(&mut out, c[i]);
                i += 1;
            }
            out.extend(std::iter::repeat_n(' ', close.len().min(c.len() - i)));
            i += close.len();
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' && is_char_literal(&c, i) {
            let end = char_literal_end(&c, i);
            out.extend(std::iter::repeat_n(' ', end - i));
            i = end;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// `#…#"` after an `r`: the number of hashes, when a raw string starts there.
fn raw_hashes(c: &[char], mut i: usize) -> Option<usize> {
    let mut n = 0;
    while c.get(i) == Some(&'#') {
        n += 1;
        i += 1;
    }
    (c.get(i) == Some(&'"')).then_some(n)
}

/// A `'` starting a character literal (`'a'`, `'\n'`, `'\u{1F600}'`), not a lifetime.
fn is_char_literal(c: &[char], i: usize) -> bool {
    match c.get(i + 1) {
        Some('\\') => true,
        Some(_) => c.get(i + 2) == Some(&'\''),
        None => false,
    }
}

fn char_literal_end(c: &[char], i: usize) -> usize {
    let mut j = i + 1;
    if c.get(j) == Some(&'\\') {
        j += 2;
    } else {
        j += 1;
    }
    while j < c.len() && c[j] != '\'' {
        j += 1;
    }
    j + 1
}

/// `code` (literals already blanked) with every inline `#[cfg(test)] mod name { … }` blanked,
/// and every `#[cfg(test)] mod name;` declaration dropped (a test file is not a room); with
/// the number of lines the inline modules held.
pub fn blank_tests(code: &str) -> (String, usize) {
    let mut test_lines = 0;
    let mut out: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= out.len() {
        if out[i..].starts_with(&marker) {
            let mut j = i + marker.len();
            // Further attributes, `pub`, then `mod name`.
            let rest: String = out[j..].iter().take(400).collect();
            let trimmed = rest.trim_start();
            let skip = rest.len() - trimmed.len();
            let item = trimmed
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            let is_mod = [
                "mod ",
                "pub mod ",
                "pub(crate) mod ",
                "pub(super) mod ",
                "#[path",
            ]
            .iter()
            .any(|p| item.starts_with(p));
            if is_mod {
                j += skip;
                // to the first `{` or `;`
                while j < out.len() && out[j] != '{' && out[j] != ';' {
                    j += 1;
                }
                let end = if j < out.len() && out[j] == '{' {
                    let mut depth = 0;
                    let mut k = j;
                    while k < out.len() {
                        match out[k] {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        k += 1;
                    }
                    k + 1
                } else {
                    j + 1
                };
                let end = end.min(out.len());
                if out[j..end].first() == Some(&'{') {
                    test_lines += out[i..end].iter().filter(|&&c| c == '\n').count() + 1;
                }
                for ch in out.iter_mut().take(end).skip(i) {
                    if *ch != '\n' {
                        *ch = ' ';
                    }
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    (out.into_iter().collect(), test_lines)
}

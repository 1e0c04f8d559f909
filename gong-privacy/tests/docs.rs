//! The guides (README.md and docs/*.md) are checked: every relative link and `#anchor`
//! resolves; every ```rust block is compiled (each guide is a doctest of `guides` in
//! src/lib.rs, and none is `ignore`d); every `gong-privacy` command of a ```sh or ```console
//! block names a real subcommand and flags it accepts (asked of the binary's `--help`), and
//! every `cargo` command names real packages, test targets, examples, benches and features.
//! ```text, json, toml, csv and diff blocks are not run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// README.md and every docs/*.md, relative to the workspace.
fn guides(root: &Path) -> Vec<PathBuf> {
    let mut all = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    docs.sort();
    all.extend(docs);
    all
}

/// A fenced block: its info string and its lines.
struct Block {
    info: String,
    lines: Vec<String>,
    line: usize,
}

/// The prose (outside fenced blocks) and the fenced blocks of a Markdown text.
fn split(text: &str) -> (String, Vec<Block>) {
    let mut prose = String::new();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut open, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_owned(),
                    lines: Vec::new(),
                    line: n + 1,
                })
            }
            (Some(_), Some("")) => blocks.push(open.take().unwrap()),
            (Some(block), _) => block.lines.push(line.to_owned()),
            (None, None) => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    (prose, blocks)
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let (prose, _) = split(text);
    prose
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// `[text](target)` targets of the prose.
fn links(prose: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = prose;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        if let Some(end) = after.find(')') {
            found.push(after[..end].to_owned());
        }
        rest = after;
    }
    found
}

/// Every broken relative link or anchor of the guides under `root`.
fn broken_links(root: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for guide in guides(root) {
        let text = std::fs::read_to_string(root.join(&guide)).unwrap();
        let (prose, _) = split(&text);
        for link in links(&prose) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = match link.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                root.join(&guide)
            } else {
                root.join(guide.parent().unwrap()).join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link}: no such file", guide.display()));
                continue;
            }
            if let Some(anchor) = anchor {
                let target_text = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{}: {link}: no such heading", guide.display()));
                }
            }
        }
    }
    broken
}

#[test]
fn every_link_and_anchor_resolves() {
    let broken = broken_links(&workspace());
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The check can fail: a copy of the guides with one broken file link and one broken anchor.
#[test]
fn a_broken_link_is_caught() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-broken-link");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("docs")).unwrap();
    for guide in guides(&workspace()) {
        std::fs::copy(workspace().join(&guide), scratch.join(&guide)).unwrap();
    }
    // The guides link to files of the workspace too: those are not copied, so only a guide
    // linking to another guide is kept whole. Write a small tree instead.
    let readme =
        "# Top\n\nSee [erasing](docs/erasing.md#no-such-heading) and [gone](docs/gone.md).\n";
    std::fs::write(scratch.join("README.md"), readme).unwrap();
    for guide in guides(&scratch).into_iter().skip(1) {
        std::fs::write(scratch.join(guide), "# A guide\n\n## Erasing a batch\n").unwrap();
    }
    assert_eq!(
        broken_links(&scratch),
        [
            "README.md: docs/erasing.md#no-such-heading: no such heading",
            "README.md: docs/gone.md: no such file",
        ]
    );
    std::fs::write(
        scratch.join("README.md"),
        "[ok](docs/erasing.md#erasing-a-batch)\n",
    )
    .unwrap();
    assert_eq!(broken_links(&scratch), Vec::<String>::new());
}

#[test]
fn every_rust_block_is_compiled() {
    let root = workspace();
    let lib = std::fs::read_to_string(root.join("gong-privacy/src/lib.rs")).unwrap();
    for guide in guides(&root) {
        let include = format!("include_str!(\"../../{}\")", guide.display());
        assert!(
            lib.contains(&include),
            "{} is not a doctest of `guides` in gong-privacy/src/lib.rs",
            guide.display()
        );
        let (_, blocks) = split(&std::fs::read_to_string(root.join(&guide)).unwrap());
        for block in blocks {
            if block.info.starts_with("rust") {
                assert!(
                    !block.info.contains("ignore"),
                    "{}:{}: a ```{} block is not compiled",
                    guide.display(),
                    block.line,
                    block.info
                );
            }
        }
    }
}

/// The commands of a ```sh or ```console block: in a console block the lines after `$ `, in
/// a sh block every line; comments cut off, `cmd && cmd` split, `VAR=… cmd` stripped.
fn commands(block: &Block) -> Vec<Vec<String>> {
    let console = block.info == "console";
    let mut out = Vec::new();
    for line in &block.lines {
        let line = if console {
            match line.trim_start().strip_prefix("$ ") {
                Some(command) => command,
                None => continue,
            }
        } else {
            line.as_str()
        };
        let line = match line.find(" #") {
            Some(i) => &line[..i],
            None if line.trim_start().starts_with('#') => "",
            None => line,
        };
        for part in line.split("&&").flat_map(|p| p.split(" | ")) {
            let words: Vec<String> = shell_words(part)
                .into_iter()
                .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                .collect();
            if !words.is_empty() {
                out.push(words);
            }
        }
    }
    out
}

/// Splits on whitespace, keeping quoted parts together (quotes removed).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// `gong-privacy <subcommand…> --help`, cached.
fn help(cache: &mut BTreeMap<Vec<String>, Option<String>>, path: &[String]) -> Option<String> {
    cache
        .entry(path.to_vec())
        .or_insert_with(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_gong-privacy"))
                .args(path)
                .arg("--help")
                .env_remove("GONG_ACCESS_KEY")
                .output()
                .unwrap();
            out.status
                .success()
                .then(|| String::from_utf8(out.stdout).unwrap())
        })
        .clone()
}

/// What is wrong with a `gong-privacy` command: an unknown subcommand, or a flag its `--help`
/// does not list.
fn check_cli(cache: &mut BTreeMap<Vec<String>, Option<String>>, words: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    // The subcommand path: leading words that `--help` accepts as subcommands.
    let mut path: Vec<String> = Vec::new();
    for word in &words[1..] {
        if word.starts_with('-') {
            break;
        }
        let mut longer = path.clone();
        longer.push(word.clone());
        let parent = help(cache, &path).unwrap_or_default();
        let is_sub = parent.contains("Commands:")
            && parent
                .lines()
                .any(|l| l.split_whitespace().next() == Some(word.as_str()));
        if is_sub && help(cache, &longer).is_some() {
            path = longer;
        } else {
            break;
        }
    }
    if path.is_empty()
        && let Some(word) = words.get(1).filter(|w| !w.starts_with('-'))
    {
        return vec![format!("gong-privacy has no subcommand {word}")];
    }
    let Some(text) = help(cache, &path) else {
        return vec![format!("`gong-privacy {} --help` fails", path.join(" "))];
    };
    // Flags of the subcommand, or global ones (listed by the top-level help).
    let top = help(cache, &[]).unwrap_or_default();
    for word in words.iter().filter(|w| w.starts_with("--")) {
        let flag = word.split('=').next().unwrap();
        let listed = |t: &str| {
            t.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '=')
                .any(|w| w == flag)
        };
        if !listed(&text) && !listed(&top) {
            problems.push(format!("`gong-privacy {}` has no {flag}", path.join(" ")));
        }
    }
    problems
}

/// Packages of the workspace and their feature names, test targets, examples and benches.
struct Package {
    dir: PathBuf,
    manifest: String,
}

fn packages(root: &Path) -> BTreeMap<String, Package> {
    let mut all = BTreeMap::new();
    for dir in ["gong-api", "gong-api-ext", "gong-privacy", "xtask", "tests"] {
        let manifest = std::fs::read_to_string(root.join(dir).join("Cargo.toml")).unwrap();
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_owned();
        all.insert(
            name,
            Package {
                dir: root.join(dir),
                manifest,
            },
        );
    }
    all
}

fn has_feature(package: &Package, feature: &str) -> bool {
    package
        .manifest
        .lines()
        .any(|l| l.starts_with(&format!("{feature} = [")) || l == format!("{feature} = []"))
}

fn has_target(package: &Package, kind: &str, name: &str) -> bool {
    let dir = package.dir.join(kind);
    dir.join(format!("{name}.rs")).exists() || dir.join(name).join("main.rs").exists()
}

/// What is wrong with a `cargo` command: an unknown package, feature, test, example or bench.
fn check_cargo(root: &Path, words: &[String]) -> Vec<String> {
    let packages = packages(root);
    let mut problems = Vec::new();
    let mut selected: Vec<&str> = Vec::new();
    let value = |flag: &str| {
        words
            .iter()
            .position(|w| w == flag)
            .and_then(|i| words.get(i + 1))
    };
    for (i, w) in words.iter().enumerate() {
        if (w == "-p" || w == "--package")
            && let Some(name) = words.get(i + 1)
        {
            if !packages.contains_key(name.as_str()) {
                problems.push(format!("no package {name}"));
            }
            selected.push(name);
        }
        if w == "--path"
            && let Some(dir) = words.get(i + 1)
        {
            if !root.join(dir).join("Cargo.toml").exists() {
                problems.push(format!("no package at {dir}"));
            }
            if let Some((name, _)) = packages.iter().find(|(_, p)| p.dir == root.join(dir)) {
                selected.push(name);
            }
        }
    }
    if let Some(features) = value("--features") {
        for feature in features.split(',') {
            let (package, feature) = match feature.split_once('/') {
                Some((p, f)) => (Some(p), f),
                None => (selected.first().copied(), feature),
            };
            match package.and_then(|p| packages.get(p)) {
                Some(p) if has_feature(p, feature) => {}
                Some(_) => problems.push(format!("no feature {feature} in {}", package.unwrap())),
                None if words.get(1).is_some_and(|w| w == "xtask") => {}
                None => problems.push(format!("feature {feature} of no package")),
            }
        }
    }
    for (flag, kind) in [
        ("--test", "tests"),
        ("--example", "examples"),
        ("--bench", "benches"),
    ] {
        if let Some(name) = value(flag) {
            let found = selected.iter().filter_map(|p| packages.get(*p)).any(|p| {
                has_target(p, kind, name) || p.manifest.contains(&format!("name = \"{name}\""))
            });
            if !found {
                problems.push(format!("{flag} {name}: no such target in {selected:?}"));
            }
        }
    }
    problems
}

#[test]
fn every_command_names_real_subcommands_flags_and_targets() {
    let root = workspace();
    let mut cache = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for guide in guides(&root) {
        let (_, blocks) = split(&std::fs::read_to_string(root.join(&guide)).unwrap());
        for block in blocks
            .iter()
            .filter(|b| b.info == "sh" || b.info == "console")
        {
            for words in commands(block) {
                let found = match words[0].as_str() {
                    "gong-privacy" => check_cli(&mut cache, &words),
                    "cargo" => check_cargo(&root, &words),
                    _ => continue,
                };
                checked += 1;
                problems.extend(found.into_iter().map(|p| {
                    format!(
                        "{}:{}: {p}: {}",
                        guide.display(),
                        block.line,
                        words.join(" ")
                    )
                }));
            }
        }
    }
    assert!(checked > 20, "only {checked} commands found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The command check can fail: an unknown flag and an unknown subcommand are reported.
#[test]
fn a_wrong_flag_or_subcommand_is_caught() {
    let mut cache = BTreeMap::new();
    let words = |line: &str| shell_words(line);
    assert_eq!(
        check_cli(
            &mut cache,
            &words("gong-privacy erase --from x.csv --dry-run")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        check_cli(
            &mut cache,
            &words("gong-privacy erase --from x.csv --no-such-flag")
        ),
        ["`gong-privacy erase` has no --no-such-flag"]
    );
    assert_eq!(
        check_cli(&mut cache, &words("gong-privacy erasee --yes")),
        ["gong-privacy has no subcommand erasee"]
    );
    let root = workspace();
    assert_eq!(
        check_cargo(
            &root,
            &words("cargo test -p gong-privacy --test nope --features keychain")
        ),
        [r#"--test nope: no such target in ["gong-privacy"]"#]
    );
}

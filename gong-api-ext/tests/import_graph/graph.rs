//! The import graph of a tree: rooms (module files), arrows between them, the layer of each
//! room, the arrows that run up, the circles, and how the lines are shared out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::scan::{Crate, read_crate};

/// A room: one module file of one crate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Room {
    pub krate: String,
    pub path: Vec<String>,
}

impl std::fmt::Display for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}::(root)", self.krate)
        } else {
            write!(f, "{}::{}", self.krate, self.path.join("::"))
        }
    }
}

pub struct Graph {
    pub rooms: BTreeMap<Room, (PathBuf, usize)>,
    pub arrows: BTreeSet<(Room, Room)>,
    /// Rooms without a layer (a new top-level module needs one).
    pub unplaced: Vec<Room>,
    layers: BTreeMap<Room, usize>,
}

/// The layers of each crate, bottom first, by a room's first module name (the old names of
/// b7ef01b included, so the same tool measures the tree before the move).
fn layer_of(krate: &str, path: &[String]) -> Option<usize> {
    let Some(first) = path.first() else {
        return Some(usize::MAX); // the crate root re-exports and wires everything: on top
    };
    let table: &[(&[&str], usize)] = match krate {
        "gong-api-ext" => &[
            (&["error", "identity", "phone", "email", "subject"], 0),
            (&["wire", "answer", "receipt", "excerpt"], 1),
            (&["policy", "retry", "rate_limit", "quota"], 2),
            (&["auth", "oauth"], 3),
            (&["client", "config", "crm", "bulk", "executor"], 4),
            (&["lifecycle"], 5),
            (&["testing", "batch", "report"], 6),
        ],
        "gong-privacy" => &[(&["batch"], 0), (&["report"], 1)],
        "gong-privacy (bin)" => &[
            (
                &[
                    "cli",
                    "args",
                    "credentials",
                    "exit",
                    "keychain",
                    "login",
                    "output",
                ],
                0,
            ),
            (
                &[
                    "commands", "auth", "crm", "doctor", "export", "report", "verify", "batch",
                    "dry_run", "plan", "single",
                ],
                1,
            ),
        ],
        _ => return None,
    };
    table
        .iter()
        .find(|(names, _)| names.contains(&first.as_str()))
        .map(|&(_, layer)| layer)
}

/// The crates of the tree at `root`: the SDK, and the application (its library and binary),
/// wherever they are (before the move the binary lived in `gong-api-ext/src/bin`).
fn crates(root: &Path) -> Vec<Crate> {
    let mut crates = vec![read_crate(
        "gong-api-ext",
        &root.join("gong-api-ext/src/lib.rs"),
    )];
    let old_bin = root.join("gong-api-ext/src/bin/gong-privacy/main.rs");
    if old_bin.exists() {
        crates.push(read_crate("gong-privacy (bin)", &old_bin));
    }
    let app = root.join("gong-privacy/src");
    if app.join("lib.rs").exists() {
        crates.push(read_crate("gong-privacy", &app.join("lib.rs")));
    }
    if app.join("main.rs").exists() {
        crates.push(read_crate("gong-privacy (bin)", &app.join("main.rs")));
    }
    crates
}

impl Graph {
    pub fn of(root: &Path) -> Self {
        let mut graph = Graph {
            rooms: BTreeMap::new(),
            arrows: BTreeSet::new(),
            unplaced: Vec::new(),
            layers: BTreeMap::new(),
        };
        for krate in crates(root) {
            for (path, module) in &krate.modules {
                let room = Room {
                    krate: krate.name.clone(),
                    path: path.clone(),
                };
                match layer_of(&krate.name, path) {
                    Some(layer) => {
                        graph.layers.insert(room.clone(), layer);
                    }
                    None => graph.unplaced.push(room.clone()),
                }
                graph
                    .rooms
                    .insert(room.clone(), (module.file.clone(), module.lines));
                for used in &module.uses {
                    let target = resolve(&krate, used);
                    if &target != path {
                        let to = Room {
                            krate: krate.name.clone(),
                            path: target,
                        };
                        graph.arrows.insert((room.clone(), to));
                    }
                }
            }
        }
        graph
    }

    /// Arrows from a lower layer to a higher one.
    pub fn upward(&self) -> Vec<&(Room, Room)> {
        self.arrows
            .iter()
            .filter(
                |(from, to)| match (self.layers.get(from), self.layers.get(to)) {
                    (Some(a), Some(b)) => a < b,
                    _ => false,
                },
            )
            .collect()
    }

    /// Strongly connected sets of more than one room (Tarjan's algorithm).
    pub fn circles(&self) -> Vec<Vec<Room>> {
        let rooms: Vec<&Room> = self.rooms.keys().collect();
        let index_of: BTreeMap<&Room, usize> =
            rooms.iter().enumerate().map(|(i, r)| (*r, i)).collect();
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); rooms.len()];
        for (from, to) in &self.arrows {
            if let (Some(&a), Some(&b)) = (index_of.get(from), index_of.get(to)) {
                next[a].push(b);
            }
        }
        let mut state = Tarjan {
            next: &next,
            index: vec![None; rooms.len()],
            low: vec![0; rooms.len()],
            on_stack: vec![false; rooms.len()],
            stack: Vec::new(),
            counter: 0,
            found: Vec::new(),
        };
        for v in 0..rooms.len() {
            if state.index[v].is_none() {
                state.visit(v);
            }
        }
        let mut circles: Vec<Vec<Room>> = state
            .found
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut c: Vec<Room> = c.into_iter().map(|i| rooms[i].clone()).collect();
                c.sort();
                c
            })
            .collect();
        circles.sort();
        circles
    }

    pub fn total_lines(&self) -> usize {
        self.rooms.values().map(|(_, lines)| lines).sum()
    }

    /// The room with the most lines, and its lines.
    pub fn largest(&self) -> (&Room, usize) {
        self.rooms
            .iter()
            .map(|(room, (_, lines))| (room, *lines))
            .max_by_key(|&(_, lines)| lines)
            .expect("rooms")
    }

    /// The numbers, as printed by the tests.
    pub fn summary(&self) -> String {
        let (room, lines) = self.largest();
        format!(
            "rooms {}, arrows {}, upward arrows {}, circles {} (largest {} rooms), largest room {} \
             with {lines} of {} lines ({:.1} %)",
            self.rooms.len(),
            self.arrows.len(),
            self.upward().len(),
            self.circles().len(),
            self.circles().iter().map(Vec::len).max().unwrap_or(0),
            room,
            self.total_lines(),
            100.0 * lines as f64 / self.total_lines() as f64,
        )
    }
}

/// The module a path names: its longest prefix that is a module of the crate; a name the root
/// re-exports is followed to where it is defined.
fn resolve(krate: &Crate, used: &[String]) -> Vec<String> {
    let longest = |p: &[String]| {
        (0..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|prefix| krate.modules.contains_key(prefix))
            .unwrap_or_default()
    };
    let module = longest(used);
    if module.is_empty()
        && let Some(target) = used.first().and_then(|name| krate.root_exports.get(name))
    {
        let mut full = target.clone();
        full.extend(used[1..].iter().cloned());
        return longest(&full);
    }
    module
}

struct Tarjan<'a> {
    next: &'a [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.counter);
        self.low[v] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &self.next[v] {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            self.found.push(component);
        }
    }
}

//! The layers of gong-api-ext (its crate docs: ground, wire, policy, auth, client, lifecycle)
//! and of the gong-privacy application, kept by a test: a `use` that points up, or a new
//! circle of files, fails here. `IMPORT_GRAPH_ROOT=/path/to/checkout` measures another tree
//! (e.g. b7ef01b, before the split) with the same tool:
//!
//! ```text
//! IMPORT_GRAPH_ROOT=/tmp/old cargo test -p gong-api-ext --test import_graph -- --nocapture measure
//! ```

mod graph;
mod scan;

use std::path::{Path, PathBuf};

use graph::Graph;

/// The tree to measure: `IMPORT_GRAPH_ROOT`, or this workspace.
fn root() -> PathBuf {
    match std::env::var_os("IMPORT_GRAPH_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    }
}

/// The arrows allowed to run up, each with why. Keep this list short (at most 3).
const ALLOWED_UPWARD: &[(&str, &str, &str)] = &[];

/// The circles allowed: a builder with what it builds.
const ALLOWED_CIRCLES: &[&[&str]] = &[&["gong-api-ext::client", "gong-api-ext::client::config"]];

fn upward_not_allowed(graph: &Graph) -> Vec<String> {
    graph
        .upward()
        .into_iter()
        .map(|(from, to)| (from.to_string(), to.to_string()))
        .filter(|(from, to)| !ALLOWED_UPWARD.iter().any(|(f, t, _)| f == from && t == to))
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect()
}

fn circles_not_allowed(graph: &Graph) -> Vec<String> {
    graph
        .circles()
        .into_iter()
        .map(|c| c.iter().map(ToString::to_string).collect::<Vec<_>>())
        .filter(|c| !ALLOWED_CIRCLES.iter().any(|allowed| allowed == c))
        .map(|c| c.join(" <-> "))
        .collect()
}

/// Prints the numbers of the tree (this one, or `IMPORT_GRAPH_ROOT`), every upward arrow and
/// every circle; it fails only when the tree has a room without a layer.
#[test]
fn measure() {
    let graph = Graph::of(&root());
    println!("{}", graph.summary());
    for (from, to) in graph.upward() {
        println!("  up: {from} -> {to}");
    }
    for circle in graph.circles() {
        let names: Vec<String> = circle.iter().map(ToString::to_string).collect();
        println!("  circle: {}", names.join(" <-> "));
    }
    assert!(
        graph.unplaced.is_empty(),
        "rooms without a layer: {:?}",
        graph.unplaced
    );
}

#[test]
fn no_use_points_up_and_no_new_circle() {
    if std::env::var_os("IMPORT_GRAPH_ROOT").is_some() {
        return; // measuring another tree: only `measure` applies
    }
    let graph = Graph::of(&root());
    assert!(
        graph.unplaced.is_empty(),
        "give these a layer in graph.rs: {:?}",
        graph.unplaced
    );
    let up = upward_not_allowed(&graph);
    assert!(
        up.is_empty(),
        "uses that point up a layer:\n{}",
        up.join("\n")
    );
    let circles = circles_not_allowed(&graph);
    assert!(
        circles.is_empty(),
        "circles of files:\n{}",
        circles.join("\n")
    );
    assert!(ALLOWED_UPWARD.len() <= 3);
    let (room, lines) = graph.largest();
    assert!(
        lines * 100 <= graph.total_lines() * 15,
        "{room} holds {lines} of {} lines, over 15 %",
        graph.total_lines()
    );
}

/// Copies the SDK and the application to a scratch tree, adds one upward `use` (the ground
/// layer's error naming the client), and checks the graph sees it: the guard can fail.
#[test]
fn an_upward_use_added_to_a_copy_is_caught() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import_graph_copy");
    let _ = std::fs::remove_dir_all(&scratch);
    for krate in ["gong-api-ext/src", "gong-privacy/src"] {
        copy_dir(&root().join(krate), &scratch.join(krate));
    }
    let before = Graph::of(&scratch);
    assert_eq!(upward_not_allowed(&before), Vec::<String>::new());

    let error = scratch.join("gong-api-ext/src/error.rs");
    let text = std::fs::read_to_string(&error).unwrap();
    std::fs::write(&error, format!("use crate::client::GongClient;\n{text}")).unwrap();
    let after = Graph::of(&scratch);
    assert_eq!(
        upward_not_allowed(&after),
        ["gong-api-ext::error -> gong-api-ext::client"],
        "{}",
        after.summary()
    );
    // The same use in a comment or a string is not an arrow.
    std::fs::write(
        &error,
        format!(
            "// use crate::client::GongClient;\nconst _S: &str = \"crate::client::x\";\n{text}"
        ),
    )
    .unwrap();
    assert_eq!(
        upward_not_allowed(&Graph::of(&scratch)),
        Vec::<String>::new()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

//! Dependencies run one way: entry points → web → HTTP → services → store → pure rules (README, Layout).
//!
//! Read off the source, not the compiled crate: every `crate::<module>` a file of `src/` names outside
//! comments and its `#[cfg(test)]` tail is an edge from the file's module to that module. A module may use
//! modules of its own layer or lower ones, and the modules must not form a cycle, so a newcomer can read the
//! tree from the bottom up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. `audit::chain` is the audit log's pure hash chain (the store computes it on
/// every append); the rest of `audit` records and verifies entries through the store. Attribution's rules and
/// file readers are pure; `attribution` itself (attributing reports, running imports) is a service.
const LAYERS: [(&str, &[&str]); 6] = [
    (
        "pure rules",
        &[
            "domain", "parse", "investigation", "triage", "redact", "audit::chain", "attribution::holding",
            "attribution::index", "attribution::conflicts", "attribution::csv_import", "attribution::radius",
        ],
    ),
    ("store", &["store"]),
    (
        "services",
        &[
            "attribution", "audit", "cases", "casework", "config", "dashboard", "intake", "notify", "portal",
            "provisioning",
        ],
    ),
    ("HTTP", &["auth", "error", "server"]),
    ("web and demo data", &["web", "demo"]),
    ("entry points", &["cli", "main", "lib"]),
];

/// The one edge upwards, and why: the router (`src/server/mod.rs`) is the composition root that mounts the
/// Leptos app over the HTTP layer, so it must name the app it mounts.
const MOUNTS: &[(&str, &str)] = &[("src/server/mod.rs", "web")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

/// `src/intake/lmtp/session.rs` → `intake`; `src/audit/chain.rs` → `audit::chain`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    match parts.as_slice() {
        [top, sub, ..] if layer_of(&format!("{top}::{sub}")).is_some() => format!("{top}::{sub}"),
        [top, ..] => top.clone(),
        [] => String::new(),
    }
}

/// The modules a line names as `crate::x` (or `crate::x::y` where that is a module of its own above).
fn named_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let word = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
        let top = word(after);
        let sub = after.strip_prefix(&format!("{top}::")).map(word).unwrap_or_default();
        let both = format!("{top}::{sub}");
        out.push(if layer_of(&both).is_some() { both } else { top });
        rest = after;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every edge between two modules, with the files that make it.
fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 100, "found only {} source files under {}", files.len(), src.display());
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let from = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).expect("source is UTF-8");
        let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        for line in text.lines().take_while(|l| l.trim() != "#[cfg(test)]") {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in named_modules(line) {
                if to != from && !(from.starts_with(&format!("{to}::")) || to.starts_with(&format!("{from}::"))) {
                    edges.entry((from.clone(), to)).or_default().insert(shown.clone());
                }
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    let unknown: BTreeSet<String> = edges()
        .keys()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(unknown.is_empty(), "modules missing from LAYERS: {unknown:?}");
}

#[test]
fn no_module_uses_a_higher_layer() {
    let mut upward = Vec::new();
    for ((from, to), files) in edges() {
        let (Some(a), Some(b)) = (layer_of(&from), layer_of(&to)) else { continue };
        let files: Vec<&String> = files.iter().filter(|f| !MOUNTS.contains(&(f.as_str(), to.as_str()))).collect();
        if b > a && !files.is_empty() {
            upward.push(format!("{from} ({}) uses {to} ({}) in {files:?}", LAYERS[a].0, LAYERS[b].0));
        }
    }
    assert!(upward.is_empty(), "dependencies running upwards:\n{}", upward.join("\n"));
}

#[test]
fn modules_form_no_cycle() {
    let edges = edges();
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for ((from, to), files) in &edges {
        if !files.iter().all(|f| MOUNTS.contains(&(f.as_str(), to.as_str()))) {
            next.entry(from).or_default().insert(to);
        }
    }
    // Depth-first search from every module; a module met again on the current path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        next: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            return Some(path[at..].iter().copied().chain([m]).collect());
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for n in next.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(n, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in next.keys() {
        if let Some(cycle) = visit(m, &next, &mut Vec::new(), &mut done) {
            let files: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {}: {:?}", w[0], w[1], edges[&(w[0].to_owned(), w[1].to_owned())]))
                .collect();
            panic!("modules form a cycle: {}\n{}", cycle.join(" → "), files.join("\n"));
        }
    }
}

#[test]
fn the_reading_of_the_source_finds_the_known_edges() {
    // Guards the reader itself: if it stopped finding edges, the two tests above would pass on nothing.
    let edges = edges();
    for (from, to) in [("store", "domain"), ("store", "audit::chain"), ("web", "server"), ("server", "web")] {
        assert!(edges.contains_key(&(from.to_owned(), to.to_owned())), "no edge {from} → {to} found");
    }
}

//! Build script: lists the reporter profiles in `profiles/*.toml` so the binary embeds every one of them
//! (`src/parse/profile/embedded.rs` includes the generated list). Adding a reporter is then a file in
//! `profiles/` and a fixture, no Rust: the list is never edited by hand, so no profile can be forgotten.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dir = manifest.join("profiles");
    println!("cargo:rerun-if-changed=profiles");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    // Sorted, so the embedded profiles are tried in the same order on every machine.
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string())?;
    }
    out.push(']');
    let target = PathBuf::from(std::env::var("OUT_DIR")?).join("embedded_profiles.rs");
    std::fs::write(target, out)?;
    Ok(())
}

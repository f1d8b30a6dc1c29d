//! `abusedesk profiles list|test FILE…`, and loading the desk's profile directory at start-up: which
//! reporter profiles the desk has, and which one reads a given message and what it finds, so that a new
//! profile can be checked on a sample before the desk relies on it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};

use super::parse::{wire_name, ReportLine};
use crate::config::ProfilesCommand;
use crate::parse::parse_message;
use crate::parse::profile::{self, ProfileSet};

/// Makes the embedded profiles, with `dir`'s added or overriding, the ones every parse uses.
///
/// # Errors
/// Every profile in `dir` that cannot be used (file and field), or `dir` itself unreadable.
pub(super) fn install(dir: Option<&Path>) -> anyhow::Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    let set = ProfileSet::with_dir(dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        anyhow!("the reporter profiles in {} cannot be used:\n{}", dir.display(), lines.join("\n"))
    })?;
    profile::install(set).map_err(|_| anyhow!("reporter profiles were already loaded"))
}

pub(super) fn run(cmd: ProfilesCommand) -> anyhow::Result<()> {
    match cmd {
        ProfilesCommand::List => {
            list();
            Ok(())
        }
        ProfilesCommand::Test { files } => test(&files),
    }
}

fn list() {
    let profiles = profile::active().profiles();
    println!("{} reporter profile(s), in the order they are tried", profiles.len());
    for p in profiles {
        let kind = format!("{}/{}", wire_name(&p.report_type), wire_name(&p.role));
        println!("{:24} {:12} {kind:24} {}", p.name, p.source.to_string(), p.matches_summary());
        if !p.description.is_empty() {
            println!("{:24} {}", "", p.description);
        }
    }
}

/// Prints, per file, each matching profile's findings and the desk's final reading; fails when a file
/// cannot be read.
fn test(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut failures = 0;
    for path in files {
        println!("{}:", path.display());
        let raw = match std::fs::read(path) {
            Ok(raw) => raw,
            Err(e) => {
                failures += 1;
                println!("  error: {e}");
                continue;
            }
        };
        match profile::active().trial(&raw) {
            Ok(trials) if trials.is_empty() => println!("  no profile matches"),
            Ok(trials) => {
                for (p, found) in trials {
                    match found {
                        Some(parsed) => {
                            println!("  profile {} ({}) finds {} report(s)", p.name, p.source, parsed.reports.len());
                            for r in &parsed.reports {
                                println!("    {}", ReportLine::from(r).describe());
                            }
                            // The first note names the profile, printed above; the rest say what was skipped.
                            for note in parsed.warnings.iter().skip(1) {
                                println!("    note: {note}");
                            }
                        }
                        None => println!(
                            "  profile {} ({}) matches but finds no routable address, so it does not claim the message",
                            p.name, p.source
                        ),
                    }
                }
            }
            Err(e) => println!("  error: {e}"),
        }
        match parse_message(&raw) {
            Ok(parsed) => {
                println!("  the desk reads it as {}, {} report(s)", wire_name(&parsed.format), parsed.reports.len());
            }
            Err(e) => println!("  the desk cannot parse it: {e}"),
        }
    }
    if failures > 0 {
        bail!("{failures} of {} files could not be read", files.len());
    }
    Ok(())
}

//! `abusedesk recount`, `abusedesk volumes FILE`, `abusedesk threshold TYPE --warn --block`,
//! `abusedesk audit verify|export` and `abusedesk checklist list|set|remove`.

use std::path::Path;

use anyhow::{bail, Context};

use crate::config::{AuditCommand, ChecklistCommand};
use crate::store::{self, Store};
use crate::triage::rates::Threshold;
use crate::triage::volume::parse_volume;

/// Places unplaced reports and recounts every case.
pub async fn recount(store: &Store) -> anyhow::Result<()> {
    let placed = crate::cases::placement::place_all(store).await?;
    println!(
        "{} report(s) placed or re-linked, {} case(s) recounted, {} reopened",
        placed.reports, placed.cases, placed.reopened
    );
    Ok(())
}

/// Imports a volume file; bad lines are listed with their numbers and the good ones are kept.
pub async fn volumes(store: &Store, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let import = parse_volume(&bytes);
    for (line, problem) in &import.errors {
        eprintln!("{}:{line}: {problem}", file.display());
    }
    let source = import.source.unwrap_or("maillog");
    let written = store.upsert_volumes(&import.rows, source, store::now()).await?;
    println!("{written} volume row(s) stored from {} ({source}), {} line(s) refused", file.display(), import.errors.len());
    Ok(())
}

/// Sets one report type's threshold.
pub async fn threshold(store: &Store, report_type: &str, warn: f64, block: f64) -> anyhow::Result<()> {
    if !(warn.is_finite() && block.is_finite() && warn > 0.0 && warn <= block) {
        bail!("the warning rate must be above 0 and not above the block line (for example --warn 1 --block 3)");
    }
    let threshold = Threshold { warn_per_thousand: warn, block_per_thousand: block };
    store.set_rate_threshold(report_type.trim(), threshold, "command line", store::now()).await?;
    println!("{report_type}: warn at {warn} and block line at {block} complaints per 1,000 messages");
    Ok(())
}

/// `audit verify` (exit 1 and the first broken entry when the chain is broken; the check is recorded for
/// the admin's front page) and `audit export`.
pub async fn audit(store: &Store, cmd: AuditCommand) -> anyhow::Result<std::process::ExitCode> {
    if matches!(cmd, AuditCommand::Verify) {
        let (check, head) = crate::audit::check::verify_and_record(store, &crate::audit::Actor::cli()).await?;
        return Ok(if check.intact {
            println!("audit log intact: {} entries, last hash {head}", check.entries);
            std::process::ExitCode::SUCCESS
        } else {
            println!("audit log BROKEN: {}", check.detail);
            std::process::ExitCode::FAILURE
        });
    }
    let entries = crate::audit::check::stored_entries(store).await?;
    match cmd {
        AuditCommand::Verify => Ok(std::process::ExitCode::SUCCESS),
        AuditCommand::Export { json } => {
            let stdout = std::io::stdout();
            if json {
                crate::audit::export::write_json_lines(&entries, stdout.lock())?;
            } else {
                crate::audit::export::write_csv(&entries, stdout.lock())?;
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

/// Lists or changes the investigation checklist; every change is in the audit log.
pub async fn checklist(store: &Store, cmd: ChecklistCommand) -> anyhow::Result<()> {
    let items = store.checklist_items().await?;
    match cmd {
        ChecklistCommand::List => {
            for item in items {
                let required = if item.required { "required" } else { "optional" };
                println!("{:<28} {required:<9} {}", item.code, item.label);
            }
        }
        ChecklistCommand::Set { code, label, optional, position } => {
            let (code, label) = crate::domain::checklist::check_item(&code, &label).map_err(anyhow::Error::msg)?;
            let last = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let current = items.iter().position(|i| i.code == code).and_then(|p| i64::try_from(p + 1).ok());
            let position = position.or(current).unwrap_or(last + 1);
            store.set_checklist_item(code, label, !optional, position, store::now()).await?;
            let what = format!("{label} ({}, position {position})", if optional { "optional" } else { "required" });
            crate::audit::record(store, "command line", "checklist.set", code, &what).await?;
            println!("Checklist item {code} set: {what}.");
        }
        ChecklistCommand::Remove { code } => {
            if !store.remove_checklist_item(&code).await? {
                bail!("there is no checklist item {code}");
            }
            crate::audit::record(store, "command line", "checklist.remove", &code, "removed").await?;
            println!("Checklist item {code} removed; answers already given to it are kept.");
        }
    }
    Ok(())
}

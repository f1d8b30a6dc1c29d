//! `abusedesk customers import`, `assignments import`, `address-space …`, `attribute` and `reattribute`:
//! who held which address when, from the command line.

use std::path::Path;

use anyhow::Context;

use crate::config::{AddressSpaceCommand, HoldingsCommand};
use crate::domain::attribution::{ImportRunView, LookupOutcome, LookupView};
use crate::attribution::attribute;
use crate::attribution::imports::{self, ImportKind, ImportRequest};
use crate::store::{self, Store};

/// Runs `customers import` (with `customers` true) or `assignments import`.
pub(super) async fn import(store: &Store, cmd: HoldingsCommand, customers: bool) -> anyhow::Result<()> {
    let HoldingsCommand::Import { file, dry_run, radius } = cmd;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let kind = match (customers, radius || looks_like_radius(&file)) {
        (true, _) => ImportKind::Customers,
        (false, true) => ImportKind::Radius,
        (false, false) => ImportKind::Assignments,
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let req = ImportRequest { kind, file_name: &name, bytes: &bytes, dry_run, imported_by: "cli" };
    let run = imports::import(store, &req).await.context("the import failed; nothing of it was kept")?;
    print_run(&run);
    if run.row_errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} row(s) of {} were not taken", run.row_errors.len(), name)
    }
}

/// FreeRADIUS names its accounting files `detail`, `detail-20261124` and so on.
fn looks_like_radius(file: &Path) -> bool {
    file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("detail"))
}

fn print_run(run: &ImportRunView) {
    let verb = if run.dry_run { "dry run, nothing changed: would add" } else { "added" };
    println!(
        "{} {}: {} rows read; {verb} {}, updated {}, unchanged {}; {} row errors",
        run.kind, run.file_name, run.rows_read, run.rows_added, run.rows_updated, run.rows_unchanged,
        run.row_errors.len()
    );
    for e in &run.row_errors {
        if e.line > 0 {
            println!("  line {}: {}", e.line, e.message);
        } else {
            println!("  {}", e.message);
        }
    }
    for c in &run.conflicts {
        println!("  conflict: {c}");
    }
    if run.reattributed > 0 {
        println!("{} report(s) attributed anew (recorded with this import as the reason)", run.reattributed);
    }
}

/// Runs `address-space add|list`.
pub(super) async fn address_space(store: &Store, cmd: AddressSpaceCommand) -> anyhow::Result<()> {
    match cmd {
        AddressSpaceCommand::Add { network, description } => {
            let added = store.add_address_block(network, &description, store::now()).await?;
            println!("{} {}", network.trunc(), if added { "added" } else { "was already there" });
            if added {
                let changed = attribute::reattribute_all(store, &format!("address space {} added", network.trunc())).await?;
                println!("{changed} report(s) attributed anew");
            }
        }
        AddressSpaceCommand::List => {
            for (net, description) in store.address_space().await? {
                println!("{net}\t{description}");
            }
        }
    }
    Ok(())
}

/// Runs `attribute IP [--port N] --at T`.
pub(super) async fn attribute(
    store: &Store,
    ip: std::net::IpAddr,
    port: Option<u16>,
    at: chrono::DateTime<chrono::FixedOffset>,
    json: bool,
) -> anyhow::Result<()> {
    let view = attribute::lookup_view(store, ip, port, at.to_utc()).await?;
    if json {
        println!("{}", serde_json::to_string(&view)?);
    } else {
        print!("{}", describe(&view));
    }
    Ok(())
}

/// The lookup in plain lines.
pub fn describe(view: &LookupView) -> String {
    let port = view.port.map(|p| format!(" port {p}")).unwrap_or_default();
    let mut out = format!("{}{port} at {}\n", view.ip, view.at.to_rfc3339());
    match &view.outcome {
        LookupOutcome::Customer { assignment, via } => {
            let c = &assignment.customer;
            out.push_str(&format!("customer {} ({}), {}\n", c.account_ref, c.name, c.status));
            out.push_str(&format!("  by {} {} ({via} match), {}\n", assignment.kind, assignment.what(), span(assignment)));
        }
        LookupOutcome::Unattributed { reason_label, candidates, .. } => {
            out.push_str(&format!("unattributed: {reason_label}\n"));
            for a in candidates {
                let c = &a.customer;
                out.push_str(&format!("  candidate {} ({}): {} {}, {}\n", c.account_ref, c.name, a.kind, a.what(), span(a)));
            }
        }
    }
    out
}

fn span(a: &crate::domain::attribution::AssignmentView) -> String {
    match a.valid_to {
        Some(to) => format!("from {} to {}", a.valid_from.to_rfc3339(), to.to_rfc3339()),
        None => format!("since {}", a.valid_from.to_rfc3339()),
    }
}

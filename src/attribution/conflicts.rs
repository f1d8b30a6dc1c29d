//! Overlaps between customers that no lookup rule resolves: the same block, the same leased address or
//! overlapping CGNAT ranges of one address, held by different customers at the same time. A /29 inside another
//! customer's /24 is not one (the longest prefix decides). Found by sorting and sweeping, not by comparing every
//! pair.

use std::collections::HashMap;

use ipnet::IpNet;

use super::holding::{Assignment, AssignmentKind, Candidate};

/// Two assignments of different customers that overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub first: Candidate,
    pub second: Candidate,
    pub description: String,
}

/// Every conflict among `assignments`.
pub fn find_conflicts(assignments: &[Assignment]) -> Vec<Conflict> {
    // Group by what a lookup treats as one level: (kind class, network).
    let mut groups: HashMap<(bool, IpNet), Vec<&Assignment>> = HashMap::new();
    for a in assignments {
        let exact = !matches!(a.kind, AssignmentKind::Static(_));
        groups.entry((exact, a.kind.network())).or_default().push(a);
    }
    let mut out = Vec::new();
    for ((_, net), mut group) in groups {
        if group.len() < 2 {
            continue;
        }
        group.sort_by_key(|a| (a.valid_from, a.assignment_id));
        // Sweep: compare each assignment with those still open when it starts.
        let mut open: Vec<&Assignment> = Vec::new();
        for a in group {
            open.retain(|o| o.valid_to.is_none_or(|to| to > a.valid_from));
            for o in &open {
                if o.customer_id != a.customer_id && same_level(o, a) && o.overlaps_in_time(a) {
                    out.push(conflict(o, a, net));
                }
            }
            open.push(a);
        }
    }
    out.sort_by_key(|c| (c.first.assignment_id, c.second.assignment_id));
    out
}

/// Leases conflict with leases, CGNAT ranges with CGNAT ranges whose ports overlap, blocks with blocks.
fn same_level(a: &Assignment, b: &Assignment) -> bool {
    match (&a.kind, &b.kind) {
        (AssignmentKind::Static(_), AssignmentKind::Static(_)) | (AssignmentKind::Lease(_), AssignmentKind::Lease(_)) => true,
        (AssignmentKind::Cgnat { ports: (a1, a2), .. }, AssignmentKind::Cgnat { ports: (b1, b2), .. }) => a1 <= b2 && b1 <= a2,
        _ => false,
    }
}

fn conflict(a: &Assignment, b: &Assignment, net: IpNet) -> Conflict {
    let start = a.valid_from.max(b.valid_from).to_rfc3339();
    let end = match (a.valid_to, b.valid_to) {
        (Some(x), Some(y)) => x.min(y).to_rfc3339(),
        (Some(x), None) | (None, Some(x)) => x.to_rfc3339(),
        (None, None) => "now".to_owned(),
    };
    let what = match &a.kind {
        AssignmentKind::Static(_) => format!("block {net}"),
        AssignmentKind::Lease(ip) => format!("lease {ip}"),
        AssignmentKind::Cgnat { ip, .. } => format!("CGNAT ports of {ip}"),
    };
    Conflict {
        first: Candidate { customer_id: a.customer_id, assignment_id: a.assignment_id },
        second: Candidate { customer_id: b.customer_id, assignment_id: b.assignment_id },
        description: format!(
            "{what} held by customers {} and {} between {start} and {end}",
            a.customer_id, b.customer_id
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: i64, customer: i64, kind: &str, from: &str, to: Option<&str>) -> Assignment {
        let (code, net, p1, p2) = match kind.split(' ').collect::<Vec<_>>()[..] {
            [code, net] => (code, net.to_owned(), 0, 65535),
            [code, net, p1, p2] => (code, net.to_owned(), p1.parse().unwrap(), p2.parse().unwrap()),
            _ => panic!("bad spec"),
        };
        Assignment {
            assignment_id: id,
            customer_id: customer,
            kind: AssignmentKind::from_parts(code, &net, p1, p2).unwrap(),
            valid_from: from.parse().unwrap(),
            valid_to: to.map(|t| t.parse().unwrap()),
        }
    }

    const A: &str = "2026-01-01T00:00:00Z";
    const B: &str = "2026-02-01T00:00:00Z";
    const C: &str = "2026-03-01T00:00:00Z";

    #[test]
    fn overlaps_of_each_kind_between_customers_are_conflicts() {
        let found = find_conflicts(&[
            a(1, 10, "static 192.0.2.0/29", A, None),
            a(2, 20, "static 192.0.2.0/29", B, None),
            a(3, 10, "lease 192.0.2.50/32", A, Some(C)),
            a(4, 30, "lease 192.0.2.50/32", B, None),
            a(5, 10, "cgnat 203.0.113.1/32 1024 2047", A, None),
            a(6, 20, "cgnat 203.0.113.1/32 2000 3000", A, None),
        ]);
        let pairs: Vec<(i64, i64)> = found.iter().map(|c| (c.first.assignment_id, c.second.assignment_id)).collect();
        assert_eq!(pairs, [(1, 2), (3, 4), (5, 6)]);
        assert!(found[1].description.contains("lease 192.0.2.50 held by customers 10 and 30"), "{}", found[1].description);
    }

    #[test]
    fn same_customer_nested_prefixes_touching_intervals_and_separate_ports_are_not() {
        let found = find_conflicts(&[
            a(1, 10, "static 192.0.2.0/24", A, None),
            a(2, 20, "static 192.0.2.8/29", A, None),
            a(3, 10, "static 192.0.2.8/29", A, None),
            a(4, 10, "lease 198.51.100.1/32", A, Some(B)),
            a(5, 20, "lease 198.51.100.1/32", B, Some(C)),
            a(6, 10, "cgnat 203.0.113.1/32 1024 2047", A, None),
            a(7, 20, "cgnat 203.0.113.1/32 2048 4095", A, None),
        ]);
        let pairs: Vec<(i64, i64)> = found.iter().map(|c| (c.first.assignment_id, c.second.assignment_id)).collect();
        assert_eq!(pairs, [(2, 3)], "only the same /29 held by 10 and 20");
    }
}

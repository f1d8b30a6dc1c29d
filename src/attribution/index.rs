//! The in-memory lookup: exact-address entries (leases and CGNAT ranges) in a hash map, static blocks in one
//! hash map per prefix length that occurs, probed longest first. A lookup is a handful of hash probes and a
//! scan of the few time slices one address or block has, never a scan of all assignments.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use super::holding::{Assignment, AssignmentKind, Attribution, Candidate, MatchKind, UnattributedReason};

/// The lookup structure over a set of assignments.
#[derive(Debug, Default)]
pub struct AssignmentIndex {
    assignments: Vec<Assignment>,
    /// Address → positions of its leases and CGNAT ranges.
    exact: HashMap<IpAddr, Vec<u32>>,
    /// (prefix length, is IPv4) → network address → positions of its static blocks.
    blocks: HashMap<(u8, bool), HashMap<IpAddr, Vec<u32>>>,
    /// Prefix lengths that occur, longest first, per family (v4, v6).
    lengths_v4: Vec<u8>,
    lengths_v6: Vec<u8>,
    address_space: Vec<IpNet>,
}

impl AssignmentIndex {
    /// Indexes `assignments`; `address_space` is the ISP's own space (empty: unknown).
    pub fn build(assignments: Vec<Assignment>, address_space: Vec<IpNet>) -> AssignmentIndex {
        let mut index = AssignmentIndex { address_space, ..AssignmentIndex::default() };
        let (mut v4, mut v6) = (BTreeSet::new(), BTreeSet::new());
        for (pos, a) in assignments.iter().enumerate() {
            let pos = u32::try_from(pos).unwrap_or(u32::MAX);
            match &a.kind {
                AssignmentKind::Static(net) => {
                    let net = canonical_net(*net);
                    let v4_block = net.addr().is_ipv4();
                    if v4_block { v4.insert(net.prefix_len()) } else { v6.insert(net.prefix_len()) };
                    index
                        .blocks
                        .entry((net.prefix_len(), v4_block))
                        .or_default()
                        .entry(net.network())
                        .or_default()
                        .push(pos);
                }
                AssignmentKind::Lease(ip) | AssignmentKind::Cgnat { ip, .. } => {
                    index.exact.entry(ip.to_canonical()).or_default().push(pos);
                }
            }
        }
        index.lengths_v4 = v4.into_iter().rev().collect();
        index.lengths_v6 = v6.into_iter().rev().collect();
        index.assignments = assignments;
        index
    }

    /// Who held `ip` (and `port`) at `at`.
    pub fn lookup(&self, ip: IpAddr, port: Option<u16>, at: DateTime<Utc>) -> Attribution {
        let ip = ip.to_canonical();
        let valid = |positions: &[u32]| -> Vec<&Assignment> {
            positions
                .iter()
                .filter_map(|p| self.assignments.get(usize::try_from(*p).unwrap_or(usize::MAX)))
                .filter(|a| a.is_valid_at(at))
                .collect()
        };
        if let Some(positions) = self.exact.get(&ip) {
            let here = valid(positions);
            let cgnat: Vec<&Assignment> =
                here.iter().copied().filter(|a| matches!(a.kind, AssignmentKind::Cgnat { .. })).collect();
            if !cgnat.is_empty() {
                match port {
                    None => return unattributed(UnattributedReason::PortNeeded, &cgnat),
                    Some(port) => {
                        let hits: Vec<&Assignment> = cgnat
                            .into_iter()
                            .filter(|a| {
                                let (from, to) = a.kind.port_range();
                                from <= port && port <= to
                            })
                            .collect();
                        if let Some(found) = decide(&hits, MatchKind::CgnatPort) {
                            return found;
                        }
                    }
                }
            }
            let leases: Vec<&Assignment> =
                here.into_iter().filter(|a| matches!(a.kind, AssignmentKind::Lease(_))).collect();
            if let Some(found) = decide(&leases, MatchKind::Lease) {
                return found;
            }
        }
        let (lengths, is_v4) = if ip.is_ipv4() { (&self.lengths_v4, true) } else { (&self.lengths_v6, false) };
        for len in lengths {
            let Some(map) = self.blocks.get(&(*len, is_v4)) else { continue };
            let Ok(net) = IpNet::new(ip, *len) else { continue };
            if let Some(positions) = map.get(&net.network()) {
                if let Some(found) = decide(&valid(positions), MatchKind::Static { prefix_len: *len }) {
                    return found;
                }
            }
        }
        let outside = !self.address_space.is_empty() && !self.address_space.iter().any(|n| n.contains(&ip));
        let reason = if outside { UnattributedReason::OutsideAddressSpace } else { UnattributedReason::NoAssignment };
        Attribution::Unattributed { reason, candidates: Vec::new() }
    }

    /// The number of assignments indexed.
    pub fn len(&self) -> usize {
        self.assignments.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.assignments.is_empty()
    }

    /// An estimate of the bytes the index holds: the assignments, the maps' tables and their position lists.
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let entry = size_of::<IpAddr>() + size_of::<Vec<u32>>() + 8;
        let positions = self.assignments.len() * size_of::<u32>();
        let exact = self.exact.capacity() * entry;
        let blocks: usize = self.blocks.values().map(|m| m.capacity() * entry).sum();
        self.assignments.capacity() * size_of::<Assignment>() + positions + exact + blocks
    }
}

/// IPv4-mapped IPv6 blocks are held as the IPv4 block they are.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.addr().to_ipv4_mapped().is_some() && v6.prefix_len() >= 96 => {
            let ip = v6.addr().to_canonical();
            IpNet::new(ip, v6.prefix_len() - 96).map(|n| n.trunc()).unwrap_or(net)
        }
        other => other.trunc(),
    }
}

/// One customer among `hits` → attributed; several → unattributed with all; none → `None`.
fn decide(hits: &[&Assignment], via: MatchKind) -> Option<Attribution> {
    let first = hits.first()?;
    if hits.iter().all(|a| a.customer_id == first.customer_id) {
        let chosen = hits.iter().min_by_key(|a| a.assignment_id).unwrap_or(first);
        return Some(Attribution::Customer { customer_id: chosen.customer_id, assignment_id: chosen.assignment_id, via });
    }
    Some(unattributed(UnattributedReason::SeveralCandidates, hits))
}

fn unattributed(reason: UnattributedReason, hits: &[&Assignment]) -> Attribution {
    let mut candidates: Vec<Candidate> =
        hits.iter().map(|a| Candidate { customer_id: a.customer_id, assignment_id: a.assignment_id }).collect();
    candidates.sort_unstable();
    candidates.dedup();
    Attribution::Unattributed { reason, candidates }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn a(id: i64, customer: i64, kind: AssignmentKind, from: &str, to: Option<&str>) -> Assignment {
        Assignment { assignment_id: id, customer_id: customer, kind, valid_from: t(from), valid_to: to.map(t) }
    }

    fn block(s: &str) -> AssignmentKind {
        AssignmentKind::Static(s.parse().unwrap())
    }

    fn lease(s: &str) -> AssignmentKind {
        AssignmentKind::Lease(s.parse().unwrap())
    }

    fn cgnat(s: &str, from: u16, to: u16) -> AssignmentKind {
        AssignmentKind::Cgnat { ip: s.parse().unwrap(), ports: (from, to) }
    }

    const Y: &str = "2026-01-01T00:00:00Z";

    fn who(index: &AssignmentIndex, ip: &str, port: Option<u16>, at: &str) -> Attribution {
        index.lookup(ip.parse().unwrap(), port, t(at))
    }

    fn customer(c: i64, id: i64, via: MatchKind) -> Attribution {
        Attribution::Customer { customer_id: c, assignment_id: id, via }
    }

    #[test]
    fn interval_boundaries_are_from_inclusive_to_exclusive() {
        let index = AssignmentIndex::build(
            vec![
                a(1, 10, lease("192.0.2.7"), "2026-11-24T10:00:00Z", Some("2026-11-24T11:59:59Z")),
                a(2, 20, lease("192.0.2.8"), "2026-11-24T10:00:00Z", Some("2026-11-24T12:00:00Z")),
                a(3, 30, lease("192.0.2.9"), "2026-11-24T12:00:00Z", None),
            ],
            vec![],
        );
        let noon = "2026-11-24T12:00:00Z";
        assert!(matches!(who(&index, "192.0.2.7", None, noon), Attribution::Unattributed { .. }), "ended the second before");
        assert!(matches!(who(&index, "192.0.2.8", None, noon), Attribution::Unattributed { .. }), "ended exactly then");
        assert_eq!(who(&index, "192.0.2.9", None, noon), customer(30, 3, MatchKind::Lease), "started exactly then");
        assert_eq!(who(&index, "192.0.2.8", None, "2026-11-24T11:59:59Z"), customer(20, 2, MatchKind::Lease));
    }

    #[test]
    fn the_longest_prefix_wins_and_a_lease_beats_a_block() {
        let index = AssignmentIndex::build(
            vec![
                a(1, 10, block("198.51.100.0/24"), Y, None),
                a(2, 20, block("198.51.100.8/29"), Y, None),
                a(3, 30, lease("198.51.100.9"), "2026-06-01T00:00:00Z", None),
            ],
            vec![],
        );
        assert_eq!(who(&index, "198.51.100.200", None, "2026-03-01T00:00:00Z"), customer(10, 1, MatchKind::Static { prefix_len: 24 }));
        assert_eq!(who(&index, "198.51.100.9", None, "2026-03-01T00:00:00Z"), customer(20, 2, MatchKind::Static { prefix_len: 29 }));
        assert_eq!(who(&index, "198.51.100.9", None, "2026-07-01T00:00:00Z"), customer(30, 3, MatchKind::Lease));
    }

    #[test]
    fn ipv6_delegations_leases_and_mapped_ipv4_addresses() {
        let index = AssignmentIndex::build(
            vec![
                a(1, 10, block("2001:db8:100::/56"), Y, None),
                a(2, 20, lease("2001:db8:100:ff::1"), Y, None),
                a(3, 30, block("192.0.2.0/24"), Y, None),
            ],
            vec![],
        );
        let at = "2026-02-01T00:00:00Z";
        assert_eq!(who(&index, "2001:db8:100:aa::5", None, at), customer(10, 1, MatchKind::Static { prefix_len: 56 }));
        assert_eq!(who(&index, "2001:db8:100:ff::1", None, at), customer(20, 2, MatchKind::Lease));
        assert!(matches!(who(&index, "2001:db8:101::1", None, at), Attribution::Unattributed { .. }));
        assert_eq!(who(&index, "::ffff:192.0.2.5", None, at), customer(30, 3, MatchKind::Static { prefix_len: 24 }));
    }

    #[test]
    fn cgnat_needs_the_port_and_lists_candidates_without_it() {
        let index = AssignmentIndex::build(
            vec![a(1, 10, cgnat("203.0.113.77", 1024, 2047), Y, None), a(2, 20, cgnat("203.0.113.77", 2048, 4095), Y, None)],
            vec![],
        );
        let at = "2026-02-01T00:00:00Z";
        assert_eq!(who(&index, "203.0.113.77", Some(1024), at), customer(10, 1, MatchKind::CgnatPort));
        assert_eq!(who(&index, "203.0.113.77", Some(2047), at), customer(10, 1, MatchKind::CgnatPort));
        assert_eq!(who(&index, "203.0.113.77", Some(2048), at), customer(20, 2, MatchKind::CgnatPort));
        assert!(matches!(
            who(&index, "203.0.113.77", Some(5000), at),
            Attribution::Unattributed { reason: UnattributedReason::NoAssignment, .. }
        ));
        let none = who(&index, "203.0.113.77", None, at);
        let expected = vec![Candidate { customer_id: 10, assignment_id: 1 }, Candidate { customer_id: 20, assignment_id: 2 }];
        assert_eq!(none, Attribution::Unattributed { reason: UnattributedReason::PortNeeded, candidates: expected });
    }

    #[test]
    fn several_candidates_and_outside_the_address_space() {
        let index = AssignmentIndex::build(
            vec![a(1, 10, lease("192.0.2.7"), Y, None), a(2, 20, lease("192.0.2.7"), Y, None)],
            vec!["192.0.2.0/24".parse().unwrap()],
        );
        let at = "2026-02-01T00:00:00Z";
        match who(&index, "192.0.2.7", None, at) {
            Attribution::Unattributed { reason: UnattributedReason::SeveralCandidates, candidates } => assert_eq!(candidates.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(who(&index, "192.0.2.8", None, at), Attribution::Unattributed { reason: UnattributedReason::NoAssignment, .. }));
        assert!(matches!(who(&index, "198.51.100.1", None, at), Attribution::Unattributed { reason: UnattributedReason::OutsideAddressSpace, .. }));
        assert_eq!(index.len(), 2);
        assert!(index.memory_bytes() > 0);
    }
}

//! Who held an address at a moment, as a pure rule: assignments (CGNAT port range, lease or static block), the
//! candidates for an address, and the verdict (the most specific match wins), or why nobody is named.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;


/// What an assignment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignmentKind {
    /// A block, always held truncated to its network address.
    Static(IpNet),
    /// One address.
    Lease(IpAddr),
    /// One public address and an inclusive port range.
    Cgnat { ip: IpAddr, ports: (u16, u16) },
}

impl AssignmentKind {
    /// The stored name: static, lease or cgnat.
    pub fn code(&self) -> &'static str {
        match self {
            AssignmentKind::Static(_) => "static",
            AssignmentKind::Lease(_) => "lease",
            AssignmentKind::Cgnat { .. } => "cgnat",
        }
    }

    /// The network covered: the block, or the single address as /32 or /128.
    pub fn network(&self) -> IpNet {
        match self {
            AssignmentKind::Static(net) => net.trunc(),
            AssignmentKind::Lease(ip) | AssignmentKind::Cgnat { ip, .. } => IpNet::from(ip.to_canonical()),
        }
    }

    /// The port range: the CGNAT range, or every port.
    pub fn port_range(&self) -> (u16, u16) {
        match self {
            AssignmentKind::Cgnat { ports, .. } => *ports,
            _ => (0, u16::MAX),
        }
    }

    /// Rebuilds an assignment kind from its stored form.
    ///
    /// # Errors
    /// A readable reason when the parts do not describe an assignment.
    pub fn from_parts(code: &str, network: &str, port_from: u16, port_to: u16) -> Result<AssignmentKind, String> {
        let net: IpNet = network.parse().map_err(|_| format!("{network:?} is not a network"))?;
        let single = net.prefix_len() == net.max_prefix_len();
        match code {
            "static" => Ok(AssignmentKind::Static(net.trunc())),
            "lease" if single => Ok(AssignmentKind::Lease(net.addr())),
            "cgnat" if single && port_from <= port_to => {
                Ok(AssignmentKind::Cgnat { ip: net.addr(), ports: (port_from, port_to) })
            }
            "lease" | "cgnat" => Err(format!("a {code} assignment is one address with valid ports, not {network}")),
            other => Err(format!("unknown assignment kind {other:?}")),
        }
    }
}

/// One holding of addresses by a customer over [valid_from, valid_to).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub assignment_id: i64,
    pub customer_id: i64,
    pub kind: AssignmentKind,
    /// Inclusive.
    pub valid_from: DateTime<Utc>,
    /// Exclusive; `None` while still held.
    pub valid_to: Option<DateTime<Utc>>,
}

impl Assignment {
    /// Whether it held at `at`: from inclusive, to exclusive.
    pub fn is_valid_at(&self, at: DateTime<Utc>) -> bool {
        self.valid_from <= at && self.valid_to.is_none_or(|to| at < to)
    }

    /// Whether the two validity intervals share an instant.
    pub fn overlaps_in_time(&self, other: &Assignment) -> bool {
        let starts_before_other_ends = other.valid_to.is_none_or(|to| self.valid_from < to);
        let other_starts_before_self_ends = self.valid_to.is_none_or(|to| other.valid_from < to);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

/// How specific the winning match was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    CgnatPort,
    Lease,
    Static { prefix_len: u8 },
}

impl MatchKind {
    /// The stored name: cgnat_port, lease or static.
    pub fn code(&self) -> &'static str {
        match self {
            MatchKind::CgnatPort => "cgnat_port",
            MatchKind::Lease => "lease",
            MatchKind::Static { .. } => "static",
        }
    }
}

/// Why nobody can be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnattributedReason {
    NoAssignment,
    SeveralCandidates,
    PortNeeded,
    OutsideAddressSpace,
}

impl UnattributedReason {
    const ALL: [UnattributedReason; 4] = [
        UnattributedReason::NoAssignment,
        UnattributedReason::SeveralCandidates,
        UnattributedReason::PortNeeded,
        UnattributedReason::OutsideAddressSpace,
    ];

    /// The stored name.
    pub fn code(&self) -> &'static str {
        match self {
            UnattributedReason::NoAssignment => "no_assignment",
            UnattributedReason::SeveralCandidates => "several_candidates",
            UnattributedReason::PortNeeded => "port_needed",
            UnattributedReason::OutsideAddressSpace => "outside_address_space",
        }
    }

    /// From the stored name.
    pub fn from_code(code: &str) -> Option<UnattributedReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// In plain words, for staff.
    pub fn label(&self) -> &'static str {
        match self {
            UnattributedReason::NoAssignment => "no customer held this address at that time",
            UnattributedReason::SeveralCandidates => "several customers held this address at that time",
            UnattributedReason::PortNeeded => "shared CGNAT address and the report gives no source port",
            UnattributedReason::OutsideAddressSpace => "the address is outside our address space",
        }
    }
}

/// A customer who could have held an address, by which assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub customer_id: i64,
    pub assignment_id: i64,
}

/// The outcome of a lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Attribution {
    Customer { customer_id: i64, assignment_id: i64, via: MatchKind },
    Unattributed { reason: UnattributedReason, candidates: Vec<Candidate> },
}

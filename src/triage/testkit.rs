//! Test builders shared by the triage tests: report facts for the usual reporters, and a deterministic
//! pseudo-random source, so tests need neither a random-number crate nor luck.

use super::duplicates::ReportFacts;

/// A plain report with nothing to link it: its own message, one arrival, no ids.
pub(crate) fn facts(id: i64) -> ReportFacts {
    ReportFacts {
        report_id: id,
        message_id: 100 + id,
        arrivals: 1,
        recipients: vec!["abuse@isp.example".into()],
        reporter: "SpamCop".into(),
        reporter_ref: None,
        role: "source".into(),
        source_ip: "192.0.2.10".into(),
        report_type: "spam".into(),
        complainant_hash: None,
        original_message_id: None,
        content_fingerprint: None,
        incident_time: None,
    }
}

/// A SpamCop report: anonymous, identified by SpamCop's report id.
pub(crate) fn spamcop(id: i64, reference: &str, role: &str, ip: &str, mailbox: &str) -> ReportFacts {
    ReportFacts {
        reporter_ref: Some(reference.into()),
        role: role.into(),
        source_ip: ip.into(),
        recipients: vec![mailbox.into()],
        ..facts(id)
    }
}

/// A feedback-loop report: the complainant is known (hashed), the reporter gives no id of its own.
pub(crate) fn fbl(id: i64, complainant: &str, message_id: &str) -> ReportFacts {
    ReportFacts {
        reporter: "AOL".into(),
        complainant_hash: Some(complainant.into()),
        original_message_id: Some(message_id.into()),
        ..facts(id)
    }
}

/// One SpamCop report naming our relay and our spamvertised host, each sent to abuse@ and postmaster@,
/// stored in an interleaved order.
pub(crate) fn relay_and_host_to_two_mailboxes() -> Vec<ReportFacts> {
    vec![
        spamcop(11, "7200000001", "relay", "192.0.2.10", "abuse@isp.example"),
        spamcop(12, "7200000001", "spamvertised_host", "198.51.100.7", "abuse@isp.example"),
        spamcop(13, "7200000001", "spamvertised_host", "198.51.100.7", "postmaster@isp.example"),
        spamcop(14, "7200000001", "relay", "192.0.2.10", "postmaster@isp.example"),
    ]
}

/// A linear congruential generator (Knuth's MMIX constants): plenty for shuffling test data.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// A number in `0..bound` (`bound` > 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }

    /// One of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap()]
    }
}

/// `items` in a shuffled order fixed by `seed` (Fisher–Yates).
pub(crate) fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    let mut rng = Lcg(seed);
    for i in (1..out.len()).rev() {
        out.swap(i, usize::try_from(rng.below(i as u64 + 1)).unwrap());
    }
    out
}

/// `n` reports drawn from small pools of reporter ids, addresses, complainants and messages, so that every
/// kind of link (and chains of them) turns up.
pub(crate) fn random_reports(n: i64, seed: u64) -> Vec<ReportFacts> {
    let mut rng = Lcg(seed);
    let refs = [None, None, Some("r1"), Some("r2"), Some("r3"), Some("r4")];
    let ips = ["192.0.2.10", "192.0.2.11", "198.51.100.7"];
    let roles = ["source", "relay", "spamvertised_host"];
    let complainants = [None, Some("c1"), Some("c2"), Some("c3"), Some("c4")];
    let messages = [None, Some("<m1@x>"), Some("<m2@x>"), Some("<m3@x>")];
    (1..=n)
        .map(|id| ReportFacts {
            arrivals: 1 + i64::try_from(rng.below(4)).unwrap(),
            reporter: rng.pick(&["SpamCop", "AOL"]).to_string(),
            reporter_ref: rng.pick(&refs).map(str::to_owned),
            source_ip: rng.pick(&ips).to_string(),
            role: rng.pick(&roles).to_string(),
            complainant_hash: rng.pick(&complainants).map(str::to_owned),
            original_message_id: rng.pick(&messages).map(str::to_owned),
            ..facts(id * 3)
        })
        .collect()
}

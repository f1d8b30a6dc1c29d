//! Instants as text. Always UTC and always the same on server and browser, so hydration never sees two
//! different strings for one instant (local time zones differ between the two).

use chrono::{DateTime, Utc};

/// `2024-03-04 10:00 UTC`.
pub fn utc_minutes(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2024-03-04 10:00:05 UTC`, where seconds matter (incident times).
pub fn utc_seconds(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A size in bytes for people: `812 B`, `14.2 KiB`, `3.1 MiB`.
pub fn size(bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / KIB / KIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_sizes_read_well() {
        let t: DateTime<Utc> = "2024-03-04T10:00:05Z".parse().unwrap();
        assert_eq!(utc_minutes(&t), "2024-03-04 10:00 UTC");
        assert_eq!(utc_seconds(&t), "2024-03-04 10:00:05 UTC");
        assert_eq!(size(812), "812 B");
        assert_eq!(size(14_541), "14.2 KiB");
        assert_eq!(size(3_250_586), "3.1 MiB");
    }
}

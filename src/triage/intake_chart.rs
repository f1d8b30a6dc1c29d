//! The front page's intake chart: reports per day, stacked by reporter, as a server-drawn SVG (no JavaScript,
//! like the case chart), so a silent feed (a colour that stops) or a flood (a tall bar) shows at a glance.
//!
//! Reporters get the CSS classes `series-0` … `series-5` (the sixth and later share the last), with
//! `currentColor` and an opacity step as the fallback; every segment has a `<title>` with its exact number,
//! and `<desc>` says the totals in words.

use std::fmt::Write;

use chrono::NaiveDate;

use super::chart::{escape, nice_ceiling};

const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
/// Distinct styles for reporters; more than this share the last.
const STYLES: usize = 6;

/// A stacked bar chart of `series` (reporter, reports per day) over `days`, `width` × `height` pixels.
pub fn svg_intake_chart(days: &[NaiveDate], series: &[(String, Vec<i64>)], title: &str, width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width.max(320)), f64::from(height.max(140)));
    let (plot_w, plot_h) = (w - LEFT - RIGHT, h - TOP - BOTTOM);
    let base = TOP + plot_h;
    let total_of = |i: usize| series.iter().map(|(_, v)| v.get(i).copied().unwrap_or(0).max(0)).sum::<i64>();
    let peak = (0..days.len()).map(total_of).max().unwrap_or(0);
    let y_max = nice_ceiling(peak).max(1);
    let all: i64 = (0..days.len()).map(total_of).sum();
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart intake-chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}" font-size="11">"#,
        escape(title)
    );
    let _ = write!(svg, "<title>{}</title><desc>{}</desc>", escape(title), escape(&describe(days, series, all)));
    let _ = write!(
        svg,
        r#"<g class="chart-axis" stroke="currentColor"><line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}"/></g>"#,
        w - RIGHT
    );
    let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="end" fill="currentColor">{y_max}</text>"#, LEFT - 4.0, TOP + 8.0);
    let _ = write!(svg, r#"<text x="{}" y="{base}" text-anchor="end" fill="currentColor">0</text>"#, LEFT - 4.0);
    let slot = plot_w / days.len().max(1) as f64;
    for (i, day) in days.iter().enumerate() {
        let x = LEFT + i as f64 * slot + slot * 0.15;
        let mut top = base;
        for (s, (reporter, values)) in series.iter().enumerate() {
            let n = values.get(i).copied().unwrap_or(0).max(0);
            if n == 0 {
                continue;
            }
            let bar = plot_h * n as f64 / y_max as f64;
            top -= bar;
            let style = s.min(STYLES - 1);
            let opacity = 1.0 - 0.13 * style as f64;
            let _ = write!(
                svg,
                r#"<rect class="series-{style}" x="{x:.1}" y="{top:.1}" width="{:.1}" height="{bar:.1}" fill="currentColor" fill-opacity="{opacity:.2}"><title>{}: {n} from {}</title></rect>"#,
                slot * 0.7,
                day.format("%Y-%m-%d"),
                escape(reporter)
            );
        }
        // Every other day is labelled, so fourteen labels never collide.
        if i % 2 == days.len().saturating_sub(1) % 2 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="currentColor">{}</text>"#,
                x + slot * 0.35,
                base + 16.0,
                day.format("%d %b")
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn describe(days: &[NaiveDate], series: &[(String, Vec<i64>)], all: i64) -> String {
    if all == 0 {
        return format!("No reports in the last {} days.", days.len());
    }
    let parts: Vec<String> =
        series.iter().map(|(r, v)| format!("{r} {}", v.iter().map(|n| n.max(&0)).sum::<i64>())).collect();
    format!("{all} reports in the last {} days: {}.", days.len(), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: u32) -> Vec<NaiveDate> {
        (1..=n).filter_map(|d| NaiveDate::from_ymd_opt(2026, 12, d)).collect()
    }

    #[test]
    fn every_non_zero_segment_is_a_bar_with_its_number() {
        let series = vec![("SpamCop".to_owned(), vec![3, 0, 1]), ("AOL & co".to_owned(), vec![0, 2, 0])];
        let svg = svg_intake_chart(&days(3), &series, "Intake", 600, 200);
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("2026-12-02: 2 from AOL &amp; co"), "{svg}");
        assert!(svg.contains("6 reports in the last 3 days: SpamCop 4, AOL &amp; co 2."), "{svg}");
    }

    #[test]
    fn a_silent_fortnight_says_so() {
        let svg = svg_intake_chart(&days(14), &[], "Intake", 600, 200);
        assert!(svg.contains("No reports in the last 14 days."));
        assert!(!svg.contains("<rect"));
    }
}

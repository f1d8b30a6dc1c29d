//! Date styles seen in real reports, each with the instant it denotes.

use chrono::{DateTime, Utc};

use super::{find, parse, parse_epoch};

fn utc(s: &str) -> Option<DateTime<Utc>> {
    Some(s.parse().expect("test timestamp"))
}

#[test]
fn rfc5322_dates_with_and_without_weekday_comments_and_junk() {
    assert_eq!(parse("Thu, 19 Jun 2003 17:34:13 -0400", None), utc("2003-06-19T21:34:13Z"));
    assert_eq!(parse("Thu, 19 Jun 2003 17:34:13 -0400 (ES", None), utc("2003-06-19T21:34:13Z"));
    assert_eq!(parse("19 Jun 2003 17:34:13 -0400 ", None), utc("2003-06-19T21:34:13Z"));
    assert_eq!(parse("Sun,  7 Jun 2015 21:09:11 +0200", None), utc("2015-06-07T19:09:11Z"));
    assert_eq!(parse("Tue, 29 Dec 2015 5:21:05 +0000", None), utc("2015-12-29T05:21:05Z"));
    assert_eq!(parse("Tue, 11 Nov 03 17:07:06 GMT", None), utc("2003-11-11T17:07:06Z"));
    assert_eq!(parse("11 Nov 2003 15:11:04 -0000", None), utc("2003-11-11T15:11:04Z"));
}

#[test]
fn zone_names() {
    assert_eq!(parse("Tue, 19 Jan 2016 14:32:49 EST", None), utc("2016-01-19T19:32:49Z"));
    assert_eq!(parse("Thu, 8 Mar 2005 14:00:00 EDT", None), utc("2005-03-08T18:00:00Z"));
    assert_eq!(parse("Mon, 18 Jan 2016 23:57:24 UTC", None), utc("2016-01-18T23:57:24Z"));
    assert_eq!(parse("Mon, 28 Sep 2015 21:31:04 UT", None), utc("2015-09-28T21:31:04Z"));
    assert_eq!(parse("Wed, 01 Feb 2017 09:00:00 JST", None), utc("2017-02-01T00:00:00Z"));
    assert_eq!(parse("Wed, 01 Feb 2017 09:00:00 ALMT", None), utc("2017-02-01T03:00:00Z"));
    assert_eq!(parse("05 Mar 2019 17:42:10.0123 (UTC)", None), utc("2019-03-05T17:42:10Z"));
    assert_eq!(parse("2019-11-27 19:08:11 (GMT+3)", None), utc("2019-11-27T16:08:11Z"), "whole hours after a name");
    assert_eq!(parse("2019-11-27 19:08:11 UTC-5", None), utc("2019-11-28T00:08:11Z"));
    assert_eq!(parse("Mon, 7 Sep 2015 08:58:04 -0700 (PDT)", None), utc("2015-09-07T15:58:04Z"));
}

#[test]
fn iso_8601_variants() {
    assert_eq!(parse("2015-11-13T20:35:03Z", None), utc("2015-11-13T20:35:03Z"));
    assert_eq!(parse("2015-09-04T13:19:53.000Z", None), utc("2015-09-04T13:19:53Z"));
    assert_eq!(parse("2015-07-23T01:58:17+00:00", None), utc("2015-07-23T01:58:17Z"));
    assert_eq!(parse("2015-05-15 17:03:11-07:00", None), utc("2015-05-16T00:03:11Z"));
    assert_eq!(parse("2015-09-23 04:04:18 +0200", None), utc("2015-09-23T02:04:18Z"));
    assert_eq!(parse("2015-01-22 01:30:25", None), utc("2015-01-22T01:30:25Z"), "no zone: UTC");
    assert_eq!(parse("2015-01-01", None), utc("2015-01-01T00:00:00Z"), "date only");
}

#[test]
fn log_styles() {
    let reference = utc("2014-01-31T12:00:00Z");
    assert_eq!(find("Jan 31 07:19:02 host sshd[1]: Failed password", reference), utc("2014-01-31T07:19:02Z"));
    assert_eq!(find("Dec 31 23:59:58 host sshd[1]: x", reference), utc("2013-12-31T23:59:58Z"), "last year's December");
    assert_eq!(find("Dec 31 23:59:58 host", None), None, "no year and no reference");
    assert_eq!(find("1.2.3.4 - - [23/Oct/2003:18:13:36 -0400] \"GET / HTTP/1.1\"", None), utc("2003-10-23T22:13:36Z"));
    assert_eq!(find("Oct, 23 2003 6:13:36 PM -0400", None), utc("2003-10-23T22:13:36Z"));
    assert_eq!(find("Oct, 23 2003 06:13:36 PM -0400", None), utc("2003-10-23T22:13:36Z"));
    assert_eq!(find("  - Mon, 21 Sep 2015 11:00AM PDT", None), utc("2015-09-21T18:00:00Z"));
    assert_eq!(find("rbooth, 23 Oct 2003 18:13:36 -0400, 10.10.10.10, 17", None), utc("2003-10-23T22:13:36Z"));
}

#[test]
fn numeric_day_month_orders() {
    assert_eq!(parse("10-23-2003 18:13:36", None), utc("2003-10-23T18:13:36Z"), "MM-DD-YYYY");
    assert_eq!(parse("10/23/2003 18:13:36", None), utc("2003-10-23T18:13:36Z"), "MM/DD/YYYY");
    assert_eq!(parse("23.10.2003 18:13:36", None), utc("2003-10-23T18:13:36Z"), "DD.MM.YYYY");
    assert_eq!(parse("23-10-2003 18:13:36", None), utc("2003-10-23T18:13:36Z"), "day > 12 decides");
}

#[test]
fn epoch_seconds_and_milliseconds() {
    assert_eq!(parse_epoch("1066947216"), utc("2003-10-23T22:13:36Z"));
    assert_eq!(parse_epoch("1066947216000"), utc("2003-10-23T22:13:36Z"));
    assert_eq!(parse("1066947216", None), utc("2003-10-23T22:13:36Z"));
    assert_eq!(parse_epoch("12345"), None);
}

#[test]
fn things_that_are_not_dates() {
    for text in
        ["10.10.10.10", "version 2.8.14", "CD=21Oct200311:22:11", "(invalid)", "18:13:36", "", "31 Feb 2015 10:00:00"]
    {
        assert_eq!(find(text, None), None, "{text}");
    }
    assert_eq!(parse("Date: 99 Foo 2015 25:61:61 +9999", None), None);
}

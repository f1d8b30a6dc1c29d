-- The front page at a million reports (issue 20): when the kept trend and week count were taken, and two
-- more reads from an index instead of a scan.
--
-- The week count taken at some instant holds from then until `trend_until`, not before: a page built for an
-- earlier instant (a request that began before a recount committed) counts its reports instead. The
-- default is "never taken", and every kept value is marked lapsed, so each case is counted from its reports
-- until `serve` (or the next recount) keeps it again.
alter table abuse_case add column trend_from text not null default '1970-01-01T00:00:00+00:00';
update abuse_case set trend_until = '1970-01-01T00:00:00+00:00';
--
-- The oldest open case: the open cases in order of their first report, so the first row ends the read
-- (the status index gave every open case, sorted afterwards). The condition is the query's own.
create index abuse_case_open_first_seen on abuse_case (first_seen, abuse_case_id)
    where status <> 'closed' and stored_reports > 0;

-- The rate tiles and filters sum each flagged address's week of sending volume: with the messages in the
-- index, the sum reads no volume row.
create index sending_volume_ip_day on sending_volume (source_ip, day, messages);

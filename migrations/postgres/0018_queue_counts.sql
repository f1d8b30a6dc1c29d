-- The triage queue at ten million reports (issue 19): its "last 24 h" and "last 7 days" sorts read a count
-- kept per case from an index, and every sort pages by key (the last row's value and id) instead of OFFSET.
--
-- A case's unique complaints of the last 24 hours, kept by the same statements as its trend and week count
-- (taken at `trend_from`), with the instant until which it holds: the count changes with no write only when
-- its earliest complaint leaves the day. Until then the queue sorts by it; a case past `day_until` (or kept
-- after the page's instant) is counted from its reports until `serve` or the next recount keeps it again.
-- The default marks every case as not yet kept.
alter table abuse_case add column day_unique bigint not null default 0;
alter table abuse_case add column day_until timestamptz not null default '1970-01-01 00:00:00+00';

-- The kept counts in sort order (ties by id, as the queue breaks them), so a page of either sort reads the
-- first rows of an index; the lapsed cases are found by `day_until` and `trend_until` (0013), and those kept
-- after the page's instant by `trend_from`.
create index abuse_case_day on abuse_case (day_unique, abuse_case_id);
create index abuse_case_week on abuse_case (week_unique, abuse_case_id);
create index abuse_case_day_until on abuse_case (day_until);
create index abuse_case_trend_from on abuse_case (trend_from);

-- The other count and time sorts, ties by id, so a keyset page starts inside the index.
create index abuse_case_received on abuse_case (received, abuse_case_id);
create index abuse_case_reporters on abuse_case (reporters, abuse_case_id);
create index abuse_case_first_seen on abuse_case (first_seen, abuse_case_id);

-- The type and status sorts, ties by id.
create index abuse_case_type on abuse_case (report_type, abuse_case_id);
create index abuse_case_status on abuse_case (status, abuse_case_id);

-- The search for a reporter's reference (a SpamCop id) finds its reports' cases from this index; the
-- (reporter, reporter_ref) index of 0002 serves it only with the reporter named.
create index report_ref_case on report (reporter_ref, abuse_case_id);

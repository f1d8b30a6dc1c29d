-- The front page's remaining figures (issue 20), each read from an index or a kept value, never a scan.
--
-- A case's trend (unique complaints of the last 7 days against the 7 before), kept by every recount with
-- the instant until which it holds: as time passes, a complaint leaving a window can change it with no
-- write at all, so a trend is only taken as stored while `trend_until` is ahead of the clock; a case past
-- it is judged from its reports (see store::case_filter) until `serve` refreshes it. The default marks
-- every existing case as not yet computed.
alter table abuse_case add column trend text not null default 'steady';
alter table abuse_case add column trend_until text not null default '1970-01-01T00:00:00+00:00';
create index abuse_case_trend on abuse_case (trend, trend_until);
create index abuse_case_trend_until on abuse_case (trend_until);

-- Complaint rates start from the addresses with sending volume in the last week.
create index sending_volume_day on sending_volume (day, source_ip);

-- Each check of the audit chain (`abusedesk audit verify`, the Audit page): when, by whom, and what it found.
create table audit_verification (
    audit_verification_id integer primary key,
    verified_at text not null,
    verified_by text not null,
    intact integer not null,
    -- Entries checked: all of them when intact, those before the break otherwise.
    entries integer not null,
    -- The first broken entry, when the chain is broken.
    broken_seq integer,
    detail text not null,
    created_at text not null,
    updated_at text not null
);

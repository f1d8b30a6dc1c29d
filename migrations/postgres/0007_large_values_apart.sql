-- The two large values of intake, a message's raw bytes and a report's evidence, move to tables of their own;
-- a message keeps how many times its bytes arrived, and a report what a case recount needs of its message.
--
-- Why: SQLite stores a row's columns together and reaches a column that follows a large value only by
-- reading that value's overflow pages. Every read of a message's or report's small columns (case placement,
-- recounts, the queue, attribution) paid for kilobytes of bytes it never used. The bytes move verbatim;
-- nothing is altered or lost. The arrival count saves a count over message_arrival per report read.
-- PostgreSQL already keeps large values out of line (TOAST); it gets the same tables so the store's SQL stays
-- one text for both databases.

create table message_body (
    inbound_message_id bigint primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    raw_bytes bytea not null,
    constraint message_body_message_fkey foreign key (inbound_message_id) references inbound_message (inbound_message_id)
);
insert into message_body (inbound_message_id, created_at, updated_at, raw_bytes)
    select inbound_message_id, created_at, updated_at, raw_bytes from inbound_message;
alter table inbound_message drop column raw_bytes;

alter table inbound_message add column arrival_count bigint not null default 1;
update inbound_message set arrival_count =
    (select count(*) from message_arrival a where a.inbound_message_id = inbound_message.inbound_message_id);

-- Parser reports are replaced when a message is parsed again: their evidence goes with them.
create table report_evidence (
    report_id bigint primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    evidence text not null,
    constraint report_evidence_report_fkey foreign key (report_id) references report (report_id) on delete cascade
);
insert into report_evidence (report_id, created_at, updated_at, evidence)
    select report_id, created_at, updated_at, evidence from report where evidence is not null;
alter table report drop column evidence;

-- What a case recount reads of each report, kept on the report: how many times its message arrived and the
-- moment it counts at (its incident time, or the message's first arrival). With them a recount reads one
-- index of the case's reports and nothing else; joining each report to its message was most of a recount's
-- time in a large case.
alter table report add column arrivals bigint not null default 1;
alter table report add column seen_at timestamptz;
update report set
    arrivals = (select m.arrival_count from inbound_message m where m.inbound_message_id = report.inbound_message_id),
    seen_at = coalesce(incident_time,
        (select m.first_received_at from inbound_message m where m.inbound_message_id = report.inbound_message_id));
-- The case index of 0004 grows into that index: its first columns still answer the queue's recent counts.
drop index report_case;
create index report_case on report
    (abuse_case_id, unique_in_case, incident_time, duplicate_reason, reporter, complainant_hash, arrivals, seen_at);

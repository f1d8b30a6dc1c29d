-- Cases: reports grouped by (customer, source IP, report type, role), with counters kept equal to a recount
-- of their reports; duplicate links between reports; sending volumes and complaint-rate thresholds; and the
-- scope of API tokens (posting messages, or reading cases as staff).

create table abuse_case (
    abuse_case_id bigint generated always as identity primary key,
    -- customer id (or '-' when nobody could be named), source IP, report type and role, joined by '|'.
    case_key text not null,
    customer_id bigint,
    source_ip text not null,
    report_type text not null,
    role text not null,
    status text not null default 'new',
    assignee_id bigint,
    -- Counters, recomputed from the case's reports under the case's row lock (see store::cases).
    received bigint not null default 0,
    stored_reports bigint not null default 0,
    unique_complaints bigint not null default 0,
    complainants bigint not null default 0,
    reporters bigint not null default 0,
    same_bytes bigint not null default 0,
    mailbox_copies bigint not null default 0,
    other_role bigint not null default 0,
    re_reports bigint not null default 0,
    first_seen timestamptz,
    last_seen timestamptz,
    closed_at timestamptz,
    reopened_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint abuse_case_key unique (case_key),
    constraint abuse_case_customer_fkey foreign key (customer_id) references customer (customer_id),
    constraint abuse_case_assignee_fkey foreign key (assignee_id) references app_user (user_id),
    constraint abuse_case_status_check
        check (status in ('new', 'investigating', 'awaiting_customer', 'decided', 'closed'))
);
create index abuse_case_unique on abuse_case (unique_complaints, abuse_case_id);
create index abuse_case_last_seen on abuse_case (last_seen, abuse_case_id);
create index abuse_case_customer on abuse_case (customer_id);
create index abuse_case_ip on abuse_case (source_ip);
-- Counting the open queue reads this index alone.
create index abuse_case_open on abuse_case (status, stored_reports);

-- Every status or assignee change of a case, with who made it.
create table case_event (
    case_event_id bigint generated always as identity primary key,
    abuse_case_id bigint not null,
    kind text not null,
    detail text not null,
    actor text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint case_event_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id)
        on delete cascade
);
create index case_event_case on case_event (abuse_case_id, case_event_id);

alter table report add column abuse_case_id bigint references abuse_case (abuse_case_id);
-- The canonical report of this report's complaint, and why this one is a copy of it (never a deletion).
alter table report add column duplicate_of bigint references report (report_id) on delete set null;
alter table report add column duplicate_reason text;
-- True when the report counts as a unique complaint in its case (see triage::counts::count_by_role).
alter table report add column unique_in_case boolean not null default false;
-- Recent unique complaints of a page of cases are counted from this index alone.
create index report_case on report (abuse_case_id, unique_in_case, incident_time);
-- The queue's reporter filter reads this index alone.
create index report_reporter_case on report (reporter, abuse_case_id);
create index report_complainant on report (complainant_hash, original_message_id);
create index report_duplicate_of on report (duplicate_of);

-- Messages sent per address per day, the denominator of complaint rates (SNDS or our own mail logs).
create table sending_volume (
    sending_volume_id bigint generated always as identity primary key,
    source_ip text not null,
    day date not null,
    messages bigint not null,
    trap_hits bigint not null default 0,
    source text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint sending_volume_key unique (source_ip, day, source)
);

-- Complaints per thousand messages at which a case is flagged, per report type. Flags inform; nothing
-- follows from them automatically.
create table rate_threshold (
    report_type text primary key,
    warn_per_thousand double precision not null,
    block_per_thousand double precision not null,
    updated_by text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint rate_threshold_order_check check (warn_per_thousand > 0 and warn_per_thousand <= block_per_thousand)
);

alter table ingest_token add column scope text not null default 'ingest'
    check (scope in ('ingest', 'read'));

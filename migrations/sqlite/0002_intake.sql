-- Intake: every message as received (verbatim, once per distinct content), every arrival of it, the reports
-- parsed from it, and the bearer tokens of the HTTP ingest API.

create table inbound_message (
    inbound_message_id integer primary key,
    sha256 text not null,
    size_bytes integer not null,
    raw_bytes blob not null,
    first_received_at text not null,
    parse_status text not null default 'pending',
    parse_format text,
    parse_detail text,
    parsed_at text,
    report_count integer not null default 0,
    created_at text not null,
    updated_at text not null,
    constraint inbound_message_sha256_key unique (sha256),
    constraint inbound_message_parse_status_check
        check (parse_status in ('pending', 'parsed', 'unrecognised', 'failed'))
);
create index inbound_message_received on inbound_message (first_received_at);

-- One row each time a message reached us: an MTA retry or a re-import of the same bytes is a second arrival
-- of the same inbound_message, counted as a copy, never stored twice.
create table message_arrival (
    message_arrival_id integer primary key,
    inbound_message_id integer not null,
    channel text not null,
    recipient text,
    received_at text not null,
    created_at text not null,
    updated_at text not null,
    constraint message_arrival_message_fkey foreign key (inbound_message_id)
        references inbound_message (inbound_message_id),
    constraint message_arrival_channel_check check (channel in ('mta', 'api', 'import', 'upload'))
);
create index message_arrival_message on message_arrival (inbound_message_id);

create table report (
    report_id integer primary key,
    inbound_message_id integer not null,
    position integer not null,
    format text not null,
    report_type text not null,
    role text not null,
    source_ip text not null,
    source_port integer,
    incident_time text,
    reporter text not null,
    reporter_ref text,
    urls text not null,
    original_message_id text,
    content_fingerprint text,
    complainant text,
    complainant_hash text,
    evidence text,
    -- Set when a person entered the report by hand (a message no parser understood): who did it.
    entered_by integer,
    created_at text not null,
    updated_at text not null,
    constraint report_message_fkey foreign key (inbound_message_id) references inbound_message (inbound_message_id),
    constraint report_message_position_key unique (inbound_message_id, position),
    constraint report_entered_by_fkey foreign key (entered_by) references app_user (user_id)
);
create index report_source_ip on report (source_ip);
create index report_reporter_ref on report (reporter, reporter_ref);

create table ingest_token (
    ingest_token_id integer primary key,
    name text not null,
    token_hash text not null,
    created_by integer,
    last_used_at text,
    revoked_at text,
    created_at text not null,
    updated_at text not null,
    constraint ingest_token_hash_key unique (token_hash),
    constraint ingest_token_creator_fkey foreign key (created_by) references app_user (user_id)
);

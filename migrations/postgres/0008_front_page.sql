-- The front page (issue 20) reads every figure from an index or a kept counter, never by scanning reports:
-- messages by parse status, the newest arrival per channel, and reports per day and reporter.

create index inbound_message_status on inbound_message (parse_status, first_received_at);
create index message_arrival_channel on message_arrival (channel, received_at);

-- Reports stored per UTC day of their message's first arrival and per reporter, kept in step by the store
-- whenever a message's reports are replaced or a report is entered by hand (see store::intake_days).
create table intake_day (
    day text not null,
    reporter text not null,
    reports bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint intake_day_key primary key (day, reporter)
);

insert into intake_day (day, reporter, reports, created_at, updated_at)
select to_char(m.first_received_at at time zone 'UTC', 'YYYY-MM-DD'), r.reporter, count(*), now(), now()
from report r join inbound_message m on m.inbound_message_id = r.inbound_message_id
group by to_char(m.first_received_at at time zone 'UTC', 'YYYY-MM-DD'), r.reporter;

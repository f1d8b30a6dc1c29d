-- The front page (issue 20) reads every figure from an index or a kept counter, never by scanning reports:
-- messages by parse status, the newest arrival per channel, and reports per day and reporter.

create index inbound_message_status on inbound_message (parse_status, first_received_at);
create index message_arrival_channel on message_arrival (channel, received_at);

-- Reports stored per UTC day of their message's first arrival and per reporter, kept in step by the store
-- whenever a message's reports are replaced or a report is entered by hand (see store::intake_days).
create table intake_day (
    day text not null,
    reporter text not null,
    reports integer not null,
    created_at text not null,
    updated_at text not null,
    constraint intake_day_key primary key (day, reporter)
);

insert into intake_day (day, reporter, reports, created_at, updated_at)
select substr(m.first_received_at, 1, 10), r.reporter, count(*),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
from report r join inbound_message m on m.inbound_message_id = r.inbound_message_id
group by substr(m.first_received_at, 1, 10), r.reporter;

-- Issue 18: the IMAP collector.
--
-- Messages fetched from an IMAP mailbox arrive on a channel of their own. Each collected mailbox keeps its
-- UIDVALIDITY and the highest UID stored, and the UIDs stored but not yet marked done on the server
-- (one batch at most), written in the same transaction as the stored messages: a collector killed between
-- storing and flagging finds on restart exactly which UIDs to flag (or move), and stores none of them again.
-- A changed UIDVALIDITY is written to `problem` and nothing more is fetched until staff accept it. Several
-- `serve` nodes on one database claim a mailbox for a while (a lease) before fetching.
--
-- SQLite cannot alter a check constraint: message_arrival is rebuilt with the wider one, rows and ids kept.
create table message_arrival_new (
    message_arrival_id integer primary key,
    inbound_message_id integer not null,
    channel text not null,
    recipient text,
    received_at text not null,
    created_at text not null,
    updated_at text not null,
    constraint message_arrival_message_fkey foreign key (inbound_message_id)
        references inbound_message (inbound_message_id),
    constraint message_arrival_channel_check check (channel in ('mta', 'api', 'import', 'upload', 'imap'))
);
insert into message_arrival_new (message_arrival_id, inbound_message_id, channel, recipient, received_at, created_at,
    updated_at)
    select message_arrival_id, inbound_message_id, channel, recipient, received_at, created_at, updated_at
    from message_arrival;
drop table message_arrival;
alter table message_arrival_new rename to message_arrival;
create index message_arrival_message on message_arrival (inbound_message_id);
create index message_arrival_channel on message_arrival (channel, received_at);

create table imap_mailbox (
    imap_mailbox_id integer primary key,
    mailbox text not null,
    uid_validity integer,
    last_uid integer not null default 0,
    unmarked_uids text,
    problem text,
    claim_token text,
    claimed_until text,
    created_at text not null,
    updated_at text not null,
    constraint imap_mailbox_mailbox_key unique (mailbox)
);

-- Issue 18: the IMAP collector.
--
-- Messages fetched from an IMAP mailbox arrive on a channel of their own. Each collected mailbox keeps its
-- UIDVALIDITY and the highest UID stored, and the UIDs stored but not yet marked done on the server
-- (one batch at most), written in the same transaction as the stored messages: a collector killed between
-- storing and flagging finds on restart exactly which UIDs to flag (or move), and stores none of them again.
-- A changed UIDVALIDITY is written to `problem` and nothing more is fetched until staff accept it. Several
-- `serve` nodes on one database claim a mailbox for a while (a lease) before fetching.
alter table message_arrival drop constraint message_arrival_channel_check;
alter table message_arrival add constraint message_arrival_channel_check
    check (channel in ('mta', 'api', 'import', 'upload', 'imap'));

create table imap_mailbox (
    imap_mailbox_id bigint generated always as identity primary key,
    mailbox text not null,
    uid_validity bigint,
    last_uid bigint not null default 0,
    unmarked_uids text,
    problem text,
    claim_token text,
    claimed_until timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint imap_mailbox_mailbox_key unique (mailbox)
);

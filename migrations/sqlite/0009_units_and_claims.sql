-- Issue 14: decisions keep what they relied on, and background delivery claims its rows.
--
-- An investigation a decision relied on is frozen: editing it afterwards writes a new version (a new row
-- that supersedes it), and decision_investigation keeps pointing at the version the decision relied on.
alter table investigation add column frozen_at text;
alter table investigation add column supersedes_id integer references investigation (investigation_id);
create index investigation_supersedes on investigation (supersedes_id);

create table decision_investigation (
    decision_id integer not null,
    investigation_id integer not null,
    created_at text not null,
    updated_at text not null,
    constraint decision_investigation_key primary key (decision_id, investigation_id),
    constraint decision_investigation_decision_fkey foreign key (decision_id) references decision (decision_id),
    constraint decision_investigation_investigation_fkey foreign key (investigation_id) references investigation (investigation_id)
);

-- The database refuses too: a frozen investigation's findings and answers never change.
create trigger frozen_investigation_is_never_edited before update of findings, answers on investigation
when old.frozen_at is not null
begin select raise(abort, 'an investigation a decision relied on is never edited: save a new version'); end;
create trigger decision_investigation_is_never_edited before update on decision_investigation
begin select raise(abort, 'what a decision relied on is never edited'); end;
create trigger decision_investigation_is_never_deleted before delete on decision_investigation
begin select raise(abort, 'what a decision relied on is never deleted'); end;

-- Several `serve` processes may deliver from one database: a node claims due rows for a while (a lease)
-- under a token of its own, and only the holder of the claim marks the row sent.
alter table notification add column claim_token text;
alter table notification add column claimed_until text;
alter table notification add column attempts integer not null default 0;
alter table webhook_delivery add column claim_token text;
alter table webhook_delivery add column claimed_until text;

-- Issue 14: decisions keep what they relied on, and background delivery claims its rows.
--
-- An investigation a decision relied on is frozen: editing it afterwards writes a new version (a new row
-- that supersedes it), and decision_investigation keeps pointing at the version the decision relied on.
alter table investigation add column frozen_at timestamptz;
alter table investigation add column supersedes_id bigint;
alter table investigation add constraint investigation_supersedes_fkey
    foreign key (supersedes_id) references investigation (investigation_id);
create index investigation_supersedes on investigation (supersedes_id);

create table decision_investigation (
    decision_id bigint not null,
    investigation_id bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint decision_investigation_key primary key (decision_id, investigation_id),
    constraint decision_investigation_decision_fkey foreign key (decision_id) references decision (decision_id),
    constraint decision_investigation_investigation_fkey foreign key (investigation_id) references investigation (investigation_id)
);

-- The database refuses too: a frozen investigation's findings and answers never change.
create function refuse_frozen_edit() returns trigger language plpgsql as $$
begin
    if old.frozen_at is not null and (new.findings <> old.findings or new.answers <> old.answers) then
        raise exception 'an investigation a decision relied on is never edited: save a new version';
    end if;
    return new;
end;
$$;
create trigger frozen_investigation_is_never_edited before update on investigation
    for each row execute function refuse_frozen_edit();
create trigger decision_investigation_is_never_edited before update or delete on decision_investigation
    for each row execute function refuse_change();

-- Several `serve` processes may deliver from one database: a node claims due rows for a while (a lease)
-- under a token of its own, and only the holder of the claim marks the row sent.
alter table notification add column claim_token text;
alter table notification add column claimed_until timestamptz;
alter table notification add column attempts bigint not null default 0;
alter table webhook_delivery add column claim_token text;
alter table webhook_delivery add column claimed_until timestamptz;

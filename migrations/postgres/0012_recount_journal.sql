-- Issue 19: counters that heal themselves.
--
-- A case whose reports changed is written here in the same transaction as the change (a report placed,
-- moved or re-linked, a copy of a message arriving, a message's reports replaced). A recount removes the
-- row only if its generation is still the one the recount read: a change committed meanwhile raised it,
-- so the case stays listed. Whatever is interrupted, the next intake run or `serve` start recounts every
-- case listed here; no manual `abusedesk recount` is needed.
create table case_recount (
    abuse_case_id bigint not null,
    generation bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint case_recount_key primary key (abuse_case_id),
    constraint case_recount_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id)
);

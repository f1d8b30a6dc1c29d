-- Investigation before any sanction: the desk's checklist, investigations and notes on cases, decisions
-- (proposals, their review by a manager, reversals), customers' disputes, and the
-- hash-chained audit log. Decisions and reviews are insert-only: triggers refuse any change or deletion.

create table checklist_item (
    code text primary key,
    label text not null,
    required boolean not null default true,
    position integer not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
insert into checklist_item (code, label, required, position, created_at, updated_at) values
    ('attribution_verified', 'Attribution verified for the incident time', true, 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('evidence_reviewed', 'Evidence sample reviewed (at least one original message read)', true, 2, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('canspam_checked', 'CAN-SPAM indicators checked', true, 3, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('other_sources_checked', 'Other sources checked (blocklists, trap hits, mail logs)', true, 4, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('customer_contacted', 'Customer contacted', true, 5, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('customer_answer_reviewed', 'Customer''s answer reviewed', true, 6, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');

-- One investigation of a case: findings and the checklist answers (JSON array of {code, answer, note}),
-- updated by its author while open.
create table investigation (
    investigation_id bigint generated always as identity primary key,
    abuse_case_id bigint not null,
    opened_by bigint not null,
    findings text not null default '',
    answers text not null default '[]',
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint investigation_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id),
    constraint investigation_user_fkey foreign key (opened_by) references app_user (user_id)
);
create index investigation_case on investigation (abuse_case_id);

create table case_note (
    case_note_id bigint generated always as identity primary key,
    abuse_case_id bigint not null,
    author_id bigint not null,
    body text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint case_note_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id),
    constraint case_note_author_fkey foreign key (author_id) references app_user (user_id)
);
create index case_note_case on case_note (abuse_case_id);

-- A decision as made or proposed. Kinds that need a manager (suspension, termination) start as proposals;
-- the others are in force when recorded. A reversal is a new decision naming the one it reverses.
create table decision (
    decision_id bigint generated always as identity primary key,
    abuse_case_id bigint not null,
    kind text not null,
    reason text not null,
    evidence text not null,
    decided_by bigint not null,
    needs_approval boolean not null,
    reverses_decision_id bigint,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint decision_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id),
    constraint decision_user_fkey foreign key (decided_by) references app_user (user_id),
    constraint decision_reverses_fkey foreign key (reverses_decision_id) references decision (decision_id),
    constraint decision_kind_check
        check (kind in ('no_action', 'warning', 'restriction', 'suspension', 'termination'))
);
create index decision_case on decision (abuse_case_id);

-- A manager's approval or rejection of a proposal, with the written reason; one per proposal.
create table decision_review (
    decision_review_id bigint generated always as identity primary key,
    decision_id bigint not null,
    reviewed_by bigint not null,
    approved boolean not null,
    reason text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint decision_review_decision_key unique (decision_id),
    constraint decision_review_decision_fkey foreign key (decision_id) references decision (decision_id),
    constraint decision_review_user_fkey foreign key (reviewed_by) references app_user (user_id)
);

create function refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% are never edited or deleted: record a reversal instead', tg_table_name;
end;
$$;
create trigger decision_is_never_edited before update or delete on decision
    for each row execute function refuse_change();
create trigger decision_review_is_never_edited before update or delete on decision_review
    for each row execute function refuse_change();

-- A customer's dispute of a case (the customer portal opens them); an open one must be answered before a
-- termination on the case can be approved.
create table dispute (
    dispute_id bigint generated always as identity primary key,
    abuse_case_id bigint not null,
    opened_by bigint not null,
    body text not null,
    status text not null default 'open',
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint dispute_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id),
    constraint dispute_user_fkey foreign key (opened_by) references app_user (user_id),
    constraint dispute_status_check check (status in ('open', 'answered', 'accepted', 'rejected'))
);
create index dispute_case on dispute (abuse_case_id, status);

-- Every state change, each entry carrying the hash of the one before (see src/audit).
create table audit_log (
    seq bigint primary key,
    at timestamptz not null,
    actor text not null,
    action text not null,
    subject text not null,
    detail text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_action on audit_log (action, seq);

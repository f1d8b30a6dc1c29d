-- The customer portal: portal accounts linked to one customer, the thread of a dispute with its
-- attachments, appeals of decisions, and the notifications sent (or queued) to customers; and the events
-- for provisioning systems (sanctions applied or reversed) with their webhook deliveries.

-- Set for accounts with the customer role: the one customer record the account may see.
alter table app_user add column customer_id integer references customer (customer_id);
create index app_user_customer on app_user (customer_id);

-- The policy clause a decision rests on, for the statement of reasons the customer reads.
alter table decision add column policy text not null default '';

-- An appeal is a dispute of one decision.
alter table dispute add column decision_id integer references decision (decision_id);

create table dispute_message (
    dispute_message_id integer primary key,
    dispute_id integer not null,
    author_id integer not null,
    from_staff boolean not null,
    body text not null,
    created_at text not null,
    updated_at text not null,
    constraint dispute_message_dispute_fkey foreign key (dispute_id) references dispute (dispute_id),
    constraint dispute_message_author_fkey foreign key (author_id) references app_user (user_id)
);
create index dispute_message_dispute on dispute_message (dispute_id, dispute_message_id);

create table dispute_attachment (
    dispute_attachment_id integer primary key,
    dispute_id integer not null,
    dispute_message_id integer,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    content blob not null,
    created_at text not null,
    updated_at text not null,
    constraint dispute_attachment_dispute_fkey foreign key (dispute_id) references dispute (dispute_id),
    constraint dispute_attachment_message_fkey
        foreign key (dispute_message_id) references dispute_message (dispute_message_id)
);
create index dispute_attachment_dispute on dispute_attachment (dispute_id);

-- One e-mail to a customer or a reporter: written here first (the outbox), then sent when SMTP is
-- configured.
create table notification (
    notification_id integer primary key,
    -- None for an answer to a reporter.
    customer_id integer,
    abuse_case_id integer,
    kind text not null,
    recipients text not null,
    subject text not null,
    body text not null,
    status text not null default 'outbox',
    detail text not null default '',
    created_at text not null,
    updated_at text not null,
    constraint notification_customer_fkey foreign key (customer_id) references customer (customer_id),
    constraint notification_case_fkey foreign key (abuse_case_id) references abuse_case (abuse_case_id),
    constraint notification_status_check check (status in ('outbox', 'sent', 'failed'))
);
create index notification_status on notification (status, notification_id);
create index notification_customer on notification (customer_id, notification_id);

-- One sanction event for provisioning systems, delivered to the configured webhook with retries.
create table webhook_delivery (
    webhook_delivery_id integer primary key,
    event text not null,
    payload text not null,
    status text not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at text not null,
    last_response text not null default '',
    created_at text not null,
    updated_at text not null,
    constraint webhook_delivery_status_check check (status in ('pending', 'delivered', 'failed'))
);
create index webhook_delivery_due on webhook_delivery (status, next_attempt_at);

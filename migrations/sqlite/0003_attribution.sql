-- Attribution: the ISP's customers, which addresses each held and when, the ISP's own address space, and
-- what each report was attributed to (and every later change of that).

create table customer (
    customer_id integer primary key,
    -- The ISP's own account id: the key imports match on.
    account_ref text not null,
    name text not null,
    -- Contact addresses, separated by single spaces.
    emails text not null default '',
    status text not null default 'active',
    notes text not null default '',
    created_at text not null,
    updated_at text not null,
    constraint customer_account_ref_key unique (account_ref),
    constraint customer_status_check check (status in ('active', 'suspended', 'terminated'))
);

-- One holding of addresses over [valid_from, valid_to): a static block, a dynamic lease (one address) or a
-- CGNAT port range on one public address. `network` is canonical CIDR text (a single address as /32 or
-- /128), so a lookup asks for the few prefixes that can contain an address: an index probe, not a scan.
create table assignment (
    assignment_id integer primary key,
    customer_id integer not null,
    kind text not null,
    network text not null,
    port_from integer not null,
    port_to integer not null,
    valid_from text not null,
    valid_to text,
    -- Where it came from: 'csv', 'radius' or 'demo'; for RADIUS the accounting session id.
    source text not null,
    source_ref text,
    created_at text not null,
    updated_at text not null,
    constraint assignment_customer_fkey foreign key (customer_id) references customer (customer_id),
    constraint assignment_kind_check check (kind in ('static', 'lease', 'cgnat')),
    constraint assignment_ports_check check (port_from >= 0 and port_to <= 65535 and port_from <= port_to),
    -- Importing the same row twice finds this key and changes nothing.
    constraint assignment_natural_key unique (customer_id, kind, network, port_from, port_to, valid_from)
);
create index assignment_network on assignment (network);

-- The ISP's own address space: an address outside every block is "outside our address space".
create table address_block (
    address_block_id integer primary key,
    network text not null,
    description text not null default '',
    created_at text not null,
    updated_at text not null,
    constraint address_block_network_key unique (network)
);

-- What a report was attributed to. `attribution` is null until tried, then 'customer' or the reason it
-- could not be (no_assignment, several_candidates, port_needed, outside_address_space).
alter table report add column attribution text;
alter table report add column customer_id integer references customer (customer_id);
alter table report add column assignment_id integer references assignment (assignment_id);
-- How the match was made: cgnat_port, lease or static.
alter table report add column attribution_via text;
-- Customer ids of the candidates when several could have held the address (JSON array).
alter table report add column attribution_candidates text;
-- 'incident' when the report gave its time, 'arrival' when the first arrival had to stand in for it.
alter table report add column attribution_basis text;
alter table report add column attributed_at text;
create index report_attribution on report (attribution);
create index report_customer on report (customer_id);

-- Every change of a report's attribution after its first, with why (a late import, a re-run).
create table attribution_change (
    attribution_change_id integer primary key,
    report_id integer not null,
    from_attribution text,
    from_customer_id integer,
    to_attribution text not null,
    to_customer_id integer,
    reason text not null,
    changed_at text not null,
    created_at text not null,
    updated_at text not null,
    constraint attribution_change_report_fkey foreign key (report_id) references report (report_id)
        on delete cascade
);
create index attribution_change_report on attribution_change (report_id);

-- Every import of customers or assignments (command line or admin upload), dry runs included: who, what,
-- and what it found.
create table import_run (
    import_run_id integer primary key,
    kind text not null,
    file_name text not null,
    dry_run integer not null,
    imported_by text not null,
    rows_read integer not null,
    rows_added integer not null,
    rows_updated integer not null,
    rows_unchanged integer not null,
    -- JSON array of {line, message}.
    row_errors text not null,
    -- JSON array of conflict descriptions found after the import.
    conflicts text not null,
    reattributed integer not null,
    created_at text not null,
    updated_at text not null,
    constraint import_run_kind_check check (kind in ('customers', 'assignments', 'radius'))
);

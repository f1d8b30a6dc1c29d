-- Accounts, sign-in throttling and desk-wide settings: the foundation every later table builds on.

create table app_user (
    user_id integer primary key,
    username text not null,
    display_name text not null,
    password_hash text not null,
    role text not null,
    disabled_at text,
    must_change_password boolean not null default false,
    created_at text not null,
    updated_at text not null,
    constraint app_user_username_key unique (username),
    constraint app_user_role_check check (role in ('admin', 'analyst', 'manager', 'customer'))
);

-- One row per failed sign-in, under each key it counts against (account and client address).
create table signin_failure (
    signin_failure_id integer primary key,
    throttle_key text not null,
    failed_at text not null,
    created_at text not null
);
create index signin_failure_key_time on signin_failure (throttle_key, failed_at);
create index signin_failure_time on signin_failure (failed_at);

create table app_setting (
    setting_key text primary key,
    setting_value text not null,
    created_at text not null,
    updated_at text not null
);

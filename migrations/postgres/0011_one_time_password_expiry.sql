-- Issue 14: one-time passwords and portal invitations expire (72 hours, domain::user::ONE_TIME_PASSWORD_HOURS).
--
-- Set together with must_change_password; null for a chosen password. One-time passwords issued before
-- this migration get the full lifetime from now, so nobody holding one is cut off without warning.
alter table app_user add column password_expires_at timestamptz;
update app_user set password_expires_at = now() + interval '72 hours'
where must_change_password;

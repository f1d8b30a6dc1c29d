-- Issue 16: the unknown queue tells the desk what to do next.
--
-- Each message keeps its shape (the sender's domain and its Subject with the varying parts replaced, see
-- ingest::shape), written with every parse outcome, so the Intake page can group the messages no rule
-- understood with one indexed query instead of reading every raw message. Rows parsed before this
-- migration have no shape: the page counts them as "(shape not yet computed)" and `abusedesk reparse`
-- fills them in.
alter table inbound_message add column sender_domain text;
alter table inbound_message add column subject_shape text;
create index inbound_message_shape on inbound_message (parse_status, sender_domain, subject_shape);

-- A case's unique complaints of the last 7 days, kept beside its trend (issue 20): the front page's rate
-- tiles (and the queue filters they link to) read it instead of counting every flagged case's reports.
-- It is written by the same statements as the trend, from the same count, and holds exactly as long
-- (`trend_until` is never later than the moment the earliest of those complaints leaves the week).
alter table abuse_case add column week_unique bigint not null default 0;

-- No case has a kept week count yet: mark every kept trend lapsed, so each case is judged from its reports
-- until `serve` (or the next recount) keeps both again.
update abuse_case set trend_until = '1970-01-01 00:00:00+00';

-- The manager's month (decisions since the 1st, the time from first report to decision, and the queue of
-- cases decided since a day) reads this month's decisions from their creation instant, not all of them.
create index decision_created on decision (created_at);

-- The analyst's tiles "assigned to me" and "new and unassigned" count one assignee's open cases (the
-- unassigned ones are most of the queue): an index range carrying the status and the emptied-case check,
-- so neither reads the cases themselves.
create index abuse_case_assignee on abuse_case (assignee_id, status, stored_reports);

-- The "reopened" tile: few cases were ever reopened, so only those are indexed.
create index abuse_case_reopened on abuse_case (reopened_at) where reopened_at is not null;

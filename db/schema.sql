-- Runner's table (SPEC §7). Applied by `runner migrate`; every statement is idempotent, so it
-- runs safely on every deploy and against a table the API created first.
CREATE TABLE IF NOT EXISTS submissions (
  id           text PRIMARY KEY,
  pit_id       text,
  status       text NOT NULL,
  score        double precision,
  max_score    double precision,
  tests_passed int,
  tests_total  int,
  log_key      text,
  feedback_key text,
  error        text,
  attempts     int NOT NULL DEFAULT 0,
  started_at   timestamptz,
  finished_at  timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Operators list what is queued or running; the worker itself only reads rows by id.
CREATE INDEX IF NOT EXISTS submissions_status_idx ON submissions (status);

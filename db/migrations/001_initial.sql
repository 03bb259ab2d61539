-- 001: the `submissions` table (SPEC §7). Idempotent: it also runs against a table the API
-- created first, adding whichever of these columns that table lacks.
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

ALTER TABLE submissions
  ADD COLUMN IF NOT EXISTS pit_id       text,
  ADD COLUMN IF NOT EXISTS score        double precision,
  ADD COLUMN IF NOT EXISTS max_score    double precision,
  ADD COLUMN IF NOT EXISTS tests_passed int,
  ADD COLUMN IF NOT EXISTS tests_total  int,
  ADD COLUMN IF NOT EXISTS log_key      text,
  ADD COLUMN IF NOT EXISTS feedback_key text,
  ADD COLUMN IF NOT EXISTS error        text,
  ADD COLUMN IF NOT EXISTS attempts     int NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS started_at   timestamptz,
  ADD COLUMN IF NOT EXISTS finished_at  timestamptz,
  ADD COLUMN IF NOT EXISTS updated_at   timestamptz NOT NULL DEFAULT now();

-- Operators list what is queued or running; the worker itself only reads rows by id.
CREATE INDEX IF NOT EXISTS submissions_status_idx ON submissions (status);

-- 004: where each graded submission's ZIP is (the job's zipKey), written with its verdict, so
-- `runner regrade` can send the job again. Rows graded before this migration keep NULL and are
-- named by regrade as not re-sendable.
ALTER TABLE submissions
  ADD COLUMN IF NOT EXISTS zip_key text;

-- regrade selects one assignment's submissions.
CREATE INDEX IF NOT EXISTS submissions_pit_idx ON submissions (pit_id);

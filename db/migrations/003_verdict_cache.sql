-- 003: the verdict cache (README, "The verdict cache"), shared by every worker: an identical
-- submission (same files as graded, same PIT content, same runner version and sandbox level;
-- `key` is the SHA-256 of all four) gets the stored feedback.json instead of a new grading.
-- Rows are only added; nothing in `submissions` refers to them.
CREATE TABLE IF NOT EXISTS verdict_cache (
  key        text PRIMARY KEY,
  pit_id     text NOT NULL,
  feedback   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS verdict_cache_pit_idx ON verdict_cache (pit_id);

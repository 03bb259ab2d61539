-- 002: one grading per submission at a time (SPEC §7). The worker holding a submission owns
-- `lease_token` until `lease_expires_at`; a RUNNING row whose lease ran out belongs to a worker
-- that died. `failed_attempts` counts those crashed gradings (what RUNNER_MAX_ATTEMPTS caps),
-- `infra_retries` the gradings handed back after an infrastructure fault.
ALTER TABLE submissions
  ADD COLUMN IF NOT EXISTS lease_token      text,
  ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz,
  ADD COLUMN IF NOT EXISTS failed_attempts  int NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS infra_retries    int NOT NULL DEFAULT 0;

#!/usr/bin/env bash
# A local stack for `runner serve`, all on 127.0.0.1: a private PostgreSQL cluster (run as the
# `postgres` OS user: PostgreSQL refuses root), fauxqs (S3 + SQS, from tools/npm), a bucket, a
# job queue with a dead-letter queue (redrive after 20 receives), and the schema (runner migrate).
# Prints the environment to export, also saved in $RUNNER_STACK_DIR/env.
#
#   scripts/local-stack.sh          start (or report the running stack)
#   scripts/local-stack.sh stop     stop both servers and remove the state dir
#
# Then:  source /tmp/runner-stack/env
#        build/runner enqueue <zip> --pit calculator && build/runner serve
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${RUNNER_STACK_DIR:-/tmp/runner-stack}
runner=${RUNNER_BIN:-$root/build/runner}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  if [[ -f $dir/fauxqs.pid ]]; then kill "$(cat "$dir/fauxqs.pid")" 2>/dev/null || true; fi
  if [[ -d $dir/pg/data ]]; then as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  echo "local stack stopped"
}

if [[ ${1:-} == stop ]]; then stop; exit 0; fi
if [[ -f $dir/env ]]; then
  echo "local stack already running; environment in $dir/env:"; cat "$dir/env"; exit 0
fi
[[ -n $pg_bin ]] || { echo "PostgreSQL server not installed (scripts/install.sh)" >&2; exit 1; }
[[ -x $runner ]] || { echo "$runner not built (scripts/build.sh)" >&2; exit 1; }
app=$root/tools/npm/node_modules/fauxqs/dist/app.js
[[ -f $app ]] || { echo "fauxqs missing: run scripts/install.sh" >&2; exit 1; }

# A failed start leaves nothing running behind.
trap 'echo "local-stack.sh: start failed; cleaning up" >&2; stop >/dev/null' ERR
mkdir -p "$dir/pg" "$dir/work"
chmod 755 "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pg"
pg_port=$(free_port)
as_postgres "$pg_bin/initdb" -D "$dir/pg/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w -t 30 \
  -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1" start >/dev/null

# fauxqs exits when its stdin closes: give it a FIFO opened read-write, which never ends.
s3_port=$(free_port)
mkfifo "$dir/fauxqs.stdin"
FAUXQS_PORT=$s3_port nohup node tests/aws/servers/fauxqs_server.mjs "$app" \
  0<>"$dir/fauxqs.stdin" >"$dir/fauxqs.log" 2>&1 &
echo $! >"$dir/fauxqs.pid"
for _ in $(seq 100); do grep -q PORT "$dir/fauxqs.log" 2>/dev/null && break; sleep 0.1; done
grep -q PORT "$dir/fauxqs.log" || { echo "fauxqs did not start: $(cat "$dir/fauxqs.log")" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port
# Some aws CLI versions ignore AWS_ENDPOINT_URL: pass it explicitly.
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
aws s3api create-bucket --bucket runner-local >/dev/null
dlq_url=$(aws sqs create-queue --queue-name runner-jobs-dlq --query QueueUrl --output text)
dlq_arn=$(aws sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn \
  --query Attributes.QueueArn --output text)
cat >"$dir/queue-attributes.json" <<JSON
{"VisibilityTimeout": "60",
 "RedrivePolicy": "{\"deadLetterTargetArn\":\"$dlq_arn\",\"maxReceiveCount\":\"20\"}"}
JSON
queue_url=$(aws sqs create-queue --queue-name runner-jobs \
  --attributes "file://$dir/queue-attributes.json" --query QueueUrl --output text)

cat >"$dir/env" <<ENV
# AWS_DEFAULT_REGION too: the aws CLI v1 reads only that one.
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port
export AWS_S3_BUCKET=runner-local
export AWS_SQS_QUEUE_URL=$queue_url
export DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/postgres
export RUNNER_PITS_DIR=$root/examples/pits RUNNER_WORK_DIR=$dir/work
export RUNNER_POLL_INTERVAL_MS=5000 RUNNER_HTTP_HOST=127.0.0.1 RUNNER_HTTP_PORT=8080
ENV
# shellcheck disable=SC1091
source "$dir/env"
"$runner" migrate
echo "dead-letter queue: $dlq_url (after 5 receives)"
echo "local stack running; export this (or: source $dir/env):"
cat "$dir/env"

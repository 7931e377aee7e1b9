#!/usr/bin/env bash
# aws-cli against a FastS3 server: mb, cp up/down (small and a 100 MiB multipart file, content
# compared), ls, sync, rm, rb. Exits non-zero on the first mismatch or error.
# Usage: tools/awscli-smoke.sh [endpoint]   (default: starts its own server on a free loopback port)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

endpoint=${1:-}
if [ -z "$endpoint" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dotnet build src/FastS3.Server -c Release -v q -nologo >/dev/null
  # The default (persistent engine) backend, in the throw-away folder, with the shipped credentials.
  printf 'auth_file = "%s"\nstorage_backend = "engine"\nstorage_root = "%s"\n' "$PWD/creds.txt" "$work/data" >"$work/config.toml"
  dotnet src/FastS3.Server/bin/Release/net10.0/fasts3.dll -c "$work/config.toml" -l "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
fi

export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-fasts3admin}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-fasts3secret-change-me}
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
aws() { command aws --endpoint-url "$endpoint" "$@"; }
fail() { echo "awscli-smoke: FAIL: $*" >&2; exit 1; }

bucket="smoke-$RANDOM$RANDOM"
echo "awscli-smoke: endpoint $endpoint, bucket $bucket"
aws s3 mb "s3://$bucket" >/dev/null

printf 'hello from aws-cli\n' >"$work/small.txt"
head -c $((100 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
aws s3 cp "$work/small.txt" "s3://$bucket/dir/small.txt" --only-show-errors
aws s3 cp "$work/big.bin" "s3://$bucket/big.bin" --only-show-errors
aws s3 cp "s3://$bucket/dir/small.txt" "$work/small.back" --only-show-errors
aws s3 cp "s3://$bucket/big.bin" "$work/big.back" --only-show-errors
cmp -s "$work/small.txt" "$work/small.back" || fail "small file round trip differs"
[ "$(sha256sum <"$work/big.bin")" = "$(sha256sum <"$work/big.back")" ] || fail "100 MiB multipart round trip differs"

etag=$(aws s3api head-object --bucket "$bucket" --key big.bin --query ETag --output text)
case "$etag" in *-*) ;; *) fail "100 MiB upload was not multipart (ETag $etag)";; esac

listing=$(aws s3 ls "s3://$bucket" --recursive)
echo "$listing" | grep -q "dir/small.txt" || fail "ls misses dir/small.txt"
echo "$listing" | grep -q "big.bin" || fail "ls misses big.bin"

mkdir -p "$work/sync/sub"
for i in 1 2 3; do echo "file $i" >"$work/sync/f$i.txt"; done
echo nested >"$work/sync/sub/n.txt"
aws s3 sync "$work/sync" "s3://$bucket/sync" --only-show-errors
count=$(aws s3 ls "s3://$bucket/sync/" --recursive | wc -l)
[ "$count" -eq 4 ] || fail "sync uploaded $count files, expected 4"
mkdir -p "$work/sync-back"
aws s3 sync "s3://$bucket/sync" "$work/sync-back" --only-show-errors
diff -r "$work/sync" "$work/sync-back" >/dev/null || fail "sync down differs"

aws s3 rm "s3://$bucket" --recursive --only-show-errors
[ -z "$(aws s3 ls "s3://$bucket" --recursive)" ] || fail "rm --recursive left objects"
aws s3 rb "s3://$bucket" >/dev/null
if aws s3api head-bucket --bucket "$bucket" 2>/dev/null; then fail "bucket still exists after rb"; fi

# Graceful shutdown of the server this script started: SIGTERM -> stop accepting, finish, exit 0.
if [ -n "$server_pid" ]; then
  kill -TERM "$server_pid"
  status=0
  wait "$server_pid" || status=$?
  server_pid=""
  [ "$status" -eq 0 ] || fail "server exited with $status on SIGTERM"
  grep -q "Stopped" "$work/server.log" || fail "server log has no orderly stop"
fi
echo "awscli-smoke: OK"

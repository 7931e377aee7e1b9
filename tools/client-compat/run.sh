#!/usr/bin/env bash
# Real non-.NET clients (boto3, aws-cli, curl) against one FastS3 server: builds it, starts it on a
# free loopback port with a throw-away two-user credentials file, runs `python3 -m unittest` over
# test_*.py in this folder, stops the server.
# Last line: "N passed, N failed, N skipped". Exit code non-zero on any failure or error.
# Usage: tools/client-compat/run.sh [unittest args, e.g. -k presign]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "$1 passed, $2 failed${3:+, $3 skipped}"; [ "$2" -eq 0 ]; exit $?; }

# The build can collide with another build holding a file lock: retry a few times.
built=""
for attempt in 1 2 3; do
  if dotnet build src/FastS3.Server -c Release -v q -nologo >"$work/build.log" 2>&1; then built=1; break; fi
  echo "client-compat: build attempt $attempt failed, retrying" >&2
  sleep $((attempt * 5))
done
if [ -z "$built" ]; then
  tail -20 "$work/build.log" >&2
  echo "client-compat: server build failed" >&2
  finish 0 1
fi

key1=cc-user-one secret1="cc-secret-one-$RANDOM$RANDOM"
key2=cc-user-two secret2="cc-secret-two-$RANDOM$RANDOM"
printf '# client-compat throw-away users\n%s:%s\n%s:%s\n' "$key1" "$secret1" "$key2" "$secret2" >"$work/creds.txt"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The default (persistent engine) backend, in the throw-away folder.
printf 'auth_file = "%s"\nstorage_backend = "engine"\nstorage_root = "%s"\n' "$work/creds.txt" "$work/data" >"$work/config.toml"
dotnet src/FastS3.Server/bin/Release/net10.0/fasts3.dll -c "$work/config.toml" -l "127.0.0.1:$port" \
  >"$work/server.log" 2>&1 &
server_pid=$!
up=""
for _ in $(seq 1 150); do
  kill -0 "$server_pid" 2>/dev/null || break
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
if [ -z "$up" ]; then
  cat "$work/server.log" >&2
  echo "client-compat: server did not start" >&2
  finish 0 1
fi

export FASTS3_ENDPOINT="http://127.0.0.1:$port"
export FASTS3_KEY=$key1 FASTS3_SECRET=$secret1 FASTS3_KEY2=$key2 FASTS3_SECRET2=$secret2
echo "client-compat: server at $FASTS3_ENDPOINT" >&2

# Bounded: the whole suite normally takes about a minute.
timeout 600 python3 -m unittest discover -s "$here" -t "$here" -p 'test_*.py' -v "$@" 2>&1 | tee "$work/unittest.log" >&2

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "client-compat: the server exited during the run; its log:" >&2
  tail -40 "$work/server.log" >&2
fi

read -r passed failed skipped < <(python3 - "$work/unittest.log" <<'EOF'
import re, sys
text = open(sys.argv[1], errors="replace").read()
ran = re.findall(r"^Ran (\d+) tests? in", text, re.M)
if not ran:
    print(0, 1, 0)  # unittest never reached its summary (crash or timeout)
    sys.exit()
ran = int(ran[-1])
counts = {k: int(v) for k, v in re.findall(r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)",
                                           text.strip().splitlines()[-1])}
failed = counts.get("failures", 0) + counts.get("errors", 0) + counts.get("unexpected successes", 0)
skipped = counts.get("skipped", 0)
passed = max(0, ran - failed - skipped)
print(passed, failed, skipped)
EOF
)
finish "$passed" "$failed" "$skipped"

#!/usr/bin/env bash
# The whole default test suite: every xunit project in FastS3.sln, then the aws-cli smoke test
# and the boto3/aws-cli/curl compatibility suite against started servers. Ends with one line "N passed, N failed".
# Long campaigns (soak, crash loops, fuzzing) are not part of this run.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v aws >/dev/null 2>&1; then
  echo "run-tests: aws-cli not found; installing Debian's awscli"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli) >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build FastS3.sln -c Release -nologo -v q 2>&1 | tail -n 20
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "run-tests: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test FastS3.sln -c Release --no-build -nologo 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

# Each test project ends with "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    gsub(",", "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1);
      if ($i == "Passed:") p += $(i + 1);
      if ($i == "Skipped:") s += $(i + 1);
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a crashed test host counts as a failure even if no summary line said so
fi

if tools/awscli-smoke.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# boto3 / aws-cli / curl against a started server; its last line is "N passed, N failed, N skipped".
# (Captured to a file, not tee'd to /dev/stderr: when stderr is a file, reopening /dev/stderr truncates it.)
compat_log=$(mktemp)
tools/client-compat/run.sh >"$compat_log" 2>&1
cat "$compat_log"
compat=$(tail -n 1 "$compat_log")
rm -f "$compat_log"
if [[ "$compat" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
  skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
else
  echo "run-tests: client-compat did not report a summary"
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

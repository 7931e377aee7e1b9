#!/usr/bin/env bash
# The race, one command, loopback only: FastS3 (memory and engine backends) against nginx and a
# minimal Kestrel app (wrk, same bytes, 4 KiB / 64 KiB / 1 MiB GET, plain and pipelined depth 16),
# FastS3 against moto's server mode and s3rver on S3 workloads (fasts3-loadgen), and the machine's
# physical limits (iperf3 loopback, fio). Every figure is the median of >= 3 rounds with min-max;
# ratios are computed per round (the servers run back to back inside a round) and their median is
# the claim.
#
# Usage: tools/bench-compare.sh [--quick]       (full ~20-25 min, --quick ~5-6 min)
#        tools/bench-compare.sh --focus SIZES   (wrk depth 1 only, e.g. --focus 1m or --focus "64k 1m":
#                                                5 rounds x 10 s, no syscalls/S3/physical parts; adds
#                                                both backends with direct_send = false as a paired A/B)
# Needs: dotnet, python3 with moto, node/npm for s3rver 3.7.1 (each optional: skipped with a note),
# Debian packages wrk nginx fio iperf3 strace (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
focus=""
[ "${1:-}" = "--quick" ] && quick=1
[ "${1:-}" = "--focus" ] && focus=${2:?--focus needs sizes, e.g. 1m}
sizes="4k 64k 1m"
if [ -n "$focus" ]; then
  rounds=5; dur=10s; pipe_sizes=""; sizes=$focus
elif [ "$quick" = 1 ]; then
  rounds=3; dur=3s; pipe_sizes="4k"; s3_rounds=1; s3_dur=3; phys_dur=3
else
  rounds=3; dur=10s; pipe_sizes="4k 64k 1m"; s3_rounds=3; s3_dur=5; phys_dur=5
fi

tmp=$(mktemp -d)
# nginx's workers drop root privileges: they must be able to read the temp root (mktemp makes 0700).
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

log() { echo "bench-compare: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "port $1 did not open"; return 1
}

# --- tools -------------------------------------------------------------------------------------
PATH=$PATH:/usr/sbin
missing=()
for t in wrk nginx fio iperf3 strace; do command -v "$t" >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log "building (Release)"
for p in src/FastS3.Server tools/FastS3.LoadGen tools/kestrel-minimal; do
  dotnet build "$p" -c Release -v q -nologo >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
done
fasts3=src/FastS3.Server/bin/Release/net10.0/fasts3.dll
loadgen=tools/FastS3.LoadGen/bin/Release/net10.0/fasts3-loadgen.dll
kestrel=tools/kestrel-minimal/bin/Release/net10.0/kestrel-minimal.dll
lg() { dotnet "$loadgen" "$@"; }

# --- the same bytes for everyone ---------------------------------------------------------------
mkdir -p "$tmp/www"
head -c 4096 /dev/urandom >"$tmp/www/4k"
head -c 65536 /dev/urandom >"$tmp/www/64k"
head -c 1048576 /dev/urandom >"$tmp/www/1m"

# --- FastS3, memory and engine backends (temp credentials, the same objects) -------------------
secret=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "race:$secret" >"$tmp/creds.txt"
printf 'auth_file = "%s"\nstorage_backend = "memory"\n' "$tmp/creds.txt" >"$tmp/fasts3.toml"
# The engine as shipped: fsync durability, WAL segments and index under a temp storage_root.
printf 'auth_file = "%s"\nstorage_backend = "engine"\nstorage_root = "%s"\n' "$tmp/creds.txt" "$tmp/engine" >"$tmp/fasts3-engine.toml"
declare -A fget
start_fasts3() { # name config -> sets port_<name>, pid_<name>; PUTs and checks the race objects
  local port; port=$(free_port)
  dotnet "$fasts3" -c "$2" -l "127.0.0.1:$port" >"$tmp/$1.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  wait_port "$port"
  printf -v "port_$1" '%s' "$port"; printf -v "pid_$1" '%s' "$pid"
  local keys=(--endpoint "127.0.0.1:$port" --access-key race --secret-key "$secret")
  curl -sf -X PUT "http://127.0.0.1:$port$(lg presign "${keys[@]}" --method PUT --path /race)" >/dev/null
  for f in 4k 64k 1m; do
    curl -sf -X PUT --data-binary "@$tmp/www/$f" "http://127.0.0.1:$port$(lg presign "${keys[@]}" --method PUT --path "/race/$f")" >/dev/null
    fget[$1,$f]=$(lg presign "${keys[@]}" --method GET --path "/race/$f" --expires 7200)
    curl -sf "http://127.0.0.1:$port${fget[$1,$f]}" | cmp -s - "$tmp/www/$f" || { log "$1 returned other bytes for $f"; exit 1; }
  done
}
start_fasts3 fasts3 "$tmp/fasts3.toml"
start_fasts3 engine "$tmp/fasts3-engine.toml"
fport=$port_fasts3; fpid=$pid_fasts3; eport=$port_engine
fastservers="fasts3 engine"
if [ -n "$focus" ]; then
  # The A/B for the direct body send: the same two backends with GET bodies copied through the pipe.
  sed 's/^storage_backend = "memory"$/&\ndirect_send = false/' "$tmp/fasts3.toml" >"$tmp/copy.toml"
  sed "s|^storage_root = .*|storage_root = \"$tmp/engine-copy\"\ndirect_send = false|" "$tmp/fasts3-engine.toml" >"$tmp/engcopy.toml"
  start_fasts3 copy "$tmp/copy.toml"
  start_fasts3 engcopy "$tmp/engcopy.toml"
  fastservers="fasts3 engine copy engcopy"
fi

# --- nginx (own conf, daemon off, temp root, 1 worker) -----------------------------------------
nport=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 10000000;
  default_type application/octet-stream;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server { listen 127.0.0.1:$nport; root $tmp/www; }
}
NGX
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=("$!")
wait_port "$nport"

# --- minimal Kestrel ---------------------------------------------------------------------------
kport=$(free_port)
dotnet "$kestrel" "$kport" "$tmp/www" >"$tmp/kestrel.log" 2>&1 &
kpid=$!; pids+=("$kpid")
wait_port "$kport"
for f in 4k; do
  curl -sf "http://127.0.0.1:$nport/$f" | cmp -s - "$tmp/www/$f" || { log "nginx bytes differ"; exit 1; }
  curl -sf "http://127.0.0.1:$kport/$f" | cmp -s - "$tmp/www/$f" || { log "Kestrel bytes differ"; exit 1; }
done

# --- wrk race ----------------------------------------------------------------------------------
results="$tmp/results.tsv"   # workload  server  round  value
: >"$results"
one_wrk() { # name server url path depth round
  local out
  out=$(wrk -t1 -c64 -d"$dur" -s tools/wrk/get.lua "$2" -- "$3" "$4" 2>&1)
  local rps; rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    log "WARNING $1 $5: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ')"
    echo "$1	$5-errors	$6	1" >>"$results"
  fi
  echo "$1	$5	$6	$rps" >>"$results"
}
log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "wrk race: $rounds rounds x $dur per run"
for r in $(seq 1 "$rounds"); do
  for f in $sizes; do
    for depth in 1 16; do
      [ "$depth" = 16 ] && ! grep -qw "$f" <<<"$pipe_sizes" && continue
      w="GET $f c64 depth$depth"
      for srv in $fastservers; do
        port_var="port_$srv"
        one_wrk "$w" "http://127.0.0.1:${!port_var}" "${fget[$srv,$f]}" "$depth" "$srv" "$r"
      done
      one_wrk "$w" "http://127.0.0.1:$nport" "/$f" "$depth" nginx "$r"
      one_wrk "$w" "http://127.0.0.1:$kport" "/$f" "$depth" kestrel "$r"
      log "round $r $w: $(grep -P "^$w\t" "$results" | awk -F'\t' -v r="$r" '$3==r {printf "%s=%s ", $2, $4}')"
    done
  done
done

# --- syscalls per request, 4 KiB GET (strace -c on the server process, 2 s of wrk -c64) ---------
sys_per_req() { # pid url path
  strace -c -f -p "$1" -o "$tmp/strace.txt" 2>/dev/null &
  local sp=$!
  sleep 0.5
  local out; out=$(wrk -t1 -c64 -d2s -s tools/wrk/get.lua "$2" -- "$3" 1)
  kill -INT "$sp" 2>/dev/null; wait "$sp" 2>/dev/null || true
  local req; req=$(awk '/requests in/ {print $1}' <<<"$out")
  local calls; calls=$(awk '/total$/ {print $4}' "$tmp/strace.txt" | tail -1)
  python3 -c "print(f'{int(\"$calls\")/int(\"$req\"):.2f} syscalls/request ({\"$calls\"} calls, {\"$req\"} requests, traced)')"
}
sys_fasts3=skipped; sys_nginx=skipped; sys_kestrel=skipped
if [ -z "$focus" ]; then
  nginx_pid=$(cat "$tmp/nginx/nginx.pid")
  nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
  sys_fasts3=$(sys_per_req "$fpid" "http://127.0.0.1:$fport" "${fget[fasts3,4k]}" || echo n/a)
  sys_nginx=$(sys_per_req "$nginx_worker" "http://127.0.0.1:$nport" /4k || echo n/a)
  sys_kestrel=$(sys_per_req "$kpid" "http://127.0.0.1:$kport" /4k || echo n/a)
fi

# --- S3 workloads: FastS3 (memory, engine) vs moto and s3rver ----------------------------------
s3="$tmp/s3.tsv"
: >"$s3"
if [ -z "$focus" ]; then
  mport=$(free_port)
  moto_ok=0
  if python3 -c 'import moto.server' 2>/dev/null; then
    python3 -m moto.server -H 127.0.0.1 -p "$mport" >"$tmp/moto.log" 2>&1 &
    pids+=("$!")
    wait_port "$mport" && moto_ok=1
  else
    log "moto not installed: S3 peer skipped"
  fi
  # s3rver (npm), the second independent S3 implementation: installed into the temp folder; it
  # knows one key pair (S3RVER/S3RVER), which its own README documents.
  sport=$(free_port)
  s3rver_ok=0
  if (cd "$tmp" && mkdir -p s3rver && cd s3rver && timeout 300 npm install --no-audit --no-fund --silent s3rver@3.7.1) >"$tmp/npm.log" 2>&1; then
    mkdir -p "$tmp/s3rver-data"
    "$tmp/s3rver/node_modules/.bin/s3rver" -d "$tmp/s3rver-data" -a 127.0.0.1 -p "$sport" -s >"$tmp/s3rver.log" 2>&1 &
    pids+=("$!")
    wait_port "$sport" && s3rver_ok=1
  else
    log "npm install s3rver@3.7.1 failed: s3rver peer skipped ($(tail -1 "$tmp/npm.log"))"
  fi
  s3_run() { # target port mode size conc objects round access secret
    local json rc=0
    json=$(lg "$3" --endpoint "127.0.0.1:$2" --access-key "$8" --secret-key "$9" --bucket "$(tr 'A-Z' 'a-z' <<<"lg-$1-$3-$4-$7")" \
      --size "$4" -c "$5" --objects "$6" -d "$s3_dur" --json 2>"$tmp/lg.err") || rc=$?
    printf '%s' "$json" >"$tmp/lg.json"
    python3 - "$1" "$3 $4 c$5" "$7" "$rc" "$tmp/lg.json" >>"$s3" <<'PY'
import json, sys
target, work, rnd, rc, path = sys.argv[1:6]
try:
    d = json.load(open(path)); t = d["ops"]["TOTAL"]
    print(f"{work}\t{target}\t{rnd}\t{t['ops_per_sec']}\t{t['mb_per_sec']}\t{t['p99_ms']}\t{d['errors']}")
except Exception:
    print(f"{work}\t{target}\t{rnd}\t0\t0\t0\tfailed(rc={rc})")
PY
  }
  log "S3 workloads: $s3_rounds round(s) x ${s3_dur}s"
  for r in $(seq 1 "$s3_rounds"); do
    for spec in "put 4KiB 16 256" "get 4KiB 16 256" "mixed 4KiB 16 256" "put 1MiB 8 32" "get 1MiB 8 32" "mixed 1MiB 8 32"; do
      set -- $spec
      s3_run fasts3 "$fport" "$1" "$2" "$3" "$4" "$r" race "$secret"
      s3_run engine "$eport" "$1" "$2" "$3" "$4" "$r" race "$secret"
      [ "$moto_ok" = 1 ] && s3_run moto "$mport" "$1" "$2" "$3" "$4" "$r" race "$secret"
      [ "$s3rver_ok" = 1 ] && s3_run s3rver "$sport" "$1" "$2" "$3" "$4" "$r" S3RVER S3RVER
      log "S3 round $r $1 $2: $(grep -P "^$1 $2 c$3\t" "$s3" | awk -F'\t' -v r="$r" '$3==r {printf "%s=%s ", $2, $4}')"
    done
  done
fi

# --- physical limits ---------------------------------------------------------------------------
iperf=skipped; fio_seq=skipped; fio_sync=skipped
if [ -z "$focus" ]; then
  log "physical limits"
  iport=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$iport" -1 >/dev/null 2>&1 &
  pids+=("$!")
  sleep 0.5
  iperf=$(iperf3 -c 127.0.0.1 -p "$iport" -t "$phys_dur" -J 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f GB/s" % (d["end"]["sum_received"]["bits_per_second"]/8e9))' || echo n/a)
  mkdir -p "$tmp/fio"
  fio_seq=$(fio --name=seq --directory="$tmp/fio" --rw=write --bs=1M --size=512M --end_fsync=1 --runtime="$phys_dur" \
    --output-format=json 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]["write"]; print("%.2f GB/s" % (j["bw_bytes"]/1e9))' || echo n/a)
  fio_sync=$(fio --name=sync --directory="$tmp/fio" --rw=write --bs=4k --size=64M --fdatasync=1 --runtime="$phys_dur" --time_based \
    --output-format=json 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; p=j["sync"]["lat_ns"]["percentile"]; print("%.0f writes+fdatasync/s (fdatasync p50 %.0f us)" % (j["write"]["iops"], p["50.000000"]/1e3))' || echo n/a)
fi
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ------------------------------------------------------------------------------------
python3 - "$results" "$s3" "$rounds" "$dur" "${s3_rounds:-0}" "${s3_dur:-0}" <<PY
import statistics as st, sys, collections
res, s3, rounds, dur, s3r, s3d = sys.argv[1:7]
rows = collections.defaultdict(dict)
errs = set()
for line in open(res):
    w, srv, r, v = line.rstrip("\n").split("\t")
    if srv.endswith("-errors"): errs.add((w, srv[:-7])); continue
    rows[w].setdefault(srv, {})[r] = float(v or 0)
def mm(vals): return f"{st.median(vals):,.0f} ({min(vals):,.0f}-{max(vals):,.0f})" if vals else "n/a"
def rr(vals): return f"{st.median(vals):.2f} ({min(vals):.2f}-{max(vals):.2f})" if vals else "n/a"
def ratio(a, b): return rr([a[r] / b[r] for r in a if b.get(r)])
print()
print(f"## wrk -t1 -c64, {rounds} rounds x {dur}, requests/s: median (min-max); ratios paired per round")
print()
names = [("fasts3", "FastS3 memory"), ("engine", "FastS3 engine"), ("copy", "memory, pipe copy"), ("engcopy", "engine, pipe copy"), ("nginx", "nginx"), ("kestrel", "Kestrel")]
pairs = [("fasts3", "nginx", "memory/nginx"), ("fasts3", "kestrel", "memory/Kestrel"), ("engine", "nginx", "engine/nginx"), ("engine", "kestrel", "engine/Kestrel"),
         ("fasts3", "copy", "memory direct/copy"), ("engine", "engcopy", "engine direct/copy")]
present = {srv for d in rows.values() for srv in d}
cols = [(k, n) for k, n in names if k in present]
ratios = [(a, b, n) for a, b, n in pairs if a in present and b in present]
print("| workload | " + " | ".join(n for _, n in cols) + " | " + " | ".join(n for *_, n in ratios) + " |")
print("| --- " * (1 + len(cols) + len(ratios)) + "|")
for w, d in rows.items():
    mark = lambda s: " (errors!)" if (w, s) in errs else ""
    vals = [f"{mm(list(d.get(k, {}).values()))}{mark(k)}" for k, _ in cols]
    rats = [ratio(d.get(a, {}), d.get(b, {})) for a, b, _ in ratios]
    print(f"| {w} | " + " | ".join(vals) + " | " + " | ".join(rats) + " |")
if "$focus":
    sys.exit(0)
print()
print("syscalls per 4 KiB GET (strace -c -f on the server, wrk -c64 2 s; tracing slows everything):")
print("  FastS3:  $sys_fasts3")
print("  nginx:   $sys_nginx")
print("  Kestrel: $sys_kestrel")
s = collections.defaultdict(lambda: collections.defaultdict(dict))
for line in open(s3):
    w, t, r, ops, mb, p99, e = line.rstrip("\n").split("\t")
    s[w][t][r] = (float(ops), float(mb), float(p99), e)
print()
print(f"## S3 workloads (fasts3-loadgen, SigV4), {s3r} round(s) x {s3d} s: ops/s median (min-max), MB/s, p99 ms; ratios paired per round")
print()
print("| workload | server | ops/s | MB/s | p99 ms | x moto | x s3rver |")
print("| --- | --- | --- | --- | --- | --- | --- |")
names = {"fasts3": "FastS3 memory", "engine": "FastS3 engine", "moto": "moto", "s3rver": "s3rver"}
for w, d in s.items():
    for t in ("fasts3", "engine", "moto", "s3rver"):
        x = d.get(t)
        if not x: continue
        bad = [v[3] for v in x.values() if v[3] != "0"]
        ops = {r: v[0] for r, v in x.items()}
        def vs(peer):
            if t not in ("fasts3", "engine") or peer not in d: return ""
            p = {r: v[0] for r, v in d[peer].items() if v[0] > 0}
            return ratio(ops, p) if p else "n/a"
        print(f"| {w} | {names[t]} | {mm(list(ops.values()))}{' (errors: ' + ','.join(bad) + ')' if bad else ''} | {st.median([v[1] for v in x.values()]):,.1f} | {st.median([v[2] for v in x.values()]):.2f} | {vs('moto')} | {vs('s3rver')} |")
print()
print("physical limits:")
print("  iperf3 loopback, one stream:      $iperf")
print("  fio sequential 1 MiB writes:      $fio_seq")
print("  fio 4 KiB write + fdatasync:      $fio_sync")
print()
print("machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load before/after in the log above")
PY

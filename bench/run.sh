#!/usr/bin/env bash
# Benchmark: direct vs haproxy (mode tcp) vs vaurien (tcp, redis and http, each + dummy), same run, same machine.
# Usage: bench/run.sh [--quick]     (see bench/README.md)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TOOL="python3 $HERE/lib/benchtool.py"

MODE=full
for a in "$@"; do
  case "$a" in
    --quick) MODE=quick ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

if [[ $MODE == quick ]]; then
  # Memory once: its samples vary by less than 0.1 KiB, and three runs took a quarter of the quick mode's time.
  RUNS=3; IPERF_SECS=1; REDIS_N1=10000; REDIS_N16=80000; WARM_N1=20000; WARM_N16=80000; CHURN_N=1000; IDLE_N=2000; WRK_SECS=2; MEMORY_RUNS=1; WARM_WRK_SECS=1
else
  RUNS=5; IPERF_SECS=5; REDIS_N1=100000; REDIS_N16=800000; WARM_N1=100000; WARM_N16=800000; CHURN_N=2000; IDLE_N=2000; WRK_SECS=5; MEMORY_RUNS=5; WARM_WRK_SECS=5
fi
DEADLINE=30   # seconds to wait for anything to listen

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# ---------------------------------------------------------------- dependencies
need=()
for p in haproxy iperf3 redis-server redis-tools wrk; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then need+=("$p"); fi
done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

# ---------------------------------------------------------------- temp dir, cleanup
TMP="$(mktemp -d /tmp/vaurien-bench.XXXXXX)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---------------------------------------------------------------- build
log "publishing src/Vaurien.Host (Release)"
dotnet publish "$ROOT/src/Vaurien.Host" -c Release -o "$TMP/vaurien" -nologo -v quiet >"$TMP/publish.log" 2>&1 \
  || { cat "$TMP/publish.log" >&2; exit 1; }
VAURIEN="$TMP/vaurien/vaurien"
log "publishing bench/HttpBackend (Release)"
dotnet publish "$HERE/HttpBackend" -c Release -o "$TMP/httpbackend" -nologo -v quiet >"$TMP/publish-http.log" 2>&1 \
  || { cat "$TMP/publish-http.log" >&2; exit 1; }

# ---------------------------------------------------------------- helpers
haproxy_cfg() { # listen_port backend_port file
  cat >"$3" <<EOF
global
    maxconn 8000
    log stderr local0 warning
defaults
    mode tcp
    timeout connect 5s
    timeout client 120s
    timeout server 120s
listen bench
    bind 127.0.0.1:$1
    server backend 127.0.0.1:$2
EOF
}
LAST_PID=
start_haproxy() { # listen_port backend_port
  local cfg="$TMP/haproxy-$1.cfg"
  haproxy_cfg "$1" "$2" "$cfg"
  haproxy -f "$cfg" -db >"$TMP/haproxy-$1.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
  $TOOL waitport "$1" "$DEADLINE" "$LAST_PID" || { cat "$TMP/haproxy-$1.log" >&2; echo "haproxy did not listen on $1" >&2; exit 1; }
}
start_vaurien() { # listen_port backend_port [protocol]
  "$VAURIEN" --proxy "127.0.0.1:$1" --backend "127.0.0.1:$2" --protocol "${3:-tcp}" --behavior 100:dummy \
    --log-level warning >"$TMP/vaurien-$1.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
  $TOOL waitport "$1" "$DEADLINE" "$LAST_PID" || { cat "$TMP/vaurien-$1.log" >&2; echo "vaurien did not listen on $1" >&2; exit 1; }
}
stop_pid() { # kill one of our children and forget it, so that cleanup never signals a reused PID
  kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  local keep=() x; for x in "${PIDS[@]}"; do [[ $x == "$1" ]] || keep+=("$x"); done; PIDS=("${keep[@]}")
}

SAMPLES="$TMP/samples.txt"; : >"$SAMPLES"
sample() { echo "$1 $2 $3" >>"$SAMPLES"; }

# ---------------------------------------------------------------- backends + proxies
read -r IPERF_PORT REDIS_PORT HTTP_PORT HA_IPERF HA_REDIS HA_HTTP V_IPERF V_REDIS V_HTTP VR_REDIS VH_HTTP < <($TOOL freeports 11)
log "iperf3 :$IPERF_PORT  redis :$REDIS_PORT  http :$HTTP_PORT  haproxy :$HA_IPERF/:$HA_REDIS/:$HA_HTTP"
log "vaurien tcp :$V_IPERF/:$V_REDIS/:$V_HTTP  vaurien redis :$VR_REDIS  vaurien http :$VH_HTTP"

iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" >"$TMP/iperf3.log" 2>&1 &
PIDS+=("$!")
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --maxclients 15000 \
  --daemonize no --logfile "$TMP/redis.log" &
PIDS+=("$!")
"$TMP/httpbackend/HttpBackend" "$HTTP_PORT" >"$TMP/httpbackend.log" 2>&1 &
PIDS+=("$!")
$TOOL waitport "$IPERF_PORT" "$DEADLINE"
$TOOL waitping "$REDIS_PORT" "$DEADLINE"
$TOOL waitport "$HTTP_PORT" "$DEADLINE"

start_haproxy "$HA_IPERF" "$IPERF_PORT"; start_haproxy "$HA_REDIS" "$REDIS_PORT"; start_haproxy "$HA_HTTP" "$HTTP_PORT"
start_vaurien "$V_IPERF" "$IPERF_PORT"
start_vaurien "$V_REDIS" "$REDIS_PORT"
start_vaurien "$V_HTTP" "$HTTP_PORT"
start_vaurien "$VR_REDIS" "$REDIS_PORT" redis
start_vaurien "$VH_HTTP" "$HTTP_PORT" http
$TOOL waitping "$HA_REDIS" "$DEADLINE"; $TOOL waitping "$V_REDIS" "$DEADLINE"; $TOOL waitping "$VR_REDIS" "$DEADLINE"

# Which paths each workload runs: iperf3 is raw bytes (tcp only); redis and HTTP also go through their framers.
declare -A IPERF_TO=([direct]=$IPERF_PORT [haproxy]=$HA_IPERF [vaurien]=$V_IPERF)
declare -A REDIS_TO=([direct]=$REDIS_PORT [haproxy]=$HA_REDIS [vaurien]=$V_REDIS [vaurien-redis]=$VR_REDIS)
declare -A HTTP_TO=([direct]=$HTTP_PORT [haproxy]=$HA_HTTP [vaurien]=$V_HTTP [vaurien-http]=$VH_HTTP)
IPERF_PATHS=(direct haproxy vaurien)
REDIS_PATHS=(direct haproxy vaurien vaurien-redis)
HTTP_PATHS=(direct haproxy vaurien vaurien-http)

# Each workload starts with one unmeasured pass over every path, the same for all of them: a fresh vaurien runs its
# first requests in tier-0 code while the JIT tiers it up (its first redis run was 15-35% below the next ones), and
# the figures are of the data path, not of its warm-up. iperf3 needs none: one run moves gigabytes.
# ---------------------------------------------------------------- iperf3
for ((i = 1; i <= RUNS; i++)); do
  for p in "${IPERF_PATHS[@]}"; do
    for dir in fwd rev; do
      flag=(); [[ $dir == rev ]] && flag=(-R)
      f="$TMP/iperf-$p-$dir-$i.json"
      iperf3 -c 127.0.0.1 -p "${IPERF_TO[$p]}" -t "$IPERF_SECS" -P 1 -J "${flag[@]}" >"$f" 2>&1 || true
      if v=$($TOOL iperf "$f" 2>/dev/null); then sample "iperf_$dir" "$p" "$v"
      else log "iperf3 $p $dir run $i failed: $(head -c 300 "$f")"; fi
    done
  done
  log "iperf3 run $i/$RUNS done"
done

# ---------------------------------------------------------------- redis-benchmark
# Eight times the requests at -P 16 as at -P 1, so that both last about as long (1-2 s in full mode): with the same
# count a -P 16 run was over in 0.1 s, and its p99 samples spread 2.3- to 2.8-fold (1.2- to 1.9-fold at 800000).
# The warm-up is a run's worth or more: the JIT's tiering goes by time as well as by calls.
for p in "${REDIS_PATHS[@]}"; do
  for P in 1 16; do
    redis-benchmark -h 127.0.0.1 -p "${REDIS_TO[$p]}" -t get,set -n $((P == 1 ? WARM_N1 : WARM_N16)) -c 50 -P "$P" -q >/dev/null 2>&1 \
      || log "redis-benchmark warm-up $p -P $P failed"
  done
done
log "redis-benchmark warm-up done"
for ((i = 1; i <= RUNS; i++)); do
  for p in "${REDIS_PATHS[@]}"; do
    for P in 1 16; do
      f="$TMP/redis-$p-$P-$i.csv"
      if redis-benchmark -h 127.0.0.1 -p "${REDIS_TO[$p]}" -t get,set -n $((P == 1 ? REDIS_N1 : REDIS_N16)) -c 50 -P "$P" --csv >"$f" 2>"$f.err"; then
        while read -r test rps p50 p99; do
          t=$(tr 'A-Z' 'a-z' <<<"$test")
          sample "redis_${t}_p$P" "$p" "$rps"; sample "redis_${t}_p${P}_p50" "$p" "$p50"; sample "redis_${t}_p${P}_p99" "$p" "$p99"
        done < <($TOOL rediscsv "$f")
      else log "redis-benchmark $p -P $P run $i failed: $(head -c 300 "$f.err")"; fi
    done
  done
  log "redis-benchmark run $i/$RUNS done"
done

# ---------------------------------------------------------------- HTTP (wrk, keep-alive, 50 connections)
for p in "${HTTP_PATHS[@]}"; do
  wrk -t 2 -c 50 -d "${WARM_WRK_SECS}s" "http://127.0.0.1:${HTTP_TO[$p]}/" >/dev/null 2>&1 || log "wrk warm-up $p failed"
done
log "wrk warm-up done"
for ((i = 1; i <= RUNS; i++)); do
  for p in "${HTTP_PATHS[@]}"; do
    f="$TMP/wrk-$p-$i.txt"
    if wrk -t 2 -c 50 -d "${WRK_SECS}s" --latency "http://127.0.0.1:${HTTP_TO[$p]}/" >"$f" 2>&1 \
        && out=$($TOOL wrk "$f" 2>"$f.err"); then
      read -r rps p50 p99 <<<"$out"
      sample http_rps "$p" "$rps"; sample http_p50 "$p" "$p50"; sample http_p99 "$p" "$p99"
    else log "wrk $p run $i failed: $(head -c 300 "$f") $(cat "$f.err" 2>/dev/null)"; fi
  done
  log "wrk run $i/$RUNS done"
done

# ---------------------------------------------------------------- connection churn
for p in "${REDIS_PATHS[@]}"; do
  $TOOL churn "${REDIS_TO[$p]}" "$CHURN_N" >/dev/null || log "churn warm-up $p failed"
done
for ((i = 1; i <= RUNS; i++)); do
  for p in "${REDIS_PATHS[@]}"; do
    if v=$($TOOL churn "${REDIS_TO[$p]}" "$CHURN_N"); then sample churn "$p" "$v"
    else log "churn $p run $i failed"; fi
  done
  log "churn run $i/$RUNS done"
done

# ---------------------------------------------------------------- memory (fresh proxies each run)
for ((i = 1; i <= MEMORY_RUNS; i++)); do
  read -r MH MV MR < <($TOOL freeports 3)
  start_haproxy "$MH" "$REDIS_PORT"; hp=$LAST_PID
  start_vaurien "$MV" "$REDIS_PORT"; vp=$LAST_PID
  start_vaurien "$MR" "$REDIS_PORT" redis; rp=$LAST_PID
  for pair in "haproxy $hp $MH" "vaurien $vp $MV" "vaurien-redis $rp $MR"; do
    read -r p pid port <<<"$pair"
    if out=$($TOOL hold "$pid" "$port" "$IDLE_N"); then
      read -r b a per marginal <<<"$out"
      sample rss_before "$p" "$(awk -v k="$b" 'BEGIN{printf "%.2f", k/1024}')"
      sample rss_after "$p" "$(awk -v k="$a" 'BEGIN{printf "%.2f", k/1024}')"
      sample rss_per_conn "$p" "$(awk -v x="$per" 'BEGIN{printf "%.2f", x/1024}')"
      sample rss_marginal "$p" "$(awk -v x="$marginal" 'BEGIN{printf "%.2f", x/1024}')"
    else log "memory $p run $i failed"; fi
  done
  stop_pid "$hp"; stop_pid "$vp"; stop_pid "$rp"
  log "memory run $i/$MEMORY_RUNS done"
done

# ---------------------------------------------------------------- start-up
for ((i = 1; i <= RUNS; i++)); do
  read -r SV SH < <($TOOL freeports 2)
  if v=$($TOOL startup "$SV" "$DEADLINE" "$VAURIEN" --proxy "127.0.0.1:$SV" --backend "127.0.0.1:$REDIS_PORT" \
        --protocol tcp --behavior 100:dummy --log-level warning); then sample startup vaurien "$v"
  else log "vaurien start-up run $i failed"; fi
  haproxy_cfg "$SH" "$REDIS_PORT" "$TMP/haproxy-start.cfg"
  if v=$($TOOL startup "$SH" "$DEADLINE" haproxy -f "$TMP/haproxy-start.cfg" -db); then sample startup haproxy "$v"
  else log "haproxy start-up run $i failed"; fi
done
log "start-up done"

# ---------------------------------------------------------------- report
mkdir -p "$HERE/results"
cp "$SAMPLES" "$HERE/results/latest-samples.txt"
cat >"$TMP/meta.json" <<EOF
{"mode": "$MODE", "runs": $RUNS, "memory_runs": $MEMORY_RUNS, "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "iperf_seconds": $IPERF_SECS, "redis_requests": {"p1": $REDIS_N1, "p16": $REDIS_N16}, "wrk_seconds": $WRK_SECS, "churn_connections": $CHURN_N, "idle_connections": $IDLE_N,
 "nproc": $(nproc), "kernel": "$(uname -r)", "dotnet": "$(dotnet --version)",
 "haproxy": "$(haproxy -v | head -1)", "redis": "$(redis-server --version)", "wrk": "$(wrk -v 2>&1 | head -1)"}
EOF
echo
$TOOL report "$SAMPLES" "$HERE/results/latest.md" "$HERE/results/latest.json" "$TMP/meta.json"
echo
log "written bench/results/latest.md and bench/results/latest.json"

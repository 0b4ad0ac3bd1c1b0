#!/usr/bin/env bash
# The benchmark harness (issue #5). One command:
#   bench/run.sh            full run (about 25 min): every scenario, 3 rounds ABAB where there are baselines
#   bench/run.sh --quick    a few minutes: 1 round, shorter runs, smaller idle/storm/directory sizes
#   bench/run.sh --smoke    ~1 s of each component (~80 s in all, plus an incremental build), checks they worked (CI); no timed assertion
#   bench/run.sh [--quick] throughput directory ...   only the named scenarios
# Scenarios: throughput (closed loop + open-loop latency, gateway vs baselines), idle, writes (durable
# writes + backlog drain), storm, directory.
# Servers (gateway, baselines) run on core 1, load generator and simulated units on core 0 (taskset).
# Raw results: bench/results/<UTC time>/ (gitignored); markdown tables on stdout and in summary.md there.
# Env: TOKEN_CACHE=0 runs gateway and baselines without the verified-token cache (default: cache on, 100,000);
#      BENCH_ROUNDS=n overrides the rounds; TARGETS="gateway gateway-nospin relay signalr direct" picks the throughput servers;
#      GATEWAY_DLL=path/HealthGateway.Gateway.dll measures another gateway build against the same baselines;
#      BENCH_PORT=n serves on another port (default 5491), so two checkouts can run without answering each other.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Every process here is pinned to one core, and on one core .NET waits 10x longer (1 s, restarted by each
# new tier-0 method) before promoting hot code to optimized tier 1. The gateway then ran unoptimized code for
# ~50 s under load, longer than any run, at 2-3x its steady CPU cost. A multi-core host waits 100 ms; so do we.
export DOTNET_TC_DelaySingleProcMultiplier=1

MODE=full; SCENARIOS=(); BUILD=1
for a in "$@"; do
  case "$a" in
    --quick) MODE=quick ;; --smoke) MODE=smoke ;; --no-build) BUILD=0 ;;
    throughput|idle|writes|storm|directory) SCENARIOS+=("$a") ;;
    *) echo "unknown argument: $a"; exit 2 ;;
  esac
done
[[ ${#SCENARIOS[@]} -eq 0 ]] && SCENARIOS=(throughput idle writes storm directory)

case $MODE in
  full)  SECS=15; WARM=30; ROUNDS=3; UNITS=500; PATIENTS=20; CONC=64; RATE="1000 5000"; LAT_SECS=10
         IDLE_LEVELS=(0 5000 10000 19500); WRITE_UNITS=50; DRAIN=10000; STORM=5000; DIR_PATIENTS=5000000 ;;
  quick) SECS=6; WARM=20; ROUNDS=1; UNITS=500; PATIENTS=20; CONC=64; RATE="1000 5000"; LAT_SECS=6
         IDLE_LEVELS=(0 2500 5000); WRITE_UNITS=50; DRAIN=10000; STORM=1000; DIR_PATIENTS=500000 ;;
  smoke) SECS=1; WARM=1; ROUNDS=1; UNITS=5; PATIENTS=4; CONC=4; RATE=100; LAT_SECS=1
         IDLE_LEVELS=(0 20); WRITE_UNITS=2; DRAIN=50; STORM=10; DIR_PATIENTS=5000 ;;
esac
TOKEN_CACHE="${TOKEN_CACHE:-100000}"; ROUNDS="${BENCH_ROUNDS:-$ROUNDS}"
# Release throughout: the smoke reuses the build that ./run-tests.sh already made.
CONFIG=Release

OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$MODE"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d)"; KEY="$WORK/dev-signing-key.pem"
PORT="${BENCH_PORT:-5491}"; URL="http://127.0.0.1:$PORT"
TICK=$(getconf CLK_TCK)
SUMMARY="$OUT/summary.md"; : >"$SUMMARY"
FAILED=0

if [[ $BUILD -eq 1 ]]; then dotnet build Akka.sln -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly >/dev/null; fi
BIN=bin/$CONFIG/net10.0
# GATEWAY_DLL: another build of the gateway (e.g. the previous commit's, for an A/B against the same baselines).
GATEWAY=(dotnet "${GATEWAY_DLL:-src/Gateway/$BIN/HealthGateway.Gateway.dll}")
BASELINE=(dotnet bench/Baselines/$BIN/HealthGateway.Bench.Baselines.dll)
UNITS_TOOL=(dotnet bench/SimulatedUnits/$BIN/HealthGateway.Bench.SimulatedUnits.dll)
LOADGEN=(dotnet bench/LoadGen/$BIN/HealthGateway.Bench.LoadGen.dll)
DIRBENCH=(dotnet bench/DirectoryBench/$BIN/HealthGateway.Bench.DirectoryBench.dll)

# --- process helpers -----------------------------------------------------------------------------
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
say() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
out() { echo "$*" | tee -a "$SUMMARY"; }
fail() { say "FAILED: $*"; FAILED=1; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
jget() { sed -nE "s/.*\"$1\":\"?([-0-9.eE+]+)\"?.*/\1/p" "$2" | head -1; }
now_ms() { date +%s%3N; }

GATEWAY_FLAGS=(--Auth:AllowDevKey true --Auth:DevSigningKeyPath "$KEY" --Auth:TokenCacheSize "$TOKEN_CACHE"
  --Logging:LogLevel:Default Warning --Gateway:MaxBacklogPerUnit 1000000
  --RateLimits:PerCallerPerSecond 1000000 --RateLimits:PerCallerBurst 1000000
  --RateLimits:WritesPerUnitPerSecond 1000000 --RateLimits:WritesPerUnitBurst 1000000)

wait_ready() { # pid, log
  local deadline=$(( $(date +%s) + 60 ))
  until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do
    kill -0 "$1" 2>/dev/null || { tail -20 "$2" >&2; return 1; }
    (( $(date +%s) < deadline )) || { echo "not ready after 60 s" >&2; return 1; }
    sleep 0.05
  done
}
start_gateway() { # data dir, extra gateway args... -> SERVER
  taskset -c 1 "${GATEWAY[@]}" --urls "$URL" --Gateway:DataDirectory "$1" "${GATEWAY_FLAGS[@]}" "${@:2}" >>"$1.log" 2>&1 &
  SERVER=$!; PIDS+=("$SERVER"); wait_ready "$SERVER" "$1.log"
}
start_baseline() { # mode -> SERVER
  taskset -c 1 "${BASELINE[@]}" --mode "$1" --key "$KEY" --token-cache "$TOKEN_CACHE" --urls "$URL" >>"$WORK/baseline-$1.log" 2>&1 &
  SERVER=$!; PIDS+=("$SERVER"); wait_ready "$SERVER" "$WORK/baseline-$1.log"
}
start_units() { # status file, count, first, patients, mode -> UNITS_PID
  taskset -c 0 "${UNITS_TOOL[@]}" --url "$URL" --key "$KEY" --status "$1" --units "$2" --first "$3" --patients "$4" --mode "$5" \
    >>"$1.log" 2>&1 &
  UNITS_PID=$!; PIDS+=("$UNITS_PID")
}
wait_status() { # status file, field, at least, timeout s
  local deadline=$(( $(date +%s) + $4 )) v
  while :; do
    v=$( [[ -f "$1" ]] && jget "$2" "$1" || echo 0 ); v=${v:-0}
    (( v >= $3 )) && return 0
    (( $(date +%s) < deadline )) || { echo "status $2=$v < $3 after $4 s ($1)" >&2; return 1; }
    sleep 0.05
  done
}
load() { # result file, loadgen args... (pinned to core 0)
  local file=$1; shift
  taskset -c 0 "${LOADGEN[@]}" --url "$URL" --key "$KEY" --out "$file" "$@" >/dev/null
}
# Bytes the server's GC heap has allocated since it started (the gateway's /metrics, System.Runtime meter); 0 for servers without it.
alloc_bytes() { curl -fs "$URL/metrics" 2>/dev/null | awk '/^(dotnet_gc_heap_total_allocated|process_runtime_dotnet_gc_allocations_size)[a-z_]*(\{[^}]*\})? / { s += $NF } END { printf "%.0f", s }'; }
measure() { # name, server pid, result file, loadgen args... -> appends a row to $OUT/rows.tsv
  local name=$1 pid=$2 file=$3; shift 3
  local before after a0 a1; a0=$(alloc_bytes); before=$(cpu_ticks "$pid"); load "$file" "$@"; after=$(cpu_ticks "$pid"); a1=$(alloc_bytes)
  local n; n=$(jget requests "$file")
  local cpu; cpu=$(awk -v a="$after" -v b="$before" -v t="$TICK" -v n="$n" 'BEGIN { if (n > 0) printf "%.3f", (a-b)/t/n*1000; else print "-" }')
  local kb; kb=$(awk -v a="$a1" -v b="$a0" -v n="$n" 'BEGIN { if (n > 0 && a > 0) printf "%.1f", (a-b)/n/1024; else print "-" }')
  local ok; ok=$(jget "${EXPECT:-200}" "$file"); ok=${ok:-0}
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$(jget requestsPerSecond "$file")" "$(jget p50Ms "$file")" "$(jget p99Ms "$file")" \
    "$(jget p999Ms "$file")" "$cpu" "$ok" "$n" "$kb" >>"$OUT/rows.tsv"
  (( ok > 0 )) || fail "$name: no ${EXPECT:-200} answers ($(cat "$file"))"
}
# median (min-max) of column $2 over rows named $1
stat_col() { awk -F'\t' -v name="$1" -v c="$2" '$1 == name { print $c }' "$OUT/rows.tsv" | sort -g | awk '
  { v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = v[int((NR + 1) / 2)]
    if (NR == 1) printf "%s", m; else printf "%s (%s-%s)", m, v[1], v[NR] }'; }
median_col() { awk -F'\t' -v name="$1" -v c="$2" '$1 == name { print $c }' "$OUT/rows.tsv" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

say "mode=$MODE scenarios=${SCENARIOS[*]} results=$OUT token cache=$TOKEN_CACHE"
out "# bench/run.sh --$MODE ($(date -u +%Y-%m-%dT%H:%MZ))"
out ""
out "Machine: $(nproc) cores ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version). Servers on core 1, load + simulated units on core 0. JWT: ES256 on every request, verified-token cache size $TOKEN_CACHE (0 = off)."
out ""

# --- scenario: routed read throughput (closed loop) and open-loop latency, ABAB with baselines ----
scenario_throughput() {
  # TARGETS="gateway gateway-nospin relay signalr direct" adds the gateway with thread-pool spinning off.
  local targets=(${TARGETS:-gateway relay signalr direct})
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${targets[@]}"; do
      say "throughput round $round: $target"
      local status="$WORK/units-$target-$round.json" upid=""
      case $target in
        gateway) start_gateway "$WORK/gw-tp-$round" ;;
        gateway-nospin) DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 start_gateway "$WORK/gw-tpn-$round" ;;
        *) start_baseline "$target" ;;
      esac
      if [[ $target != direct ]]; then
        local umode=protocol; [[ $target == signalr ]] && umode=signalr
        start_units "$status" "$UNITS" 0 "$PATIENTS" "$umode"; upid=$UNITS_PID
        wait_status "$status" registered "$UNITS" 120 || fail "$target: units did not register"
      fi
      load "$WORK/warm.json" --mode closed --concurrency "$CONC" --seconds "$WARM" --units "$UNITS" --patients "$PATIENTS" || true
      measure "tp-$target" "$SERVER" "$OUT/tp-$target-$round.json" --mode closed --concurrency "$CONC" --seconds "$SECS" \
        --units "$UNITS" --patients "$PATIENTS" --seed "$round" || fail "$target throughput"
      local rate
      for rate in $RATE; do
        measure "lat$rate-$target" "$SERVER" "$OUT/lat$rate-$target-$round.json" --mode open --rate "$rate" --seconds "$LAT_SECS" \
          --units "$UNITS" --patients "$PATIENTS" --seed "$((round + 100))" || fail "$target latency"
      done
      [[ -n $upid ]] && stop "$upid"
      stop "$SERVER"
    done
  done
  local gw relay sig; gw=$(median_col tp-gateway 2); relay=$(median_col tp-relay 2); sig=$(median_col tp-signalr 2)
  out "## Routed read throughput: $UNITS units, ~256-byte replies, closed loop, $CONC connections, ${SECS} s x $ROUNDS rounds (ABAB)"
  out ""
  out "| server | req/s, median (min-max) | p50 ms | p99 ms | p99.9 ms | server CPU-s per 1,000 req | KB allocated per req | gateway / this |"
  out "|---|---|---|---|---|---|---|---|"
  for t in "${targets[@]}"; do
    local label=$t
    case $t in gateway) label="gateway (Akka, this product)";; gateway-nospin) label="gateway, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0";; relay) label="(b) plain WebSocket relay";; signalr) label="(c) SignalR client results";; direct) label="(a) Kestrel answers directly (ceiling)";; esac
    local ratio; ratio=$(awk -v g="$gw" -v x="$(median_col "tp-$t" 2)" 'BEGIN { if (x > 0) printf "%.2fx", g/x; else print "-" }')
    out "| $label | $(stat_col "tp-$t" 2) | $(stat_col "tp-$t" 3) | $(stat_col "tp-$t" 4) | $(stat_col "tp-$t" 5) | $(stat_col "tp-$t" 6) | $(stat_col "tp-$t" 9) | $ratio |"
  done
  out ""
  out "Targets: >= 20,000 req/s; >= 1.5x SignalR (now $(awk -v g="$gw" -v s="$sig" 'BEGIN { printf "%.2fx", (s > 0 ? g/s : 0) }')); >= 0.6x plain relay (now $(awk -v g="$gw" -v s="$relay" 'BEGIN { printf "%.2fx", (s > 0 ? g/s : 0) }'))."
  out ""
  out "## Open-loop latency ($UNITS units, ${LAT_SECS} s x $ROUNDS rounds; each request timed from its scheduled send time)"
  out ""
  out "| server | rate asked | achieved req/s | p50 ms | p99 ms | p99.9 ms | server CPU-s per 1,000 req |"
  out "|---|---|---|---|---|---|---|"
  for rate in $RATE; do
    for t in "${targets[@]}"; do
      out "| $t | $rate | $(stat_col "lat$rate-$t" 2) | $(stat_col "lat$rate-$t" 3) | $(stat_col "lat$rate-$t" 4) | $(stat_col "lat$rate-$t" 5) | $(stat_col "lat$rate-$t" 6) |"
    done
  done
  out ""
  out "A server that cannot sustain the rate asked queues without bound (open loop), so its latency there is the queue, not the service time."
  out "Target: p50 <= 1 ms, p99 <= 5 ms, p99.9 <= 20 ms."
  out ""
}

# --- scenario: idle unit sessions, gateway RSS slope ----------------------------------------------
scenario_idle() {
  local target rows=()
  for target in gateway relay; do
    say "idle sessions ($target): ${IDLE_LEVELS[*]}"
    if [[ $target == gateway ]]; then
      # The product caps unit sockets at 8,000 per node by default (Kestrel:Limits); lifted here to measure up to the fd limit.
      start_gateway "$WORK/gw-idle" --Kestrel:Limits:MaxConcurrentUpgradedConnections 19800
    else
      start_baseline relay
    fi
    local server=$SERVER per=5000 have=0 level upids=() t0 c0 c1 attach_cpu idle_cpu
    sleep 3
    for level in "${IDLE_LEVELS[@]}"; do
      t0=$(now_ms); c0=$(cpu_ticks "$server")
      while (( have < level )); do
        local n=$(( level - have < per ? level - have : per ))
        start_units "$WORK/idle-$target-$have.json" "$n" "$((10000 + have))" 1 protocol; upids+=("$UNITS_PID")
        wait_status "$WORK/idle-$target-$have.json" registered "$n" 600 || fail "idle: $n units from $have did not attach to $target"
        have=$(( have + n ))
      done
      local attach_ms=$(( $(now_ms) - t0 )) step=$(( level - ${last_level:-0} )); last_level=$level
      c1=$(cpu_ticks "$server")
      attach_cpu=$(awk -v a="$c1" -v b="$c0" -v t="$TICK" -v n="$step" 'BEGIN { if (n > 0) printf "%.2f", (a-b)/t/n*1000; else print "-" }')
      sleep "$([[ $MODE == smoke ]] && echo 1 || echo 10)" # let allocation settle
      # Idle CPU: nothing but keep-alives and timers for 10 s.
      c0=$(cpu_ticks "$server"); sleep "$([[ $MODE == smoke ]] && echo 1 || echo 10)"; c1=$(cpu_ticks "$server")
      idle_cpu=$(awk -v a="$c1" -v b="$c0" -v t="$TICK" -v s="$([[ $MODE == smoke ]] && echo 1 || echo 10)" 'BEGIN { printf "%.1f", (a-b)/t/s*100 }')
      local total=0 f
      for f in "$WORK"/idle-"$target"-*.json; do [[ -f $f ]] && total=$(( total + $(jget attached "$f") )); done
      rows+=("$target $level $total $(rss_kb "$server") $attach_ms $attach_cpu $idle_cpu")
      say "idle ($target): $total sessions attached (last step took $attach_ms ms), RSS $(rss_kb "$server") kB"
    done
    for p in "${upids[@]}"; do stop "$p"; done
    stop "$server"; last_level=0
  done
  out "## Idle unit sessions on one node (RSS after 10 s settling; same units against the gateway and the plain relay)"
  out ""
  out "| server | sessions asked | sessions attached | RSS MiB | KB per session over 0 sessions | attach time of this step | server CPU ms per attach (this step) | idle CPU, % of a core |"
  out "|---|---|---|---|---|---|---|---|"
  local r base_rss=0 target level total rss ms acpu icpu
  for r in "${rows[@]}"; do
    read -r target level total rss ms acpu icpu <<<"$r"
    (( level == 0 )) && base_rss=$rss
    out "| $target | $level | $total | $(awk -v r="$rss" 'BEGIN { printf "%.0f", r/1024 }') | $(awk -v r="$rss" -v b="$base_rss" -v n="$total" 'BEGIN { if (n > 0) printf "%.1f", (r-b)/n; else print "-" }') | $(awk -v v="$ms" 'BEGIN { printf "%.1f s", v/1000 }') | $acpu | $icpu |"
  done
  out ""
  out "Target: >= 20,000 sessions, <= 16 KB per session. One process may hold at most 20,000 file descriptors here (hard limit), so the top level is just under 20,000; the gateway ran with Kestrel:Limits:MaxConcurrentUpgradedConnections=19800 (product default 8,000)."
  out ""
}

# --- scenario: durable write acceptance and backlog drain -----------------------------------------
scenario_writes() {
  say "durable writes: register $((WRITE_UNITS + 1)) units, take them offline"
  start_gateway "$WORK/gw-writes"
  local gw=$SERVER
  start_units "$WORK/w-reg.json" "$((WRITE_UNITS + 1))" 20000 "$PATIENTS" protocol
  wait_status "$WORK/w-reg.json" registered "$((WRITE_UNITS + 1))" 120 || fail "writes: units did not register"
  stop "$UNITS_PID"
  load "$WORK/warm.json" --mode closed --write --concurrency "$CONC" --seconds "$WARM" --first-unit 20000 --units "$WRITE_UNITS" --patients "$PATIENTS" || true
  for round in $(seq 1 "$ROUNDS"); do
    EXPECT=202 measure "writes" "$gw" "$OUT/writes-$round.json" --mode closed --write --concurrency "$CONC" --seconds "$SECS" \
      --first-unit 20000 --units "$WRITE_UNITS" --patients "$PATIENTS" --seed "$round" || fail "writes"
    # baseline in the same process: an authenticated read of an offline unit (JWT + directory + session, 503 at once)
    EXPECT=503 measure "writes-offline-read" "$gw" "$OUT/writes-offline-read-$round.json" --mode closed --concurrency "$CONC" --seconds "$SECS" \
      --first-unit 20000 --units "$WRITE_UNITS" --patients "$PATIENTS" --seed "$round" || true
  done
  out "## Durable write acceptance (persisted in the SQLite journal before 202), $WRITE_UNITS offline units, $CONC connections"
  out ""
  out "| run | req/s, median (min-max) | p50 ms | p99 ms | p99.9 ms | gateway CPU-s per 1,000 req | answers |"
  out "|---|---|---|---|---|---|---|"
  out "| POST appointments, Prefer: respond-async (202) | $(stat_col writes 2) | $(stat_col writes 3) | $(stat_col writes 4) | $(stat_col writes 5) | $(stat_col writes 6) | $(sed -nE 's/.*"statusCodes":(\{[^}]*\}).*/\1/p' "$OUT/writes-1.json") |"
  out "| same-process baseline: GET of an offline unit (JWT + directory + session, 503) | $(stat_col writes-offline-read 2) | $(stat_col writes-offline-read 3) | $(stat_col writes-offline-read 4) | $(stat_col writes-offline-read 5) | $(stat_col writes-offline-read 6) | |"
  out ""
  out "Target: >= 5,000 writes/s on SQLite."
  out ""

  say "backlog drain: $DRAIN writes for one offline unit"
  local drain_unit=$((20000 + WRITE_UNITS))
  load "$OUT/drain-queue.json" --mode closed --write --concurrency "$CONC" --seconds 600 --requests "$DRAIN" --first-unit "$drain_unit" --units 1 --patients "$PATIENTS"
  local accepted; accepted=$(jget 202 "$OUT/drain-queue.json"); accepted=${accepted:-0}
  (( accepted == DRAIN )) || fail "drain: only $accepted of $DRAIN writes accepted ($(cat "$OUT/drain-queue.json"))"
  local status="$WORK/drain.json"
  taskset -c 0 "${UNITS_TOOL[@]}" --url "$URL" --key "$KEY" --status "$status" --units 1 --first "$drain_unit" --patients "$PATIENTS" \
    --exit-after-applied "$accepted" >"$OUT/drain-unit.json" 2>"$WORK/drain.log" &
  local dpid=$!; PIDS+=("$dpid")
  local t0; t0=$(now_ms); local waited=0
  while kill -0 "$dpid" 2>/dev/null && (( waited < 120000 )); do sleep 0.1; waited=$(( $(now_ms) - t0 )); done
  stop "$dpid"
  local first last applied; first=$(jget firstAttachedUnixMs "$OUT/drain-unit.json"); last=$(jget lastAckSentUnixMs "$OUT/drain-unit.json"); applied=$(jget applied "$OUT/drain-unit.json")
  (( ${applied:-0} >= accepted )) || fail "drain: unit applied ${applied:-0} of $accepted"
  # The gateway has settled them when the last operation reads applied.
  out "## Backlog drain on reconnect"
  out ""
  out "| writes queued for one offline unit | accepted (202) | applied + acked by the unit | attach -> last ack sent |"
  out "|---|---|---|---|"
  out "| $DRAIN | $accepted | ${applied:-0} | $(awk -v a="${first:-0}" -v b="${last:-0}" 'BEGIN { printf "%.2f s", (b-a)/1000 }') |"
  out ""
  out "Target: 10,000 delivered, applied and acked in <= 2 s."
  out ""
  stop "$gw"
}

# --- scenario: reconnect storm after kill -9 of the gateway ---------------------------------------
# STORM_GATEWAY_ARGS: extra gateway arguments for an A/B, e.g. "--UnitAdmission:AttachesPerSecond 100000" (admission off).
scenario_storm() {
  local gwargs; read -r -a gwargs <<<"${STORM_GATEWAY_ARGS:-}"
  say "reconnect storm: $STORM units ${gwargs[*]}"
  start_gateway "$WORK/gw-storm" "${gwargs[@]}"
  local status="$WORK/storm.json"
  local c0; c0=$(cpu_ticks "$SERVER")
  start_units "$status" "$STORM" 30000 1 protocol
  local t0; t0=$(now_ms)
  wait_status "$status" registered "$STORM" 600 || fail "storm: units did not attach"
  # Gateway CPU per fresh attach (hello, a new session, one registration event), startup excluded.
  local fresh; fresh=$(awk -v a="$(cpu_ticks "$SERVER")" -v b="$c0" -v t="$TICK" -v n="$STORM" 'BEGIN { printf "%.1f", (a-b)/t/n*1000 }')
  say "storm: $STORM units attached in $(( $(now_ms) - t0 )) ms, ${fresh} ms of gateway CPU per fresh attach"
  local rows=()
  for round in $(seq 1 "$ROUNDS"); do
    kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
    local v deadline=$(( $(date +%s) + 30 ))
    while v=$(jget attached "$status"); (( ${v:-0} > 0 && $(date +%s) < deadline )); do sleep 0.05; done
    local t0; t0=$(now_ms)
    local refused0; refused0=$(jget refusedWithHint "$status")
    start_gateway "$WORK/gw-storm" "${gwargs[@]}"
    local ready; ready=$(( $(now_ms) - t0 ))
    local cready; cready=$(cpu_ticks "$SERVER")
    wait_status "$status" attached "$STORM" 120 || fail "storm: not all units re-attached"
    local all; all=$(( $(now_ms) - t0 ))
    local cend; cend=$(cpu_ticks "$SERVER")
    # CPU the new gateway process used from its start until the last unit was back, over that wall time.
    local busy; busy=$(awk -v c="$cend" -v t="$TICK" -v w="$all" 'BEGIN { printf "%.0f%%", c/t/(w/1000)*100 }')
    # Per re-attach: from ready to the last unit back (recovery of the session included), startup excluded.
    local per; per=$(awk -v a="$cend" -v b="$cready" -v t="$TICK" -v n="$STORM" 'BEGIN { printf "%.1f", (a-b)/t/n*1000 }')
    local refused; refused=$(( $(jget refusedWithHint "$status") - ${refused0:-0} ))
    rows+=("$round $ready $all $(jget attached "$status") $busy $per $refused")
    say "storm round $round: ready ${ready} ms, all attached ${all} ms, ${per} ms CPU per re-attach, ${refused} upgrades refused with a hint"
    sleep 2
  done
  out "## Reconnect storm: kill -9 of the gateway with $STORM units attached, restart at once"
  out ""
  out "| round | process ready (restart -> /healthz/ready) | all units re-attached (restart -> last welcome) | units attached | gateway core busy meanwhile | gateway CPU per re-attach (fresh: $fresh ms) | upgrades refused with Retry-After |"
  out "|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do read -r round ready all n busy per refused <<<"$r"; out "| $round | $(awk -v v="$ready" 'BEGIN { printf "%.1f s", v/1000 }') | $(awk -v v="$all" 'BEGIN { printf "%.1f s", v/1000 }') | $n | $busy | $per ms | $refused |"; done
  out ""
  [[ -n ${STORM_GATEWAY_ARGS:-} ]] && out "Gateway arguments: \`${STORM_GATEWAY_ARGS}\`." && out ""
  out "Units reconnect like the real UnitNode: backoff from 1 s, doubling, full jitter. Target: ready <= 5 s, 5,000 units re-attached <= 10 s."
  out ""
  stop "$UNITS_PID"; stop "$SERVER"
}

# --- scenario: patient directory at millions of patients ------------------------------------------
scenario_directory() {
  say "patient directory: $DIR_PATIENTS patients"
  taskset -c 1 "${DIRBENCH[@]}" --patients "$DIR_PATIENTS" --dir "$WORK/directory" >"$OUT/directory.json"
  local f="$OUT/directory.json"
  [[ $(jget patients "$f") == "$DIR_PATIENTS" ]] || fail "directory bench"
  out "## Patient directory ($DIR_PATIENTS patients, SQLite, one core)"
  out ""
  out "| bulk load (registration batches of 500) | uncached lookup p50 / p99 / p99.9 | cached lookup p50 / p99 / p99.9 | database file |"
  out "|---|---|---|---|"
  out "| $(jget bulkRowsPerSecond "$f") rows/s ($(jget bulkLoadSeconds "$f") s) | $(jget uncachedP50Us "$f") / $(jget uncachedP99Us "$f") / $(jget uncachedP999Us "$f") us | $(jget cachedP50Us "$f") / $(jget cachedP99Us "$f") / $(jget cachedP999Us "$f") us | $(jget dbFileMb "$f") MB |"
  out ""
  out "Target: cached p99 <= 50 us; uncached <= 1 ms; bulk load >= 100,000 rows/s."
  out ""
}

start=$(date +%s)
for s in "${SCENARIOS[@]}"; do "scenario_$s" || fail "scenario $s"; done
out "Total time: $(( $(date +%s) - start )) s. Raw results: $OUT"
if [[ $FAILED -ne 0 ]]; then echo "bench: some checks FAILED (see above)" >&2; exit 1; fi

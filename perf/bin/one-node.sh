#!/usr/bin/env bash
# Benchmark 2: one node on loopback. One agent pulls a pushed model against curl and aria2c -x8
# downloading the same files from nginx, each + sync. Two weightcast rows:
#   weightcast       cold start: the agent starts after the push; time = agent JVM start ->
#                    DATA/models/M/current flips to the version (JVM start and JIT included).
#   weightcast-warm  steady state: a running agent (following only model steady-REP) has rolled
#                    out v1, a WARM_SIZE model of other bytes, and gone idle; caches are dropped;
#                    then v2 = the SIZE model is published (its chunks were uploaded by the first
#                    push, so the push only publishes); time = the registry's committedAt of v2 ->
#                    current flips to v2. Agent CPU is counted over that interval only.
# Usage: perf/bin/one-node.sh [SIZE=2GiB]
#   env: REPS=2 (runs per tool), WARM_SIZE=256MiB, WC_KEEP=1 (keep the run dir),
#   WC_AGENT_JAVA_OPTS="..." (extra JVM options for the agent, e.g.
#   -XX:StartFlightRecording=filename=/tmp/a.jfr)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SIZE=${1:-2GiB}
REPS=${REPS:-2}
WARM_SIZE=${WARM_SIZE:-256MiB}
wc_require_root
wc_require_tools nginx aria2c curl java flock tc
wc_init one-node
wc_lock

BYTES=$(parse_size "$SIZE")
model_dir "$BYTES"
MB=$(model_bytes "$MODEL_DIR")
GIB=$(calc "%.4f" "$MB/1024^3")
mapfile -t FILES < <(model_files "$MODEL_DIR")
log "model: $MODEL_DIR, ${#FILES[@]} files, $MB bytes ($GIB GiB)"
model_dir "$(parse_size "$WARM_SIZE")" 7; WARM_DIR=$MODEL_DIR   # the earlier version: other bytes
model_dir "$BYTES"

start_origin 127.0.0.1
wc_drop_caches
push_model "$MODEL_DIR" bench v1
BENCH_CHUNK=$PUSH_CHUNK
RATIO=$(compression_ratio "$MB")
log "pushed in ${PUSH_S}s; stored compression ratio (raw/stored) $RATIO"
nginx_start "$MODEL_DIR" 127.0.0.1

RESULTS="$WC_RUN/results"   # tool rep wall client_cpu server_cpu peak_rss_mib maxheap_after_gc_mib
: >"$RESULTS"
OUT="$WC_RUN/out"

run_weightcast() {  # LABEL REP JAVA_OPTS...
  local label=$1 rep=$2; shift 2
  local data="$WC_RUN/agent-$label-$rep"
  rm -rf "$data" "$OUT"; wc_drop_caches
  local d0 t0 t1 cpu rss d1 heap
  d0=$(cpu_of "$DIST_PID")
  t0=$(now)
  # shellcheck disable=SC2086
  WC_AGENT_MODELS=bench start_agent - "$data" "node-$label-$rep" 127.0.0.1 ${WC_AGENT_JAVA_OPTS:-} "$@" -Xlog:gc:file="$data.gc.log"
  wait_current "$data" bench v1 "$AGENT_PID" 600
  t1=$(now)
  cpu=$(cpu_of "$AGENT_PID"); rss=$(peak_rss_mib "$AGENT_PID"); d1=$(cpu_of "$DIST_PID")
  { echo "  $label run $rep: agent's busiest threads (JVM start to current, $(elapsed "$t0" "$t1")s)"
    thread_cpu "$AGENT_PID" 8 "$(elapsed "$t0" "$t1")"; } >>"$WC_RUN/threads"
  wc_kill "$AGENT_PID"
  heap=$(grep -oE -- '->[0-9]+M' "$data.gc.log" | tr -dc '0-9\n' | sort -n | tail -1)
  same_bytes "$MODEL_DIR" "$data/models/bench/v1" || die "agent files differ from the source"
  echo "$label $rep $(elapsed "$t0" "$t1") $cpu $(calc "%.2f" "$d1-$d0") $rss ${heap:-0}" >>"$RESULTS"
  log "$label run $rep: $(elapsed "$t0" "$t1")s to current, agent CPU ${cpu}s, distributor CPU $(calc "%.2f" "$d1-$d0")s, peak RSS ${rss} MiB, max heap after GC ${heap:-0} MiB (caches dropped: $WC_DROP)"
  rm -rf "$data"
}

run_weightcast_warm() {  # LABEL REP JAVA_OPTS...
  local label=$1 rep=$2; shift 2
  local data="$WC_RUN/agent-$label-$rep" m="steady-$rep"
  rm -rf "$data" "$OUT"
  # shellcheck disable=SC2046   # in the bench push's chunk size, so v2 reuses its chunks
  push_model "$WARM_DIR" "$m" v1 $(chunk_opts "$BENCH_CHUNK")
  # shellcheck disable=SC2086
  WC_AGENT_MODELS=$m start_agent - "$data" "node-$label-$rep" 127.0.0.1 ${WC_AGENT_JAVA_OPTS:-} "$@" \
    -Xlog:gc:file="$data.gc.log"
  wait_current "$data" "$m" v1 "$AGENT_PID" 600
  wait_idle "$AGENT_PID"
  wc_drop_caches
  local d0 c0 tc t1 cpu rss d1 heap wall
  d0=$(cpu_of "$DIST_PID"); c0=$(cpu_of "$AGENT_PID"); thread_snap "$AGENT_PID" "$WC_RUN/threads.base"
  push_model "$MODEL_DIR" "$m" v2   # chunks already stored: publishes only
  expect_chunk "$BENCH_CHUNK"
  tc=$(committed_at "$m" v2)
  wait_current "$data" "$m" v2 "$AGENT_PID" 600
  t1=$(now)
  wall=$(elapsed "$tc" "$t1")
  cpu=$(calc "%.2f" "$(cpu_of "$AGENT_PID")-$c0"); rss=$(peak_rss_mib "$AGENT_PID"); d1=$(cpu_of "$DIST_PID")
  { echo "  $label run $rep: agent's busiest threads (commit of v2 to current, ${wall}s)"
    thread_cpu "$AGENT_PID" 8 "$wall" "$WC_RUN/threads.base"; } >>"$WC_RUN/threads"
  wc_kill "$AGENT_PID"
  heap=$(grep -oE -- '->[0-9]+M' "$data.gc.log" | tr -dc '0-9\n' | sort -n | tail -1)
  same_bytes "$MODEL_DIR" "$data/models/$m/v2" || die "agent files differ from the source"
  echo "$label $rep $wall $cpu $(calc "%.2f" "$d1-$d0") $rss ${heap:-0}" >>"$RESULTS"
  log "$label run $rep: ${wall}s from commit to current (push command ${PUSH_S}s), agent CPU ${cpu}s, distributor CPU $(calc "%.2f" "$d1-$d0")s (incl. the push's checks), peak RSS ${rss} MiB (caches dropped: $WC_DROP)"
  rm -rf "$data"
}

run_tool() {  # LABEL REP
  local label=$1 rep=$2
  rm -rf "$OUT"; mkdir -p "$OUT"; wc_drop_caches
  local n0 t0 t1 n1
  n0=$(cpu_tree "$NGINX_PID")
  t0=$(now)
  if [ "$label" = curl ]; then
    mapfile -t args < <(curl_args "$NGINX_URL" "$OUT" "${FILES[@]}")
    time_cmd "$WC_RUN/time" curl "${args[@]}" || die "curl failed"
  else
    aria_input "$NGINX_URL" "$OUT" "${FILES[@]}" >"$WC_RUN/aria.in"
    time_cmd "$WC_RUN/time" aria2c "${ARIA_OPTS[@]}" -i "$WC_RUN/aria.in" || die "aria2c failed"
  fi
  sync
  t1=$(now)
  n1=$(cpu_tree "$NGINX_PID")
  read -r _ u s m <"$WC_RUN/time"
  same_bytes "$MODEL_DIR" "$OUT" || die "$label files differ from the source"
  echo "$label+sync $rep $(elapsed "$t0" "$t1") $(calc "%.2f" "$u+$s") $(calc "%.2f" "$n1-$n0") $((m / 1024)) -" >>"$RESULTS"
  log "$label+sync run $rep: $(elapsed "$t0" "$t1")s, client CPU $(calc "%.2f" "$u+$s")s, nginx CPU $(calc "%.2f" "$n1-$n0")s (caches dropped: $WC_DROP)"
  rm -rf "$OUT"
}

for rep in $(seq "$REPS"); do
  run_weightcast weightcast "$rep"
  run_weightcast_warm weightcast-warm "$rep"
  run_tool curl "$rep"
  run_tool aria2c "$rep"
done
run_weightcast weightcast-Xmx512m 1 -Xmx512m
log "rollout: $(rollout_state bench v1)"

# --- report -----------------------------------------------------------------------------------
echo
echo "=== one node, loopback: $GIB GiB model (${#FILES[@]} files), compression raw/stored $RATIO, push ${PUSH_S}s, caches dropped: $WC_DROP"
machine_facts
awk -v gib="$GIB" '
  { n[$1]++; w[$1]+=$3; c[$1]+=$4; s[$1]+=$5; if ($6>r[$1]) r[$1]=$6; h[$1]=$7; if (!($1 in o)) { o[$1]=++k; name[k]=$1 } }
  END {
    cw = w["curl+sync"]/n["curl+sync"]; aw = w["aria2c+sync"]/n["aria2c+sync"]
    printf "%-20s %4s %8s %7s %9s %9s %11s %11s %8s %8s\n", "tool", "runs", "wall_s", "GiB/s", "vs_curl", "vs_aria2c", "cli_cpu/GiB", "srv_cpu/GiB", "rss_MiB", "heap_MiB"
    for (i=1; i<=k; i++) { t=name[i]; mw=w[t]/n[t]
      printf "%-20s %4d %8.2f %7.3f %9.3f %9.3f %11.2f %11.2f %8d %8s\n", t, n[t], mw, gib/mw, mw/cw, mw/aw, c[t]/n[t]/gib, s[t]/n[t]/gib, r[t], h[t] }
    print ""
    printf "ratio weightcast / curl+sync        = %.3f (target <= 1.25; cold: JVM start -> current)\n", (w["weightcast"]/n["weightcast"])/cw
    printf "ratio weightcast-warm / curl+sync   = %.3f (target <= 1.25; running agent: commit -> current)\n", (w["weightcast-warm"]/n["weightcast-warm"])/cw
    printf "ratio weightcast / aria2c+sync      = %.3f\n", (w["weightcast"]/n["weightcast"])/aw
    printf "ratio weightcast-warm / aria2c+sync = %.3f\n", (w["weightcast-warm"]/n["weightcast-warm"])/aw
  }' "$RESULTS"
echo "(wall_s: mean over runs; weightcast: agent JVM start -> current; weightcast-warm: registry commit of v2 -> current on an idle running agent that rolled out a $WARM_SIZE v1 of other bytes; curl/aria2c: start -> files written + sync; vs_*: wall-clock ratio; cli_cpu: agent / curl / aria2c process CPU over that interval; srv_cpu: distributor / nginx CPU during the run; rss: peak RSS of the client; heap: largest heap after a GC)"
echo "per run (tool rep wall_s client_cpu_s server_cpu_s rss_MiB heap_MiB):"; sed 's/^/  /' "$RESULTS"
echo "where the agent's CPU went:"; cat "$WC_RUN/threads"
echo "distributor's busiest threads (whole life: push + all pulls):"; thread_cpu "$DIST_PID" 8

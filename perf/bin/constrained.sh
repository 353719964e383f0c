#!/usr/bin/env bash
# Benchmark 3: one node behind a shaped link. The agent, curl and aria2c run in a network namespace
# joined to the host by a veth pair (host 10.77.0.1/30, namespace 10.77.0.2/30) shaped with tbf in
# both directions; the registry, distributor and nginx bind 10.77.0.1. Reports model bytes per
# second / link rate ("efficiency"); zstd lets weightcast exceed 1.0 (target >= 0.9 x raw/stored).
# Usage: perf/bin/constrained.sh [RATE=1gbit[,200mbit...]] [SIZE=2GiB]
#   env: REPS=1 (runs per tool and rate), WARM_SIZE=256MiB, WC_KEEP=1 (keep the run dir)
# Two weightcast rows, as in one-node.sh:
#   weightcast       cold start: agent JVM start -> DATA/models/M/current flips to the version.
#   weightcast-warm  steady state: a running agent (following only model steady-RATE-REP) has
#                    rolled out v1, a WARM_SIZE model of other bytes, through the same link and gone
#                    idle; caches are dropped; v2 = the SIZE model is published (publish only, its
#                    chunks are stored already); time = registry committedAt of v2 -> current.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RATES=${1:-1gbit}
SIZE=${2:-2GiB}
REPS=${REPS:-1}
WARM_SIZE=${WARM_SIZE:-256MiB}
wc_require_root
wc_require_tools nginx aria2c curl java flock tc ip
IFS=, read -ra RATE_LIST <<<"$RATES"
for r in "${RATE_LIST[@]}"; do parse_rate "$r" >/dev/null; done
wc_init constrained
wc_lock

NS="wc-constrained-$$"
HIF="wcch$$"; NIF="wccn$$"
HOST_IP=10.77.0.1; NS_IP=10.77.0.2
subnet_free 10.77.0.
ns_pair "$NS" "$HIF" "$NIF" "$HOST_IP/30" "$NS_IP/30"
log "namespace $NS: $HIF $HOST_IP/30 (host) <-> $NIF $NS_IP/30 (namespace)"

BYTES=$(parse_size "$SIZE")
model_dir "$BYTES"
MB=$(model_bytes "$MODEL_DIR")
GIB=$(calc "%.4f" "$MB/1024^3")
mapfile -t FILES < <(model_files "$MODEL_DIR")
BIG=$(cd "$MODEL_DIR" && ls -S | head -1)
log "model: $MODEL_DIR, ${#FILES[@]} files, $MB bytes ($GIB GiB)"
model_dir "$(parse_size "$WARM_SIZE")" 7; WARM_DIR=$MODEL_DIR   # the earlier version: other bytes
model_dir "$BYTES"

start_origin "$HOST_IP"
wc_drop_caches
push_model "$MODEL_DIR" bench v1
BENCH_CHUNK=$PUSH_CHUNK
RATIO=$(compression_ratio "$MB")
log "pushed in ${PUSH_S}s; stored compression ratio (raw/stored) $RATIO"
nginx_start "$MODEL_DIR" "$HOST_IP"

RESULTS="$WC_RUN/results"   # rate tool rep wall_s client_cpu_s ready_s measured_link_mbit
: >"$RESULTS"
OUT="$WC_RUN/out"

run_weightcast() {  # RATE REP
  local rate=$1 rep=$2 data="$WC_RUN/agent-$1-$2"
  rm -rf "$data"; wc_drop_caches
  local t0 t1 cpu
  t0=$(now)
  WC_AGENT_MODELS=bench start_agent "$NS" "$data" "node-$rate-$rep" "$NS_IP"
  wait_current "$data" bench v1 "$AGENT_PID" 900
  t1=$(now)
  cpu=$(cpu_of "$AGENT_PID")
  { echo "  $rate run $rep: agent's busiest threads (JVM start to current, $(elapsed "$t0" "$t1")s)"
    thread_cpu "$AGENT_PID" 6 "$(elapsed "$t0" "$t1")"; } >>"$WC_RUN/threads"
  wc_kill "$AGENT_PID"
  same_bytes "$MODEL_DIR" "$data/models/bench/v1" || die "agent files differ from the source"
  echo "$rate weightcast $rep $(elapsed "$t0" "$t1") $cpu $(agent_ready_s "$data.log" "$t0") $MEASURED" >>"$RESULTS"
  log "$rate weightcast run $rep: $(elapsed "$t0" "$t1")s to current (agent up after $(agent_ready_s "$data.log" "$t0")s), agent CPU ${cpu}s"
  rm -rf "$data"
}

run_weightcast_warm() {  # RATE REP
  local rate=$1 rep=$2 data="$WC_RUN/agent-warm-$1-$2" m="steady-$1-$2"
  rm -rf "$data"
  # shellcheck disable=SC2046   # in the bench push's chunk size, so v2 reuses its chunks
  push_model "$WARM_DIR" "$m" v1 $(chunk_opts "$BENCH_CHUNK")
  WC_AGENT_MODELS=$m start_agent "$NS" "$data" "node-warm-$rate-$rep" "$NS_IP"
  wait_current "$data" "$m" v1 "$AGENT_PID" 900
  wait_idle "$AGENT_PID"
  wc_drop_caches
  local c0 tc t1 cpu wall
  c0=$(cpu_of "$AGENT_PID"); thread_snap "$AGENT_PID" "$WC_RUN/threads.base"
  push_model "$MODEL_DIR" "$m" v2   # chunks already stored: publishes only
  expect_chunk "$BENCH_CHUNK"
  tc=$(committed_at "$m" v2)
  wait_current "$data" "$m" v2 "$AGENT_PID" 900
  t1=$(now)
  wall=$(elapsed "$tc" "$t1")
  cpu=$(calc "%.2f" "$(cpu_of "$AGENT_PID")-$c0")
  { echo "  $rate warm run $rep: agent's busiest threads (commit of v2 to current, ${wall}s)"
    thread_cpu "$AGENT_PID" 6 "$wall" "$WC_RUN/threads.base"; } >>"$WC_RUN/threads"
  wc_kill "$AGENT_PID"
  same_bytes "$MODEL_DIR" "$data/models/$m/v2" || die "agent files differ from the source"
  echo "$rate weightcast-warm $rep $wall $cpu 0 $MEASURED" >>"$RESULTS"
  log "$rate weightcast-warm run $rep: ${wall}s from commit to current (push command ${PUSH_S}s), agent CPU ${cpu}s"
  rm -rf "$data"
}

run_tool() {  # RATE TOOL REP
  local rate=$1 tool=$2 rep=$3
  rm -rf "$OUT"; mkdir -p "$OUT"; wc_drop_caches
  local t0 t1
  t0=$(now)
  if [ "$tool" = curl ]; then
    mapfile -t args < <(curl_args "$NGINX_URL" "$OUT" "${FILES[@]}")
    time_cmd "$WC_RUN/time" ip netns exec "$NS" curl "${args[@]}" || die "curl failed"
  else
    aria_input "$NGINX_URL" "$OUT" "${FILES[@]}" >"$WC_RUN/aria.in"
    time_cmd "$WC_RUN/time" ip netns exec "$NS" aria2c "${ARIA_OPTS[@]}" -i "$WC_RUN/aria.in" \
      || die "aria2c failed"
  fi
  sync
  t1=$(now)
  read -r _ u s _ <"$WC_RUN/time"
  same_bytes "$MODEL_DIR" "$OUT" || die "$tool files differ from the source"
  echo "$rate $tool+sync $rep $(elapsed "$t0" "$t1") $(calc "%.2f" "$u+$s") 0 $MEASURED" >>"$RESULTS"
  log "$rate $tool+sync run $rep: $(elapsed "$t0" "$t1")s, client CPU $(calc "%.2f" "$u+$s")s"
  rm -rf "$OUT"
}

for rate in "${RATE_LIST[@]}"; do
  shape "$HIF" "$rate"              # download direction: host -> namespace
  shape "$NIF" "$rate" "$NS"        # upload direction (requests, ACKs)
  # Check the shaping: one big file with curl, from page cache, to /dev/null.
  cat "$MODEL_DIR/$BIG" >/dev/null
  bps=$(ip netns exec "$NS" curl -sS -o /dev/null -w '%{speed_download}' "$NGINX_URL/$BIG")
  MEASURED=$(calc "%.0f" "$bps*8/1e6")
  log "link $rate: curl of $BIG ($(stat -c %s "$MODEL_DIR/$BIG") bytes) measured $MEASURED Mbit/s ($(calc "%.3f" "$bps*8/$(parse_rate "$rate")") of nominal)"
  for rep in $(seq "$REPS"); do
    run_weightcast "$rate" "$rep"
    run_weightcast_warm "$rate" "$rep"
    run_tool "$rate" curl "$rep"
    run_tool "$rate" aria2c "$rep"
  done
done
log "rollout: $(rollout_state bench v1)"

# --- report -----------------------------------------------------------------------------------
echo
echo "=== constrained link (tbf, both directions): $GIB GiB model (${#FILES[@]} files), compression raw/stored $RATIO, caches dropped: $WC_DROP"
machine_facts
for rate in "${RATE_LIST[@]}"; do
  grep "^$rate " "$RESULTS" | awk -v mb="$MB" -v bps="$(parse_rate "$rate")" -v ratio="$RATIO" -v rate="$rate" '
    { t=$2; n[t]++; w[t]+=$4; c[t]+=$5; rd[t]+=$6; meas=$7; if (!(t in o)) { o[t]=++k; name[k]=t } }
    END {
      printf "\nlink %s (nominal %.0f Mbit/s, measured with curl %s Mbit/s); lower bound raw %.2fs, compressed %.2fs\n", rate, bps/1e6, meas, mb*8/bps, mb*8/bps/ratio
      printf "%-16s %4s %8s %10s %11s %9s %9s %11s\n", "tool", "runs", "wall_s", "model_MB/s", "efficiency", "vs_curl", "vs_aria2c", "cpu_s/GiB"
      cw=w["curl+sync"]/n["curl+sync"]; aw=w["aria2c+sync"]/n["aria2c+sync"]
      for (i=1; i<=k; i++) { t=name[i]; mw=w[t]/n[t]
        printf "%-16s %4d %8.2f %10.1f %11.3f %9.3f %9.3f %11.2f\n", t, n[t], mw, mb/mw/1e6, mb*8/mw/bps, mw/cw, mw/aw, c[t]/n[t]/(mb/1024^3) }
      wc=w["weightcast"]/n["weightcast"]; eff=mb*8/wc/bps
      printf "weightcast efficiency %.3f vs target 0.9 x %.3f = %.3f: %s (%.0f%% of target); excluding JVM start (%.2fs): %.3f\n", eff, ratio, 0.9*ratio, (eff >= 0.9*ratio ? "MET" : "MISSED"), 100*eff/(0.9*ratio), rd["weightcast"]/n["weightcast"], mb*8/(wc-rd["weightcast"]/n["weightcast"])/bps
      if ("weightcast-warm" in n) { ww=w["weightcast-warm"]/n["weightcast-warm"]; effw=mb*8/ww/bps
        printf "weightcast-warm efficiency %.3f vs target %.3f: %s (%.0f%% of target)\n", effw, 0.9*ratio, (effw >= 0.9*ratio ? "MET" : "MISSED"), 100*effw/(0.9*ratio) }
    }'
done
echo "(efficiency = model bytes/s / nominal link rate; wall = start of the client -> files durable (sync) / current flipped; weightcast: agent JVM start -> current; weightcast-warm: registry commit of v2 -> current on an idle running agent that rolled out a $WARM_SIZE v1 of other bytes; cpu: over that interval)"
echo "per run (rate tool rep wall_s client_cpu_s agent_up_s measured_mbit):"; sed 's/^/  /' "$RESULTS"
echo "where the agent's CPU went:"; cat "$WC_RUN/threads"

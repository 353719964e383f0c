#!/usr/bin/env bash
# Benchmark 4: fan-out. One origin (registry + distributor on the host, bound to a bridge at
# 10.78.0.1/24) and N agents, each in its own network namespace (10.78.0.10+i) behind a veth shaped
# with tbf in both directions and attached to the bridge. Weightcast: the N agents are already
# running and idle (started with --models fanN, all in rack r1 of zone z1, so they may fetch from
# each other); the time runs from the registry's commit of fanN/v1 (committedAt) until the last
# agent's `current` flips. Each N gets a fresh registry + distributor whose chunks were uploaded by
# a push of model "seed", so the push of fanN/v1 uploads nothing and only publishes. nginx: N curls (one per namespace) fetch every file at once, + sync.
# Usage: perf/bin/fanout.sh [N...=4 8 16] [SIZE=512MiB]   (a last argument with a unit is the size)
#   env: RATE=1gbit, WC_FANOUT_AGENT_OPTS (default "-Xmx256m -XX:+UseSerialGC": 16 JVMs on 2 cores),
#        WC_KEEP=1 (keep the run dir)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NS_COUNTS=()
SIZE=512MiB
for a in "$@"; do
  if [[ "$a" =~ ^[0-9]+$ ]]; then NS_COUNTS+=("$a"); else SIZE=$a; fi
done
[ ${#NS_COUNTS[@]} -gt 0 ] || NS_COUNTS=(4 8 16)
RATE=${RATE:-1gbit}
AGENT_OPTS=${WC_FANOUT_AGENT_OPTS:--Xmx256m -XX:+UseSerialGC}
MAXN=0; for n in "${NS_COUNTS[@]}"; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
[ "$MAXN" -le 200 ] || { echo "N must be <= 200" >&2; exit 2; }
wc_require_root
wc_require_tools nginx curl java flock tc ip
RATE_BPS=$(parse_rate "$RATE")
wc_init fanout
wc_lock

BR="wcfbr$$"
BR_IP=10.78.0.1
subnet_free 10.78.0.
bridge_up "$BR" "$BR_IP/24"
for i in $(seq "$MAXN"); do
  ns="wc-fanout-$$-$i"; hif="wfh$$x$i"; nif="wfn$$x$i"
  ns_pair "$ns" "$hif" "$nif" - "10.78.0.$((10 + i))/24"
  ip link set "$hif" master "$BR"
  shape "$hif" "$RATE"          # download: bridge -> agent
  shape "$nif" "$RATE" "$ns"    # upload: agent -> bridge
done
log "bridge $BR $BR_IP/24 with $MAXN namespaces (10.78.0.11..10.78.0.$((10 + MAXN))), each link tbf $RATE"

BYTES=$(parse_size "$SIZE")
model_dir "$BYTES"
MB=$(model_bytes "$MODEL_DIR")
GIB=$(calc "%.4f" "$MB/1024^3")
mapfile -t FILES < <(model_files "$MODEL_DIR")
log "model: $MODEL_DIR, ${#FILES[@]} files, $MB bytes ($GIB GiB)"

# fresh_origin: a new registry + distributor for each N (the distributor remembers which agents
# held which chunks; agents of an earlier N are gone), then the seed push that uploads the chunks.
fresh_origin() {
  if [ -n "${REG_PID:-}" ]; then
    wc_kill "$DIST_PID" "$REG_PID"
    rm -rf "$WC_RUN/dist" "$WC_RUN/registry"
  fi
  start_origin "$BR_IP"
  push_model "$MODEL_DIR" seed v1
  RATIO=$(compression_ratio "$MB")
  log "seed push (uploads the chunks) ${PUSH_S}s; compression raw/stored $RATIO"
  for i in $(seq "$MAXN"); do   # every namespace reaches the origin through the bridge
    ip netns exec "wc-fanout-$$-$i" curl -sf -o /dev/null --max-time 5 "http://$REG/health" \
      || die "namespace $i cannot reach the registry at $REG"
  done
}
nginx_start "$MODEL_DIR" "$BR_IP"

RESULTS="$WC_RUN/results"   # n weightcast_s nginx_s agent_cpu_s dist_cpu_s max_rss_mib
: >"$RESULTS"

committed_at() {  # MODEL VERSION -> epoch seconds of the registry's commit
  local iso
  iso=$(curl -s "http://$REG/v1/models/$1/versions" | python3 -c '
import json,sys
d=json.load(sys.stdin)
vs=d if isinstance(d,list) else d.get("versions",d)
for v in vs:
    if v.get("version")==sys.argv[1]: print(v["committedAt"])' "$2")
  [ -n "$iso" ] || die "no committedAt for $1/$2"
  date -d "$iso" +%s.%N
}

run_weightcast() {  # N
  local n=$1 m="fan$1" v=v1 i pids=() datas=() d0 d1 cpu=0 rss=0 r
  for i in $(seq "$n"); do
    local data="$WC_RUN/agents/$m-$i"
    # shellcheck disable=SC2086
    WC_RACK=r1 WC_AGENT_MODELS=$m start_agent "wc-fanout-$$-$i" "$data" "agent-$i" "10.78.0.$((10 + i))" $AGENT_OPTS
    pids+=("$AGENT_PID"); datas+=("$data")
  done
  for i in $(seq "$n"); do   # all agents up and watching before the publish
    local s=$SECONDS
    until grep -q "serving chunks" "${datas[i-1]}.log" 2>/dev/null; do
      kill -0 "${pids[i-1]}" 2>/dev/null || { tail "${datas[i-1]}.log" >&2; die "agent $i died at start"; }
      [ $((SECONDS - s)) -lt 120 ] || die "agent $i not up after 120s"
      sleep 0.2
    done
  done
  wait_idle "${pids[@]}"   # start-up JIT and GC done
  wc_drop_caches
  d0=$(cpu_of "$DIST_PID")
  for i in $(seq "$n"); do cpu=$(calc "%.2f" "$cpu-$(cpu_of "${pids[i-1]}")"); done
  push_model "$MODEL_DIR" "$m" "$v"; local ps=$PUSH_S   # same bytes: uploads nothing, publishes
  local tc; tc=$(committed_at "$m" "$v")
  for i in $(seq "$n"); do wait_current "${datas[i-1]}" "$m" "$v" "${pids[i-1]}" 900; done
  local t1; t1=$(now)
  d1=$(cpu_of "$DIST_PID")
  for i in $(seq "$n"); do
    cpu=$(calc "%.2f" "$cpu+$(cpu_of "${pids[i-1]}")")
    r=$(peak_rss_mib "${pids[i-1]}"); [ "$r" -gt "$rss" ] && rss=$r
  done
  WC_S=$(elapsed "$tc" "$t1")
  WC_RETRIES=$(cat "${datas[@]/%/.log}" | grep -c retrying)
  log "N=$n weightcast: $WC_S s from commit to the last current (push command ${ps}s); rollout $(rollout_state "$m" "$v"), $WC_RETRIES chunk retries; agents CPU ${cpu}s, distributor CPU $(calc "%.2f" "$d1-$d0")s, max agent RSS ${rss} MiB"
  WC_CPU=$cpu; WC_DCPU=$(calc "%.2f" "$d1-$d0"); WC_RSS=$rss
  same_bytes "$MODEL_DIR" "${datas[n-1]}/models/$m/$v" || die "agent $n files differ"
  wc_kill "${pids[@]}"
  rm -rf "$WC_RUN/agents"
}

run_nginx() {  # N
  local n=$1 i pids=() n0 n1 t0 t1
  rm -rf "$WC_RUN/out"
  for i in $(seq "$n"); do mkdir -p "$WC_RUN/out/$i"; done
  wc_drop_caches
  n0=$(cpu_tree "$NGINX_PID")
  t0=$(now)
  for i in $(seq "$n"); do
    mapfile -t args < <(curl_args "$NGINX_URL" "$WC_RUN/out/$i" "${FILES[@]}")
    ip netns exec "wc-fanout-$$-$i" curl "${args[@]}" &
    pids+=($!); wc_track $!
  done
  for i in $(seq "$n"); do wait "${pids[i-1]}" || die "curl in namespace $i failed"; wc_untrack "${pids[i-1]}"; done
  sync
  t1=$(now)
  n1=$(cpu_tree "$NGINX_PID")
  NG_S=$(elapsed "$t0" "$t1")
  log "N=$n nginx+curl: ${NG_S}s (all files in all namespaces, + sync); nginx CPU $(calc "%.2f" "$n1-$n0")s"
  same_bytes "$MODEL_DIR" "$WC_RUN/out/$n" || die "curl files differ"
  rm -rf "$WC_RUN/out"
}

for n in "${NS_COUNTS[@]}"; do
  fresh_origin
  run_weightcast "$n"
  run_nginx "$n"
  echo "$n $WC_S $NG_S $WC_CPU $WC_DCPU $WC_RSS $WC_RETRIES" >>"$RESULTS"
done

# --- report -----------------------------------------------------------------------------------
echo
echo "=== fan-out: $GIB GiB model (${#FILES[@]} files), compression raw/stored $RATIO, each agent link tbf $RATE, agent JVM options: $AGENT_OPTS, caches dropped: $WC_DROP"
machine_facts
awk -v mb="$MB" -v bps="$RATE_BPS" -v ratio="$RATIO" '
  BEGIN { lb = mb*8/bps
    printf "lower bound (model size / link rate) = %.2fs; with zstd (/%.3f) = %.2fs\n", lb, ratio, lb/ratio
    printf "%4s %8s %8s %9s %8s %8s %13s %12s %8s %8s\n", "N", "wc_s", "nginx_s", "wc/nginx", "wc/LB", "nginx/LB", "agent_cpu/GiB", "dist_cpu/GiB", "rss_MiB", "retries" }
  { printf "%4d %8.2f %8.2f %9.3f %8.2f %8.2f %13.2f %12.2f %8d %8d\n", $1, $2, $3, $2/$3, $2/lb, $3/lb, $4/$1/(mb/1024^3), $5/$1/(mb/1024^3), $6, $7 }' "$RESULTS"
echo "(wc_s: registry commit -> last agent current; nginx_s: N parallel curls + sync; LB: lower bound; cpu per GiB delivered to one node; rss: largest agent peak RSS; retries: chunk fetches retried, summed over agents)"
echo "distributor's busiest threads (whole life: seed push + the last N):"; thread_cpu "$DIST_PID" 6

#!/usr/bin/env bash
# Benchmark 4: fan-out over racks whose uplinks are narrower than the links inside them.
#
# Topology (all names contain "topo" and this shell's pid):
#   core bridge topoc$$ (10.79.0.1/24: registry, distributor, nginx on the host)
#     |-- rack k: veth topod$$xK (core side) <-> topou$$xK (rack side), port of bridge topor$$xK,
#     |           tbf UPLINK on both ends (down: core -> rack, up: rack -> core)
#     |     |-- agent i: namespace wc-topo-$$-i, veth topoh$$xI (rack bridge port) <-> topon$$xI
#     |                  (10.79.0.(10+i)/24), tbf LINK on both ends
# One flat L2 subnet, so a same-rack transfer stays on the rack bridge and never touches the
# uplink, while anything from the origin or another rack crosses the uplink(s). RACK_SIZE agents
# per rack (agent i in rack ceil(i / RACK_SIZE)), ZONE_RACKS (2) racks per zone; agents register with the
# matching --zone/--rack.
#
# Weightcast: the N agents are running and idle (--models fanN); the time runs from the
# registry's commit of fanN/v1 until the last agent's `current` flips. Each N gets a fresh
# registry + distributor whose chunks were uploaded by a push of model "seed", so the push of
# fanN/v1 uploads nothing and only publishes. Star baseline: N curls (one per namespace) fetch
# every file from nginx on the core at once, + sync: every byte crosses the uplinks once per agent.
# Bytes through each rack's downlink are read from its tbf counters around each run.
#
# Lower bound (one model of S bytes, W = S / c on the wire with weightcast's compression c;
# nginx sends raw, c = 1): every rack must receive W through its uplink U and every agent through
# its link L, and the origin's side is unshaped, so  LB = W / min(U, L).  Star's own bound:
# a rack of R agents must pull R x S through U:  LB_star = R x S / U.
#
# Usage: perf/bin/fanout.sh [N...=4 8 16] [SIZE=128MiB]   (a last argument with a unit is the size)
#   env: LINK=100mbit (agent link), UPLINK=50mbit (rack uplink; default 8:1 oversubscription at
#        RACK_SIZE=4), RACK_SIZE=4, WC_FANOUT_AGENT_OPTS (default "-Xmx256m -XX:+UseSerialGC"),
#        WC_TCP_CC=cubic (the TCP congestion control for the run; default: the host's),
#        ZONE_RACKS=2 (racks per zone), WC_KEEP=1 (keep the run dir), STAR=0 (skip the star baseline: its columns print 0),
#        WC_DIST_OPTS (extra distributor options, e.g. "--rack-crossings 4"),
#        WARMUP=SIZE (e.g. 32MiB: before the timed version, every agent rolls out fanN/v0, a model
#        of that size with other bytes, as a long-running agent has done earlier versions; so
#        the timed run is a warm daemon's, its JIT done. Empty (default): agents are fresh JVMs)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NS_COUNTS=()
SIZE=128MiB
for a in "$@"; do
  if [[ "$a" =~ ^[0-9]+$ ]]; then NS_COUNTS+=("$a"); else SIZE=$a; fi
done
[ ${#NS_COUNTS[@]} -gt 0 ] || NS_COUNTS=(4 8 16)
LINK=${LINK:-100mbit}
UPLINK=${UPLINK:-50mbit}
RACK_SIZE=${RACK_SIZE:-4}
AGENT_OPTS=${WC_FANOUT_AGENT_OPTS:--Xmx256m -XX:+UseSerialGC}
WARMUP=${WARMUP:-}
MAXN=0; for n in "${NS_COUNTS[@]}"; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
[ "$MAXN" -le 200 ] || { echo "N must be <= 200" >&2; exit 2; }
wc_require_root
wc_require_tools nginx curl java flock tc ip
LINK_BPS=$(parse_rate "$LINK")
UPLINK_BPS=$(parse_rate "$UPLINK")
wc_init fanout
wc_lock
wc_tcp_cc

rack_of() { echo $(( ($1 - 1) / RACK_SIZE + 1 )); }   # agent i -> rack k
ZONE_RACKS=${ZONE_RACKS:-2}
zone_of() { echo $(( ($1 - 1) / ZONE_RACKS + 1 )); }  # rack k -> zone
RACKS=$(rack_of "$MAXN")

CORE="topoc$$"
CORE_IP=10.79.0.1
subnet_free 10.79.0.
bridge_up "$CORE" "$CORE_IP/24"
for k in $(seq "$RACKS"); do
  rb="topor$$x$k"; down="topod$$x$k"; up="topou$$x$k"
  ip link add "$rb" type bridge || die "bridge $rb failed"; WC_LINKS+=("$rb")
  ip link set "$rb" up
  ip link add "$down" type veth peer name "$up" || die "veth $down failed"; WC_LINKS+=("$down")
  ip link set "$down" master "$CORE"; ip link set "$up" master "$rb"
  ip link set "$down" up; ip link set "$up" up
  shape "$down" "$UPLINK"   # core -> rack
  shape "$up" "$UPLINK"     # rack -> core
done
for i in $(seq "$MAXN"); do
  ns="wc-topo-$$-$i"; hif="topoh$$x$i"; nif="topon$$x$i"
  ns_pair "$ns" "$hif" "$nif" - "10.79.0.$((10 + i))/24"
  ip link set "$hif" master "topor$$x$(rack_of "$i")"
  shape "$hif" "$LINK"          # rack bridge -> agent
  shape "$nif" "$LINK" "$ns"    # agent -> rack bridge
done
log "core $CORE $CORE_IP/24; $RACKS racks of $RACK_SIZE behind uplinks of $UPLINK; $MAXN agents (10.79.0.11..) on links of $LINK"

BYTES=$(parse_size "$SIZE")
model_dir "$BYTES"
MB=$(model_bytes "$MODEL_DIR")
GIB=$(calc "%.4f" "$MB/1024^3")
mapfile -t FILES < <(model_files "$MODEL_DIR")
log "model: $MODEL_DIR, ${#FILES[@]} files, $MB bytes ($GIB GiB)"

# The warm-up model: other bytes (seed 7, not the timed model's 42), so nothing of it can be
# reused locally by the timed version.
if [ -n "$WARMUP" ]; then
  model_dir "$(parse_size "$WARMUP")" 7; WARM_DIR=$MODEL_DIR
  model_dir "$BYTES"   # MODEL_DIR is the timed model again
fi

# downlink_bytes N -> bytes sent so far into each rack used by N agents, space-separated
downlink_bytes() {
  local k out=()
  for k in $(seq "$(rack_of "$1")"); do
    out+=("$(tc -s qdisc show dev "topod$$x$k" | awk '/Sent/{print $2; exit}')")
  done
  echo "${out[*]}"
}
# max_copies BEFORE AFTER -> the largest (after - before) / model bytes over the racks
max_copies() {
  awk -v a="$1" -v b="$2" -v mb="$MB" 'BEGIN{ n=split(a,x," "); split(b,y," "); m=0
    for (i=1;i<=n;i++) { c=(y[i]-x[i])/mb; if (c>m) m=c } printf "%.2f", m }'
}

# fresh_origin: a new registry + distributor for each N (the distributor remembers which agents
# held which chunks; agents of an earlier N are gone), then the seed push that uploads the chunks.
fresh_origin() {
  if [ -n "${REG_PID:-}" ]; then
    wc_kill "$DIST_PID" "$REG_PID"
    rm -rf "$WC_RUN/dist" "$WC_RUN/registry"
  fi
  start_origin "$CORE_IP"
  push_model "$MODEL_DIR" seed v1
  SEED_CHUNK=$PUSH_CHUNK
  RATIO=$(compression_ratio "$MB")
  log "seed push (uploads the chunks) ${PUSH_S}s in chunks of $SEED_CHUNK; compression raw/stored $RATIO"
  for i in $(seq "$MAXN"); do   # every namespace reaches the origin through its rack uplink
    ip netns exec "wc-topo-$$-$i" curl -sf -o /dev/null --max-time 5 "http://$REG/health" \
      || die "namespace $i cannot reach the registry at $REG"
  done
}
nginx_start "$MODEL_DIR" "$CORE_IP"

RESULTS="$WC_RUN/results"   # n wc_s star_s agent_cpu_s dist_cpu_s rss retries wc_copies star_copies
: >"$RESULTS"


run_weightcast() {  # N
  local n=$1 m="fan$1" v=v1 i k pids=() datas=() d0 d1 cpu=0 rss=0 r
  for i in $(seq "$n"); do
    local data="$WC_RUN/agents/$m-$i"
    k=$(rack_of "$i")
    # shellcheck disable=SC2086
    WC_ZONE="z$(zone_of "$k")" WC_RACK="r$k" WC_AGENT_MODELS=$m \
      start_agent "wc-topo-$$-$i" "$data" "agent-$i" "10.79.0.$((10 + i))" $AGENT_OPTS
    pids+=("$AGENT_PID"); datas+=("$data")
  done
  for i in $(seq "$n"); do   # all agents up and watching before the publish
    local s=$SECONDS
    until grep -q "serving chunks" "${datas[i-1]}.log" 2>/dev/null; do
      kill -0 "${pids[i-1]}" 2>/dev/null || { tail "${datas[i-1]}.log" >&2; die "agent $i died at start"; }
      [ $((SECONDS - s)) -lt 180 ] || die "agent $i not up after 180s"
      sleep 0.2
    done
  done
  wait_idle "${pids[@]}"   # start-up JIT and GC done
  if [ -n "$WARMUP" ]; then
    # shellcheck disable=SC2046   # in the seed's chunk size, so the timed push reuses its chunks
    push_model "$WARM_DIR" "$m" v0 $(chunk_opts "$SEED_CHUNK")
    for i in $(seq "$n"); do wait_current "${datas[i-1]}" "$m" v0 "${pids[i-1]}" 900; done
    wait_idle "${pids[@]}"
    log "N=$n warm-up: every agent activated $m/v0 ($WARMUP of other bytes) in $(elapsed "$(committed_at "$m" v0)" "$(now)")s"
  fi
  wc_drop_caches
  d0=$(cpu_of "$DIST_PID")
  for i in $(seq "$n"); do cpu=$(calc "%.2f" "$cpu-$(cpu_of "${pids[i-1]}")"); done
  local b0; b0=$(downlink_bytes "$n")
  push_model "$MODEL_DIR" "$m" "$v"; local ps=$PUSH_S   # same bytes: uploads nothing, publishes
  expect_chunk "$SEED_CHUNK"
  local tc; tc=$(committed_at "$m" "$v")
  for i in $(seq "$n"); do wait_current "${datas[i-1]}" "$m" "$v" "${pids[i-1]}" 900; done
  local t1; t1=$(now)
  d1=$(cpu_of "$DIST_PID")
  WC_COPIES=$(max_copies "$b0" "$(downlink_bytes "$n")")
  for i in $(seq "$n"); do
    cpu=$(calc "%.2f" "$cpu+$(cpu_of "${pids[i-1]}")")
    r=$(peak_rss_mib "${pids[i-1]}"); [ "$r" -gt "$rss" ] && rss=$r
  done
  WC_S=$(elapsed "$tc" "$t1")
  WC_RETRIES=$(cat "${datas[@]/%/.log}" | grep -c retrying)
  log "N=$n weightcast: $WC_S s from commit to the last current (push command ${ps}s); rollout $(rollout_state "$m" "$v"), $WC_RETRIES chunk retries; agents CPU ${cpu}s, distributor CPU $(calc "%.2f" "$d1-$d0")s, max agent RSS ${rss} MiB; busiest rack downlink carried $WC_COPIES model sizes"
  WC_CPU=$cpu; WC_DCPU=$(calc "%.2f" "$d1-$d0"); WC_RSS=$rss
  curl -s "$DIST_URL/v1/topology/transfers" >"$WC_RUN/transfers-$n.json" 2>/dev/null || true
  same_bytes "$MODEL_DIR" "${datas[n-1]}/models/$m/$v" || die "agent $n files differ"
  log "agent 1's busiest threads (whole life: start, warm-up if any, the timed version):"
  thread_cpu "${pids[0]}" 8 >&2
  wc_kill "${pids[@]}"
  if [ "${WC_KEEP:-0}" = 1 ]; then mkdir -p "$WC_RUN/logs-$n" && cp "$WC_RUN"/agents/*.log "$WC_RUN/logs-$n/"; fi
  rm -rf "$WC_RUN/agents"
}

run_star() {  # N
  local n=$1 i pids=() t0 t1 b0
  rm -rf "$WC_RUN/out"
  for i in $(seq "$n"); do mkdir -p "$WC_RUN/out/$i"; done
  wc_drop_caches
  b0=$(downlink_bytes "$n")
  t0=$(now)
  for i in $(seq "$n"); do
    mapfile -t args < <(curl_args "$NGINX_URL" "$WC_RUN/out/$i" "${FILES[@]}")
    ip netns exec "wc-topo-$$-$i" curl "${args[@]}" &
    pids+=($!); wc_track $!
  done
  for i in $(seq "$n"); do wait "${pids[i-1]}" || die "curl in namespace $i failed"; wc_untrack "${pids[i-1]}"; done
  sync
  t1=$(now)
  STAR_S=$(elapsed "$t0" "$t1")
  STAR_COPIES=$(max_copies "$b0" "$(downlink_bytes "$n")")
  log "N=$n star (nginx + N curls): ${STAR_S}s (all files in all namespaces, + sync); busiest rack downlink carried $STAR_COPIES model sizes"
  same_bytes "$MODEL_DIR" "$WC_RUN/out/$n" || die "curl files differ"
  rm -rf "$WC_RUN/out"
}

for n in "${NS_COUNTS[@]}"; do
  fresh_origin
  run_weightcast "$n"
  if [ "${STAR:-1}" = 1 ]; then run_star "$n"; else STAR_S=0; STAR_COPIES=0; fi
  echo "$n $WC_S $STAR_S $WC_CPU $WC_DCPU $WC_RSS $WC_RETRIES $WC_COPIES $STAR_COPIES" >>"$RESULTS"
done

# --- report -----------------------------------------------------------------------------------
echo
echo "=== fan-out over racks: $GIB GiB model (${#FILES[@]} files), compression raw/stored $RATIO; agent links tbf $LINK, rack uplinks tbf $UPLINK, $RACK_SIZE agents per rack, $ZONE_RACKS racks per zone; distributor options: ${WC_DIST_OPTS:-none}; warm-up version before the timed one: ${WARMUP:-none (fresh agent JVMs)}; agent JVM options: $AGENT_OPTS; caches dropped: $WC_DROP; TCP congestion control: $TCP_CC"
machine_facts
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v mb="$MB" -v l="$LINK_BPS" -v u="$UPLINK_BPS" -v ratio="$RATIO" -v rs="$RACK_SIZE" -v nc="$(nproc)" '
  BEGIN { bn = (u < l ? u : l); lbraw = mb*8/bn; lb = lbraw/ratio
    printf "lower bound LB = (model / compression) / min(uplink, link) = %.0f B / %.3f / %.0f bit/s = %.2fs (raw bytes: %.2fs)\n", mb, ratio, bn, lb, lbraw
    printf "%4s %5s %8s %8s %8s %9s %10s %13s %12s %8s %8s %9s %9s %9s\n", "N", "racks", "wc_s", "star_s", "wc/LB", "star/wc", "star/LBst", "agent_cpu/GiB", "dist_cpu/GiB", "rss_MiB", "retries", "wc_rackin", "st_rackin", "cpu_busy" }
  { racks = int(($1 + rs - 1) / rs); r = ($1 < rs ? $1 : rs); lbstar = r*mb*8/u
    printf "%4d %5d %8.2f %8.2f %8.2f %9.2f %10.2f %13.2f %12.2f %8d %8d %9.2f %9.2f %9.2f\n", $1, racks, $2, $3, $2/lb, $3/$2, $3/lbstar, $4/$1/(mb/1024^3), $5/$1/(mb/1024^3), $6, $7, $8, $9, ($4+$5)/$2/nc }' "$RESULTS"
echo "(wc_s: registry commit -> last agent current; star_s: N parallel curls from nginx on the core + sync; LBst = R x model / uplink, R agents per rack; cpu per GiB delivered to one node; rss: largest agent peak RSS; retries: chunk fetches retried, summed over agents; *_rackin: bytes through the busiest rack downlink / model size (weightcast bytes are compressed); cpu_busy: (agents + distributor CPU) / wc_s / cores, near 1 the machine and not the network bounds wc_s)"
echo "distributor's busiest threads (whole life: seed push + the last N):"; thread_cpu "$DIST_PID" 6

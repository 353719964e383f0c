# Shared functions for the end-to-end benchmarks (one-node.sh, constrained.sh, fanout.sh).
# Source it; it does nothing on its own. Everything a benchmark creates (processes, network
# namespaces, veth links, bridges, qdiscs, run directories) is registered here and removed by
# wc_cleanup, which wc_init installs as the EXIT/INT/TERM trap.
#
# Layout: $WC_WORK (default /var/tmp/wc-perf) holds cached synthetic models (models/<bytes>/) and
# one directory per run (run.<pid>/) with a snapshot of the jar, role data and logs; the run
# directory is deleted on exit unless WC_KEEP=1.

WC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WC_WORK=${WC_WORK:-/var/tmp/wc-perf}
WC_LOCK=${WC_LOCK:-/tmp/wc-bench.lock}
WC_PIDS=()      # processes we started (killed on exit, newest first)
WC_NETNS=()     # namespaces we created
WC_LINKS=()     # host-side links we created (veth peers and bridges)
WC_RUN=""
WC_DROP="untested"
WC_CLEANED=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- setup and teardown -----------------------------------------------------------------------

wc_require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "$(basename "$0"): needs root (network namespaces, tc, drop_caches); run it with sudo." >&2
    exit 2
  fi
}

wc_require_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "missing tools: ${missing[*]}; installing Debian packages (nginx-light aria2 sysstat)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light aria2 sysstat >/dev/null 2>&1 \
      || die "cannot install ${missing[*]}: apt-get install nginx-light aria2 sysstat"
    for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "still missing: $t"; done
  fi
}

# wc_init NAME: run directory, jar snapshot, cleanup trap.
wc_init() {
  mkdir -p "$WC_WORK/models"
  WC_RUN="$WC_WORK/run.$1.$$"
  rm -rf "$WC_RUN"; mkdir -p "$WC_RUN"
  trap 'wc_cleanup' EXIT
  trap 'log "interrupted: cleaning up"; exit 130' INT
  trap 'log "terminated: cleaning up"; exit 143' TERM
  local jar="$WC_REPO/deploy/target/weightcast.jar"
  if [ ! -f "$jar" ]; then
    log "building $jar (absent)"
    (cd "$WC_REPO" && mvn -B -q -o -DskipTests package) || die "build failed"
  fi
  # A snapshot, so a colleague rebuilding the jar mid-run cannot change what we measure.
  local i
  for i in 1 2 3 4 5; do
    cp "$jar" "$WC_RUN/weightcast.jar" && java -jar "$WC_RUN/weightcast.jar" --version >/dev/null 2>&1 && break
    log "jar snapshot unusable (being rebuilt?); retrying"; sleep 5
  done
  java -jar "$WC_RUN/weightcast.jar" --version >/dev/null 2>&1 || die "no usable jar"
  WC_JAR="$WC_RUN/weightcast.jar"
  log "run dir $WC_RUN; jar $(sha256sum "$WC_JAR" | cut -c1-12) ($(date -r "$jar" +%H:%M:%S))"
}

# wc_lock: serialise against every other benchmark on this machine (waits).
wc_lock() {
  exec 9>"$WC_LOCK"
  if ! flock -n 9; then
    log "waiting for $WC_LOCK (another benchmark is running)"
    wc_fg flock 9 || die "cannot take $WC_LOCK"
  fi
  log "holding $WC_LOCK"
}

wc_track() { WC_PIDS+=("$1"); }
wc_untrack() {  # forget an ended process so a reused pid is never signalled
  local i
  for i in "${!WC_PIDS[@]}"; do [ "${WC_PIDS[i]}" = "$1" ] && unset 'WC_PIDS[i]'; done
  WC_PIDS=("${WC_PIDS[@]}")
}

# wc_fg CMD...: runs CMD as a tracked child and waits; INT/TERM interrupt the wait at once (a
# foreground child would delay the trap until it ends) and the cleanup then stops the child.
wc_fg() {
  "$@" &
  local p=$! rc
  wc_track $p
  wait $p; rc=$?
  wc_untrack $p
  return $rc
}

# wc_kill PID...: TERM, then KILL after 5 s; only the given ids.
wc_kill() {
  local p i
  for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 50); do
    local alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "$@"; do kill -KILL "$p" 2>/dev/null; done
  for p in "$@"; do wait "$p" 2>/dev/null; wc_untrack "$p"; done
  return 0
}

wc_cleanup() {
  [ "$WC_CLEANED" = 1 ] && return
  WC_CLEANED=1
  trap '' INT TERM
  local i ns link p
  for ((i = ${#WC_PIDS[@]} - 1; i >= 0; i--)); do
    p=${WC_PIDS[i]}
    kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
  done
  for ((i = ${#WC_PIDS[@]} - 1; i >= 0; i--)); do
    p=${WC_PIDS[i]}
    kill -0 "$p" 2>/dev/null && wc_kill "$p"
  done
  for ns in "${WC_NETNS[@]}"; do
    # Anything still inside a namespace we made was started by this benchmark.
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  for link in "${WC_LINKS[@]}"; do
    ip link show "$link" >/dev/null 2>&1 && ip link del "$link" 2>/dev/null
  done
  if [ -n "${WC_CC_SAVED:-}" ]; then sysctl -qw net.ipv4.tcp_congestion_control="$WC_CC_SAVED"; fi
  if [ -n "$WC_RUN" ] && [ -d "$WC_RUN" ] && [ "${WC_KEEP:-0}" != 1 ]; then rm -rf "$WC_RUN"; fi
  log "cleaned up: ${#WC_PIDS[@]} process(es), ${#WC_NETNS[@]} namespace(s), ${#WC_LINKS[@]} link(s)"
}

# wc_tcp_cc: with WC_TCP_CC set (e.g. cubic), makes it the TCP congestion control of every socket
# created from now on, the host's and new namespaces' (which take the host's default), until
# wc_cleanup restores the one before. Sets TCP_CC to the one in force.
wc_tcp_cc() {
  TCP_CC=$(sysctl -n net.ipv4.tcp_congestion_control)
  [ -n "${WC_TCP_CC:-}" ] && [ "$WC_TCP_CC" != "$TCP_CC" ] || return 0
  WC_CC_SAVED=$TCP_CC
  sysctl -qw net.ipv4.tcp_congestion_control="$WC_TCP_CC" || die "cannot set TCP congestion control $WC_TCP_CC"
  TCP_CC=$WC_TCP_CC
}

# --- sizes, time, CPU -------------------------------------------------------------------------

# parse_size 2GiB|512MiB|1G|123 -> bytes
parse_size() {
  local s=$1 n u
  n=$(printf '%s' "$s" | sed -E 's/^([0-9.]+).*/\1/'); u=$(printf '%s' "$s" | sed -E 's/^[0-9.]+//')
  case "$u" in
    ""|B) awk -v n="$n" 'BEGIN{printf "%.0f", n}';;
    K|KiB|k) awk -v n="$n" 'BEGIN{printf "%.0f", n*1024}';;
    M|MiB|m) awk -v n="$n" 'BEGIN{printf "%.0f", n*1024^2}';;
    G|GiB|g) awk -v n="$n" 'BEGIN{printf "%.0f", n*1024^3}';;
    *) die "bad size '$s' (use e.g. 512MiB, 2GiB)";;
  esac
}

# parse_rate 1gbit|200mbit -> bits per second
parse_rate() {
  local s=$1 n u
  n=$(printf '%s' "$s" | sed -E 's/^([0-9.]+).*/\1/'); u=$(printf '%s' "$s" | sed -E 's/^[0-9.]+//')
  case "$u" in
    gbit) awk -v n="$n" 'BEGIN{printf "%.0f", n*1e9}';;
    mbit) awk -v n="$n" 'BEGIN{printf "%.0f", n*1e6}';;
    *) die "bad rate '$s' (use e.g. 1gbit, 200mbit)";;
  esac
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
calc() { awk "BEGIN{printf \"$1\", $2}"; }

# cpu_of PID -> user+system CPU seconds of a live process (its threads included).
cpu_of() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  # after the comm: field 3 is state; utime, stime are fields 14 and 15 of the full line.
  echo "$stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($12+$13)/hz}'
}

# cpu_tree PID -> CPU seconds of PID and its direct children (nginx master + workers).
cpu_tree() {
  local total p
  total=$(cpu_of "$1")
  for p in $(pgrep -P "$1"); do total=$(calc "%.2f" "$total+$(cpu_of "$p")"); done
  echo "$total"
}

peak_rss_mib() { awk '/VmHWM/{printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wc_drop_caches: flush and drop the page cache; sets WC_DROP to yes/no.
wc_drop_caches() {
  sync
  if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then WC_DROP=yes; else WC_DROP=no; fi
}

# --- ports and the synthetic model ------------------------------------------------------------

# free_port: a TCP port nobody listens on (any address); picked at random in 20000-59999.
free_port() {
  local p i used
  used=$(ss -Htan | awk '{print $4}' | sed -E 's/.*:([0-9]+)$/\1/' | sort -u)
  for i in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if ! grep -qx "$p" <<<"$used" && ! grep -qx "$p" <<<"${WC_PORTS_TAKEN:-}"; then
      WC_PORTS_TAKEN="${WC_PORTS_TAKEN:-}"$'\n'"$p"
      echo "$p"; return
    fi
  done
  die "no free port"
}

# model_dir BYTES [SEED=42]: sets MODEL_DIR to a cached synthetic bf16 safetensors model of about
# BYTES (generated once, then reused by every benchmark). Another SEED gives other bytes (no chunk
# in common), e.g. for an earlier version of a model.
model_dir() {
  local bytes=$1 seed=${2:-42} dir="$WC_WORK/models/$1"
  [ "$seed" = 42 ] || dir="$dir-seed$seed"
  if [ ! -f "$dir/.complete" ]; then
    log "generating a synthetic bf16 model of $bytes bytes in $dir (cached for later runs)"
    rm -rf "$dir"; mkdir -p "$dir/model"
    cat >"$WC_RUN/Gen.java" <<'EOF'
import java.nio.file.Path;
public class Gen {
  public static void main(String[] a) {
    io.weightcast.protocol.synthetic.SyntheticModel.write(Path.of(a[0]), Long.parseLong(a[1]), Long.parseLong(a[2]));
  }
}
EOF
    wc_fg java -cp "$WC_JAR" "$WC_RUN/Gen.java" "$dir/model" "$bytes" "$seed" >&2 || die "model generation failed"
    sync
    touch "$dir/.complete"
  fi
  MODEL_DIR="$dir/model"
}

model_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END{printf "%.0f", s}'; }
model_files() { (cd "$1" && find . -type f -printf '%P\n' | sort); }

# --- weightcast roles -------------------------------------------------------------------------

# wait_http URL [TIMEOUT_S]
wait_http() {
  local url=$1 t=${2:-60} i
  for i in $(seq $((t * 10))); do
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  die "$url did not answer within ${t}s"
}

# start_origin HOST: registry + distributor bound to HOST on free ports.
# Sets REG (host:port), DIST_URL, REG_PID, DIST_PID. Extra JVM options in WC_SERVER_JAVA_OPTS,
# extra distributor options in WC_DIST_OPTS.
start_origin() {
  local host=$1 rport dport
  rport=$(free_port); dport=$(free_port)
  mkdir -p "$WC_RUN/registry" "$WC_RUN/dist"
  # shellcheck disable=SC2086
  java ${WC_SERVER_JAVA_OPTS:-} -jar "$WC_JAR" registry --host "$host" --port "$rport" --plaintext \
    --data "$WC_RUN/registry" >"$WC_RUN/registry.log" 2>&1 9>&- &
  REG_PID=$!; wc_track $REG_PID
  REG="$host:$rport"
  wait_http "http://$REG/health"
  # shellcheck disable=SC2086
  java ${WC_SERVER_JAVA_OPTS:-} -jar "$WC_JAR" distributor --host "$host" --port "$dport" --plaintext ${WC_DIST_OPTS:-} \
    --registry "$REG" --data "$WC_RUN/dist" --advertise "http://$host:$dport" \
    >"$WC_RUN/distributor.log" 2>&1 9>&- &
  DIST_PID=$!; wc_track $DIST_PID
  DIST_URL="http://$host:$dport"
  local i
  for i in $(seq 600); do
    curl -s --max-time 1 "http://$REG/v1/distributors" | grep -q "$host:$dport" && break
    kill -0 $DIST_PID 2>/dev/null || { tail -20 "$WC_RUN/distributor.log" >&2; die "distributor died"; }
    sleep 0.1
  done
  curl -s "http://$REG/v1/distributors" | grep -q "$host:$dport" || die "distributor never registered"
  log "origin up: registry $REG (pid $REG_PID), distributor $DIST_URL (pid $DIST_PID)"
}

# push_model DIR MODEL VERSION [OPTION...]: sets PUSH_S (seconds the push command took) and
# PUSH_CHUNK (the chunk size it published, e.g. "2.0 MiB"). WC_PUSH_OPTS: push options for every
# push (e.g. "--chunk-size 2MiB"); OPTIONs for this one.
push_model() {
  local t0 t1 log="$WC_RUN/push-$2-$3.log"
  t0=$(now)
  wc_fg java -jar "$WC_JAR" push "$1" --model "$2" --version "$3" --registry "$REG" \
    --distributor "$DIST_URL" ${WC_PUSH_OPTS:-} "${@:4}" >"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "push failed"; }
  t1=$(now)
  PUSH_S=$(elapsed "$t0" "$t1")
  PUSH_CHUNK=$(sed -n 's/.* in chunks of \([0-9.]* [KMGT]*i*B\).*/\1/p' "$log")
}

# chunk_opts SIZE: the push options that cut in chunks of SIZE (a PUSH_CHUNK, "2.0 MiB"), none
# when WC_PUSH_OPTS names a chunk size. A warm-up version pushed with them makes the timed push
# (--chunk-size auto keeps the newest version's size) cut the model as its first push did.
chunk_opts() {
  [[ "${WC_PUSH_OPTS:-}" == *--chunk-size* ]] || echo "--chunk-size ${1// /}"
}

# expect_chunk SIZE: dies unless the last push_model cut chunks of SIZE (a publish-only push).
expect_chunk() {
  [ "$PUSH_CHUNK" = "$1" ] || die "the push cut chunks of $PUSH_CHUNK, not $1: it was not a publish only"
}

# compression_ratio MODEL_BYTES: raw bytes / bytes stored by the distributor (chunks/ only).
compression_ratio() {
  local stored
  stored=$(find "$WC_RUN/dist/chunks" -type f -printf '%s\n' | awk '{s+=$1} END{printf "%.0f", s}')
  calc "%.3f" "$1/$stored"
}

# start_agent NS DATA NODE HOST [JAVA_OPTS...]: an agent (in namespace NS unless NS is "-").
# Sets AGENT_PID. Its chunk server binds HOST on a free port. Zone $WC_ZONE (default z1); rack $WC_RACK (default one
# rack per node); only the models in $WC_AGENT_MODELS if set (else every model).
start_agent() {
  local ns=$1 data=$2 node=$3 host=$4; shift 4
  local port; port=$(free_port)
  mkdir -p "$data"
  local cmd=(java "$@" -jar "$WC_JAR" agent --registry "$REG" --data "$data" --node-id "$node"
    --zone "${WC_ZONE:-z1}" --rack "${WC_RACK:-r-$node}" --host "$host" --port "$port" --plaintext)
  [ -n "${WC_AGENT_MODELS:-}" ] && cmd+=(--models "$WC_AGENT_MODELS")
  if [ "$ns" = - ]; then
    "${cmd[@]}" >"$data.log" 2>&1 9>&- &
  else
    ip netns exec "$ns" "${cmd[@]}" >"$data.log" 2>&1 9>&- &
  fi
  AGENT_PID=$!; wc_track $AGENT_PID
}

# wait_current DATA MODEL VERSION PID [TIMEOUT_S]: polls every 20 ms until DATA/models/MODEL/current
# points at VERSION; fails if the process dies or the timeout passes.
wait_current() {
  local link="$1/models/$2/current" v=$3 pid=$4 t=${5:-600} start=$SECONDS
  while [ "$(readlink "$link" 2>/dev/null)" != "$v" ]; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$1.log" >&2; die "agent $pid died before activating $v"; }
    [ $((SECONDS - start)) -lt "$t" ] || { tail -20 "$1.log" >&2; die "agent $pid: $v not active after ${t}s"; }
    sleep 0.05
  done
}

# thread_snap PID FILE: each thread's "name/tid utime stime" (clock ticks) now; a baseline for
# thread_cpu, so a long-running process's threads can be measured over one interval.
thread_snap() {
  local t s
  for t in /proc/"$1"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    s=${s##*) }
    echo "$(tr ' ' _ <"$t/comm")/${t##*/} $(echo "$s" | awk '{print $12, $13}')"
  done >"$2"
}

# thread_cpu PID [N] [WALL_S] [BASELINE]: the N busiest threads of PID (default 8) with user/sys
# CPU seconds (since the thread_snap BASELINE file if given, else over the thread's life), and,
# given the wall time, each one's average utilisation of a core (a thread near 100% is a serial
# bottleneck). Names are truncated by the kernel to 15 characters, so the tid is shown.
thread_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  thread_snap "$1" "$WC_RUN/threads.now"
  awk -v hz="$hz" -v wall="${3:-0}" -v base="${4:-/dev/null}" '
    BEGIN { while ((getline l < base) > 0) { split(l, f, " "); bu[f[1]]=f[2]; bs[f[1]]=f[3] } }
    { u=$2-bu[$1]; s=$3-bs[$1]; tot=(u+s)/hz
      printf "%s %.2f %.2f %.2f %s\n", $1, u/hz, s/hz, tot, (wall>0 ? sprintf("%3.0f%% of a core", 100*tot/wall) : "") }' \
    "$WC_RUN/threads.now" \
    | sort -k4,4 -rn | head -"${2:-8}" \
    | awk '{printf "    %-26s user %6.2fs sys %6.2fs  %s %s %s %s\n", $1, $2, $3, $5, $6, $7, $8}'
}

# agent_ready_s LOG T0 -> seconds from T0 until the agent logged that it serves chunks (JVM up)
agent_ready_s() {
  local ts
  ts=$(grep -m1 -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}.*serving chunks' "$1" | cut -c1-12)
  [ -n "$ts" ] || { echo 0; return; }
  elapsed "$2" "$(date -d "$(date +%F) $ts" +%s.%N)"
}

# wait_idle PID...: waits (at most 60 s) until the processes use < 3% of a core each (averaged
# over 1 s), so start-up JIT work is not counted as transfer work.
wait_idle() {
  local i c0 c1 p start=$SECONDS
  while [ $((SECONDS - start)) -lt 60 ]; do
    c0=0; for p in "$@"; do c0=$(calc "%.2f" "$c0+$(cpu_of "$p")"); done
    sleep 1
    c1=0; for p in "$@"; do c1=$(calc "%.2f" "$c1+$(cpu_of "$p")"); done
    awk -v a="$c0" -v b="$c1" -v n=$# 'BEGIN{exit !(b-a < 0.03*n)}' && return 0
  done
  log "processes still busy after 60 s (measuring anyway)"
}

# committed_at MODEL VERSION -> epoch seconds of the registry's commit of that version
committed_at() {
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

# rollout_state MODEL VERSION -> "active/nodes failed" from the registry REST API
rollout_state() {
  curl -s --max-time 5 "http://$REG/v1/rollouts/$1/$2" | python3 -c '
import json,sys
d=json.load(sys.stdin)["totals"]; print("%s/%s active, %s failed" % (d["active"], d["nodes"], d["failed"]))' 2>/dev/null \
    || echo "unknown"
}

# --- nginx and the client tools ---------------------------------------------------------------

# nginx_start ROOT ADDR [PORT]: nginx serving ROOT on ADDR:PORT with a minimal generated config.
# Sets NGINX_PID, NGINX_URL.
nginx_start() {
  local root=$1 addr=$2 port=${3:-$(free_port)} d="$WC_RUN/nginx"
  mkdir -p "$d/tmp"
  cat >"$d/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000;
  client_body_temp_path $d/tmp;
  proxy_temp_path $d/tmp;
  fastcgi_temp_path $d/tmp;
  uwsgi_temp_path $d/tmp;
  scgi_temp_path $d/tmp;
  default_type application/octet-stream;
  server {
    listen $addr:$port;
    root $root;
  }
}
EOF
  nginx -c "$d/nginx.conf" -p "$d" >"$d/stdout.log" 2>&1 9>&- &
  NGINX_PID=$!; wc_track $NGINX_PID
  NGINX_URL="http://$addr:$port"
  local first; first=$(model_files "$root" | head -1)
  wait_http "$NGINX_URL/$first" 20
  log "nginx up: $NGINX_URL serving $root (pid $NGINX_PID)"
}

# curl_args BASEURL OUTDIR FILE... -> one curl invocation's arguments (reuses the connection)
curl_args() {
  local base=$1 out=$2 f; shift 2
  printf '%s\n' -sS --fail
  for f in "$@"; do printf '%s\n' -o "$out/$f" "$base/$f"; done
}

# aria_input BASEURL OUTDIR FILE... -> an aria2c input file on stdout
aria_input() {
  local base=$1 out=$2 f; shift 2
  for f in "$@"; do printf '%s\n  dir=%s\n  out=%s\n' "$base/$f" "$out" "$f"; done
}

ARIA_OPTS=(-x8 -s8 -j4 --file-allocation=falloc --console-log-level=warn --summary-interval=0
  --download-result=hide --allow-overwrite=true --auto-file-renaming=false --quiet=true)

# time_cmd OUT CMD...: runs CMD under /usr/bin/time; OUT gets "wall user sys maxrss_kib".
time_cmd() {
  local out=$1; shift
  wc_fg /usr/bin/time -f '%e %U %S %M' -o "$out" "$@"
}

# same_bytes SRC DST: sizes of every file match, and one file's SHA-256 matches.
same_bytes() {
  local src=$1 dst=$2 f
  for f in $(model_files "$src"); do
    [ "$(stat -c %s "$src/$f")" = "$(stat -c %s "$dst/$f" 2>/dev/null)" ] || { log "size differs: $dst/$f"; return 1; }
  done
  f=$(model_files "$src" | grep safetensors | tail -1)
  [ "$(sha256sum <"$src/$f")" = "$(sha256sum <"$dst/$f")" ] || { log "sha256 differs: $dst/$f"; return 1; }
}

# --- network namespaces -----------------------------------------------------------------------

# shape DEV RATE [NS]: tbf on DEV's egress (DEV inside namespace NS if given). The queue it
# holds is rate x latency + burst (tc-tbf): with the defaults (burst 1mb = 1 MiB, latency 50ms)
# ~1.2 MB, i.e. ~470 ms at 20 Mbit/s once full. WC_TBF_BURST / WC_TBF_LATENCY set them (e.g.
# 64kb / 5ms: ~77 KB, ~30 ms at 20 Mbit/s, nearer a switch port's shallow buffer).
shape() {
  local n=(); [ -n "${3:-}" ] && n=(-n "$3")
  tc "${n[@]}" qdisc replace dev "$1" root tbf rate "$2" burst "${WC_TBF_BURST:-1mb}" \
    latency "${WC_TBF_LATENCY:-50ms}" || die "tc on $1 failed"
}

# ns_pair NS HOSTIF NSIF HOSTCIDR NSCIDR: namespace NS, veth HOSTIF<->NSIF, addresses, up.
# HOSTCIDR may be "-" (the host end is then enslaved to a bridge by the caller).
ns_pair() {
  local ns=$1 hif=$2 nif=$3 hcidr=$4 ncidr=$5
  ip netns add "$ns" || die "ip netns add $ns failed"
  WC_NETNS+=("$ns")
  ip link add "$hif" type veth peer name "$nif" || die "veth $hif failed"
  WC_LINKS+=("$hif")
  ip link set "$nif" netns "$ns"
  [ "$hcidr" != - ] && ip addr add "$hcidr" dev "$hif"
  ip link set "$hif" up
  ip -n "$ns" addr add "$ncidr" dev "$nif"
  ip -n "$ns" link set "$nif" up
  ip -n "$ns" link set lo up
}

# bridge_up BR CIDR
bridge_up() {
  ip link add "$1" type bridge || die "bridge $1 failed"
  WC_LINKS+=("$1")
  ip addr add "$2" dev "$1"
  ip link set "$1" up
}

# subnet_free PREFIX (e.g. 10.77.0.): refuse to run if the host already uses addresses there.
subnet_free() {
  if ip -4 -o addr show | grep -q " $1"; then
    die "addresses $1* already in use on this host (another run?): $(ip -4 -o addr show | grep " $1" | awk '{print $2, $4}' | tr '\n' ' ')"
  fi
}

# --- output -----------------------------------------------------------------------------------

# machine_facts: one line for the report
machine_facts() {
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, kernel $(uname -r), java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
}

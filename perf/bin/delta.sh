#!/usr/bin/env bash
# Delta benchmark (issue #6, part 3): v1 of a synthetic safetensors checkpoint, then a fine-tune
# v2 with 10% of its tensors changed (half of those also one row longer), pushed to an in-process
# registry + distributor and rolled out to one agent; once with tensor-aware chunking, once with
# fixed-offset chunking (the baseline), each on a fresh cluster. Prints, for v2, the fraction of
# bytes push uploaded and the fraction transferred to the agent (io.weightcast.perf.delta.DeltaMain).
#
#   perf/bin/delta.sh [LAYERS [ROWS [COLS [CHUNK]]]]     # default 12 512 4096 4MiB (~216 MiB)
#
# 1. compiles the reactor modules perf depends on (offline; nothing is installed in ~/.m2) and
#    writes perf's classpath with dependency:build-classpath (sibling modules as target/classes);
# 2. under `flock /tmp/wc-bench.lock` runs DeltaMain in $WC_WORK/delta (default /var/tmp/wc-perf),
#    which it deletes afterwards unless WC_KEEP=1.
set -euo pipefail

PERF=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$PERF")
WORK=${WC_WORK:-/var/tmp/wc-perf}/delta
CP_FILE=$PERF/target/delta-classpath.txt

(cd "$ROOT" && mvn -B -o -q -pl perf -am -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime) >&2
CP="$PERF/target/classes:$(cat "$CP_FILE")"

cleanup() { if [ "${WC_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT
mkdir -p "$(dirname "$WORK")"
flock "${WC_LOCK:-/tmp/wc-bench.lock}" java -Xmx1g -cp "$CP" \
  --add-opens java.base/java.lang=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.weightcast.perf.delta.DeltaMain "$WORK" "$@"

#!/usr/bin/env bash
# Warm before activate: time for a loader to read every tensor right after activation, with and
# without the agent's page-cache warm-up (io.weightcast.perf.warm.WarmMain).
#
#   perf/bin/warm.sh [SIZE] [REPS]      # default 1GiB 3; as root, so the page cache can be dropped
#
# Builds the perf module's classes (offline if possible), writes a synthetic bf16 model in a
# scratch dir on $WC_WARM_DIR (default /var/tmp: a disk, not a tmpfs), runs under
# `flock /tmp/wc-bench.lock`, prints the figures, and deletes the model on exit.
set -euo pipefail
PERF=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$PERF")
SIZE=${1:-1GiB}
REPS=${2:-3}
[[ $(id -u) == 0 ]] || echo "warm.sh: not root: the page cache cannot be dropped; cold figures will not be cold" >&2
CP_FILE=$PERF/target/warm.classpath
# One reactor run, so sibling modules resolve to their target/classes (see codec-real.sh).
(cd "$ROOT" && { mvn -B -q -o -pl perf -am -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile="$CP_FILE" >/dev/null \
    || mvn -B -q -pl perf -am -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile="$CP_FILE" >/dev/null; })
CP=$PERF/target/classes:$ROOT/protocol/target/classes:$ROOT/node-agent/target/classes:$(cat "$CP_FILE")
WORK=$(mktemp -d "${WC_WARM_DIR:-/var/tmp}/wc-warm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
exec 9>/tmp/wc-bench.lock
flock 9
echo "== $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 " GiB RAM" }'), scratch fs: $(df -T "$WORK" | awk 'NR==2 { print $2 " " $1 }')"
java -Xmx512m -cp "$CP" io.weightcast.perf.warm.WarmMain "$WORK/model" "$SIZE" "$REPS"

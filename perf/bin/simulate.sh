#!/usr/bin/env bash
# Runs the rollout simulator (perf/SIMULATOR.md): our ranking policy (per-slot "ours", the
# distributor's pick "ours-pick"), star and rack-unaware random peering over a modelled fleet;
# prints the table last.
#   perf/bin/simulate.sh                       # 10,000 hosts, 50 racks, 5 zones, 16 GiB
#   perf/bin/simulate.sh --small               # 320 hosts, 16 racks, 4 zones, 4 GiB (seconds)
#   perf/bin/simulate.sh --hosts 2000 --racks 10 --zones 5 --policies ours,ours-wake,random
#   perf/bin/simulate.sh --policies ours-pick --rack-crossings 2   # cap (default auto, the distributor's; 0 = none)
# Every option: SimConfig.with in perf/src/main/java/io/weightcast/perf/sim/SimConfig.java.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCK=${WC_LOCK:-/tmp/wc-bench.lock}
CLASSES="$REPO/perf/target/classes"
CP_FILE="$REPO/perf/target/sim-classpath.txt"
MAIN_SRC="$REPO/perf/src/main/java/io/weightcast/perf/sim"

stale() {
  [ ! -f "$CLASSES/io/weightcast/perf/sim/SimulatorMain.class" ] && return 0
  [ -n "$(find "$MAIN_SRC" -newer "$CLASSES/io/weightcast/perf/sim/SimulatorMain.class" -name '*.java' | head -1)" ]
}

cd "$REPO"
if stale; then
  echo "simulate: building perf classes" >&2
  flock "$LOCK" timeout 600 mvn -q -o -B -pl perf -am package -DskipTests >&2
fi
if [ ! -s "$CP_FILE" ]; then
  # Offline first; a local repository without maven-dependency-plugin needs one online run.
  flock "$LOCK" timeout 600 mvn -q -o -B -pl perf -am compile dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE" >&2 \
    || flock "$LOCK" timeout 600 mvn -q -B -pl perf -am compile dependency:build-classpath \
      -Dmdep.outputFile="$CP_FILE" >&2
fi
exec java -Xmx2g -cp "$CLASSES:$(cat "$CP_FILE")" io.weightcast.perf.sim.SimulatorMain "$@"

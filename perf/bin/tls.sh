#!/usr/bin/env bash
# The cost of TLS on chunk traffic: h2c vs h2 over TLS with the JDK engine vs with OpenSSL
# (netty-tcnative BoringSSL), one HTTP/2 stream over loopback in one JVM
# (io.weightcast.perf.tls.TlsMain), with the project's HTTP/2 windows and TLS options.
#
#   perf/bin/tls.sh [SIZE_MIB] [REPS]     # default 1024 3; ~1 min on 2 cores
#
# Builds the perf module's classes (offline if possible), runs under `flock /tmp/wc-bench.lock`,
# prints each run and the medians with their ratio to h2c, then the load average.
set -euo pipefail
PERF=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$PERF")
CP_FILE=$PERF/target/tls.classpath
# One reactor run, so sibling modules resolve to their target/classes (see codec-real.sh).
(cd "$ROOT" && { mvn -B -q -o -pl perf -am -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile="$CP_FILE" >/dev/null \
    || mvn -B -q -pl perf -am -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile="$CP_FILE" >/dev/null; })
CP=$PERF/target/classes:$ROOT/protocol/target/classes:$(cat "$CP_FILE")
exec 9>/tmp/wc-bench.lock
flock 9
echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, java $(java -version 2>&1 | awk -F'"' 'NR==1 { print $2 }')"
java -Xmx1g -cp "$CP" io.weightcast.perf.tls.TlsMain "${1:-1024}" "${2:-3}"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Issue 19's soak: capacity and the static-page floor first, then an open loop at FRACTION of that capacity for
# MINUTES on the embedded defaults; a row a minute, verdicts at the end, written to
# bench/results/soak-<date>-<commit>.{md,json}.
# usage: bench/soak.sh [MINUTES=60] [FRACTION=0.5]
#   SOAK_CAPACITY_SECONDS (30): length of the capacity closed loop
#   SOAK_MAX_DATA_GIB (40): stop early (and say so) if the data directory grows past this, or under 8 GiB free
#   BENCH_SETTINGS="key=value,...": gateway settings changed for this run (printed and recorded)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/cbec-gateway.jar ] || [ -z "$(ls -A target/lib 2>/dev/null)" ]; then
  mvn -B -q -DskipTests package
fi
mkdir -p target/bench-classes
# Soak uses the benchmark's signer, keys, shipment and helpers: compiled together.
javac -d target/bench-classes -cp "target/cbec-gateway.jar:target/lib/*" bench/src/GatewayBenchmark.java bench/src/As4Load.java bench/src/Soak.java
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain --untracked-files=no -- src routes pom.xml config 2>/dev/null)" ]; then
  commit="${commit}-dirty"
fi
# As run.sh: two common-pool threads for Java's HTTP client, idle client connections closed after 10 s.
exec java -Xms1g -Xmx4g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Djdk.httpclient.keepalive.timeout=10 \
  ${BENCH_JAVA_OPTS:-} -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager -Dlog4j2.level=WARN \
  -Dsoak.commit="$commit" -cp "target/bench-classes:target/cbec-gateway.jar:target/lib/*" Soak "$@"

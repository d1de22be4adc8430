#!/usr/bin/env bash
# Runs the CBEC Gateway benchmark on this machine and writes bench/results/latest.{json,md}.
# usage: bench/run.sh [MESSAGES] [CONNECTIONS] [OPEN_LOOP_RATE] [OPEN_LOOP_SECONDS]
#   defaults: 20000 messages, 64 connections, 1000 msg/s offered for 20 s
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "target/cbec-gateway.jar:target/lib/*" bench/src/GatewayBenchmark.java bench/src/As4Load.java
# The load generator shares the gateway's JVM and cores. Java's HTTP client completes each response through
# CompletableFuture's default executor, which on a machine of 2 cores or fewer (common pool parallelism 1) starts
# a new thread for every response: the generator's cost, not the gateway's. Two common-pool threads instead.
# The generator's idle connections close after 10 s (Java's default is 20 minutes), as a partner's client's would.
exec java -Xms1g -Xmx4g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Djdk.httpclient.keepalive.timeout=10 ${BENCH_JAVA_OPTS:-} -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
  -Dlog4j2.level=WARN -cp "target/bench-classes:target/cbec-gateway.jar:target/lib/*" GatewayBenchmark "$@"

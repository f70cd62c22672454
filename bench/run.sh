#!/usr/bin/env bash
# The benchmark, end to end, in one command (about 10 minutes):  bench/run.sh
# Installs nginx and HAProxy from Debian's packages if they are missing, builds wsproxy.war and the
# load generator, starts an echo backend, nginx, HAProxy and a real Tomcat 10.1 with wsproxy on
# loopback, and Spring Cloud Gateway (bench/scg, a Spring Boot jar it builds), runs scenarios a-f against each in turn, and writes bench/results/results.md (the
# table) and bench/results/results.svg (the chart). Everything it starts, it stops.
# For a profiling session, BENCH_OPTS passes system properties to the benchmark, e.g.
#   BENCH_OPTS='-Dbench.only=a -Dbench.tomcatOpts=-XX:StartFlightRecording=filename=/tmp/a.jfr' bench/run.sh
# (bench.only, bench.seconds, bench.warmup, bench.connections, bench.floodSeconds, bench.jvmWarmup,
# bench.tomcatOpts: see Bench.java). The published figures use none of them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/haproxy ]; then
  echo "installing nginx and haproxy from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nginx-light haproxy >/dev/null || apt-get install -y -qq nginx haproxy >/dev/null
  # Debian starts the packaged services; the benchmark runs its own instances on free ports.
  (systemctl stop nginx haproxy || service nginx stop; service haproxy stop) >/dev/null 2>&1 || true
fi

mvn -q -B package -DskipTests
mvn -q -B -f bench/pom.xml package
mvn -q -B -f bench/scg/pom.xml package -DskipTests
tomcat_home=$(ls -d bench/target/apache-tomcat-*/ | head -1)
chmod +x "$tomcat_home"/bin/*.sh
cp="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"

# shellcheck disable=SC2086 # BENCH_OPTS is a list of options
exec java -Xms512m -Xmx512m ${BENCH_OPTS:-} -cp "$cp" org.wsproxy.bench.Bench bench target/wsproxy.war "${tomcat_home%/}" "$cp" \
  bench/scg/target/scg.jar

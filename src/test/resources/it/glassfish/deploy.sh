#!/bin/sh
# Run by maven-antrun-plugin in pre-integration-test (see pom.xml) against the GlassFish that Cargo has
# just started: binds its HTTP listeners to 127.0.0.1, then deploys the WAR with
# deploy-examples/glassfish/deploy-wsproxy.sh, unchanged.
#
# It never fails the build: Maven would then skip post-integration-test, which is what stops
# GlassFish, and the server would keep running (asadmin start-domain detaches it from the build).
# Instead, GlassFishIT fails when the status written here is not 0, and shows this log.
#
# It also starts ../reaper.sh, which stops the containers should Maven end without stopping them.
#
# usage: deploy.sh <output dir> <deploy-wsproxy.sh> <war> <container dir>...
# with ASADMIN and asadmin's AS_ADMIN_* variables in the environment; each <container dir> is the
# catalina.base of a Tomcat or the domain directory of a GlassFish the build started, for reaper.sh.
out=$1 script=$2 war=$3
shift 3
mkdir -p "$out"

# $PPID is the Maven JVM, which runs this script. Detached from our output, so that Maven does not
# wait for it.
nohup sh "$(dirname "$0")/../reaper.sh" "$PPID" "$@" < /dev/null > "$out/reaper.log" 2>&1 &

steps() {
    set -eux
    # Cargo's unzip drops the executable bits.
    chmod +x "$ASADMIN"
    # The HTTP listeners move to 127.0.0.1 at once. The admin, IIOP and JMX listeners would need a
    # domain restart (13 s more), so they stay on all interfaces, on free ports.
    listener=configs.config.server-config.network-config.network-listeners.network-listener
    "$ASADMIN" --interactive=false set "$listener.http-listener-1.address=127.0.0.1" \
        "$listener.http-listener-2.address=127.0.0.1"
    sh "$script" "$war"
}

(steps) > "$out/deploy.log" 2>&1
echo $? > "$out/deploy.status"
cat "$out/deploy.log"
exit 0

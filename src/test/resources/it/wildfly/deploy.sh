#!/bin/sh
# Run by maven-antrun-plugin in pre-integration-test (matrix profile, see pom.xml) against the
# WildFly that Cargo has just started: deploys the WAR with deploy-examples/wildfly/deploy-wsproxy.sh,
# unchanged, and the routes file the build filtered from deploy-examples/wildfly/wsproxy-routes.xml.
#
# Like ../glassfish/deploy.sh, it never fails the build (Maven would then skip post-integration-test,
# which stops the containers); WildFlyIT fails when the status written here is not 0, and shows this
# log.
#
# usage: deploy.sh <output dir> <deploy-wsproxy.sh> <war> <routes file>
# with JBOSS_CLI, CONTROLLER and JAVA_HOME in the environment.
out=$1 script=$2 war=$3 routes=$4
mkdir -p "$out"

steps() {
    set -eux
    # Cargo's unzip drops the executable bits.
    chmod +x "$JBOSS_CLI"
    sh "$script" "$war" "$routes"
}

(steps) > "$out/deploy.log" 2>&1
echo $? > "$out/deploy.status"
cat "$out/deploy.log"
exit 0

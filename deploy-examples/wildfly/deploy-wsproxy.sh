#!/bin/sh
# wsproxy on WildFly: deploys wsproxy.war at /wsproxy with its routes set outside the WAR.
#
#   ./deploy-wsproxy.sh path/to/wsproxy.war [path/to/wsproxy-routes.xml]
#
# WildFly has no place for an application's context-params outside its WAR; a deployment overlay
# can add files to a deployment without changing the archive. This script wraps the routes file (a
# web-fragment.xml, by default wsproxy-routes.xml beside this script) in a one-file jar, links it to
# the deployment as WEB-INF/lib/wsproxy-routes.jar, then deploys the WAR, so that it starts once
# with its routes. After editing the routes, run it again (it replaces the overlay and redeploys).
#
# jboss-cli reaches the server through JBOSS_CLI (the jboss-cli.sh command, default: on the PATH)
# and CONTROLLER (default localhost:9990); the WAR's file name gives the context path. `jar` comes
# from JAVA_HOME when it is set.
#
# The integration tests (src/test/java/org/wsproxy/it, `mvn verify -Pmatrix`) run this very script
# against the WildFly they start.
set -eu

war=${1:?usage: deploy-wsproxy.sh path/to/wsproxy.war [path/to/wsproxy-routes.xml]}
routes=${2:-$(dirname "$0")/wsproxy-routes.xml}
cli=${JBOSS_CLI:-jboss-cli.sh}
controller=${CONTROLLER:-localhost:9990}
jar=${JAVA_HOME:+$JAVA_HOME/bin/}jar
name=$(basename "$war")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/META-INF"
cp "$routes" "$work/META-INF/web-fragment.xml"
"$jar" --create --file "$work/wsproxy-routes.jar" -C "$work" META-INF

cat > "$work/deploy.cli" <<CLI
if (outcome == success) of /deployment-overlay=wsproxy-routes:read-resource
    deployment-overlay remove --name=wsproxy-routes
end-if
deployment-overlay add --name=wsproxy-routes --content=/WEB-INF/lib/wsproxy-routes.jar=$work/wsproxy-routes.jar --deployments=$name
deploy --force $war
CLI
"$cli" --connect --controller="$controller" --file="$work/deploy.cli"

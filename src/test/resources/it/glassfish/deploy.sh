#!/bin/sh
# Run by maven-antrun-plugin in pre-integration-test (see pom.xml) against the GlassFish that Cargo has
# just started: binds its HTTP listeners to 127.0.0.1, then deploys the WAR with
# deploy-examples/glassfish/deploy-wsproxy.sh, unchanged. Then, for the tests that GlassFish shares
# with Tomcat:
#   GlassFishTlsIT       the routes of deploy-examples/tomcat/tls/wsproxy.xml (wss:// backends, trust
#                        store) added to wsproxy.war as the example script adds its own, and the
#                        application restarted to read them;
#   GlassFishCoHostingIT the user of cohost-app's protected route in the file realm, group
#                        support-agent (cohost-app's glassfish-web.xml maps the role to it), and
#                        cohost-app.war deployed beside wsproxy.war.
# These run as one asadmin multimode session: one asadmin JVM instead of one per command.
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
# Also in the environment: COHOST_WAR, TLS_DIR (the key stores), TLS_BACKEND and OTHERHOST_BACKEND
# (the wss:// backends, certificates for 127.0.0.1 and for other.example), SUPPORT_USER and
# SUPPORT_PASSWORD.
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

    commands=$out/asadmin-commands.txt
    {
        route() {
            echo "set-web-context-param --name wsproxy.route.$1.$2 --value $3 wsproxy"
        }
        trusting() {
            route "$1" trustStore "$TLS_DIR/trust.p12"
            route "$1" trustStorePassword changeit
            route "$1" trustStoreType PKCS12
        }
        route secure path /secure
        route secure backend "$TLS_BACKEND"
        trusting secure
        route untrusted path /untrusted
        route untrusted backend "$TLS_BACKEND"
        route otherhost path /otherhost
        route otherhost backend "$OTHERHOST_BACKEND"
        trusting otherhost
        route otherhost-unverified path /otherhost-unverified
        route otherhost-unverified backend "$OTHERHOST_BACKEND"
        trusting otherhost-unverified
        route otherhost-unverified verifyHostname false
        echo "disable wsproxy"
        echo "enable wsproxy"
        echo "create-file-user --authrealmname file --groups support-agent $SUPPORT_USER"
        echo "deploy --force=true --name cohost-app --contextroot /cohost-app $COHOST_WAR"
    } > "$commands"
    # create-file-user reads the new user's password from the password file, beside asadmin's own.
    passwords=$out/asadmin-passwords.txt
    { cat "$AS_ADMIN_PASSWORDFILE"; echo; echo "AS_ADMIN_USERPASSWORD=$SUPPORT_PASSWORD"; } > "$passwords"
    "$ASADMIN" --interactive=false --passwordfile "$passwords" multimode --file "$commands"
}

(steps) > "$out/deploy.log" 2>&1
echo $? > "$out/deploy.status"
cat "$out/deploy.log"
exit 0

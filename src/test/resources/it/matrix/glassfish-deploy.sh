#!/bin/sh
# Run by maven-antrun-plugin in pre-integration-test (matrix profile, see pom.xml) against GlassFish 8
# and Payara, once each server runs: binds its HTTP listeners to 127.0.0.1, then deploys the WAR with
# deploy-examples/glassfish/deploy-wsproxy.sh, unchanged. (The default build's ../glassfish/deploy.sh
# also sets up the TLS and co-hosting tests of GlassFish 7, which the matrix does not run.)
#
# It never fails the build, so that post-integration-test still stops the containers; GlassFish8IT and
# PayaraIT fail when the status written here is not 0, and show this log. reaper.sh (started in the
# package phase) stops the servers if Maven ends early.
#
# usage: glassfish-deploy.sh <output dir> <deploy-wsproxy.sh> <war>
# with ASADMIN and asadmin's AS_ADMIN_* variables (and ECHO_BACKEND, DOWN_BACKEND) in the environment.
out=$1 script=$2 war=$3
mkdir -p "$out"

steps() {
    set -eux
    # Cargo's unzip drops the executable bits.
    chmod +x "$ASADMIN"
    # The HTTP listeners move to 127.0.0.1 at once. The admin, IIOP and JMX listeners would need a
    # domain restart, so they stay on all interfaces, on free ports.
    listener=configs.config.server-config.network-config.network-listeners.network-listener
    "$ASADMIN" --interactive=false set "$listener.http-listener-1.address=127.0.0.1" \
        "$listener.http-listener-2.address=127.0.0.1"
    sh "$script" "$war"
    # Payara has been seen (three runs in about ten) to re-create http-listener-1 on 127.0.0.1 a
    # minute after the set above and never start it: every test then got "connection refused".
    # Turning the listener off and on starts it; the tests need it, so a listener that still does
    # not listen fails the deployment here, with this log.
    port=$("$ASADMIN" --interactive=false get "$listener.http-listener-1.port" | sed -n 's/.*\.port=//p')
    for attempt in 1 2 3; do
        if wait_listening "$port"; then
            return 0
        fi
        echo "http-listener-1 does not listen on 127.0.0.1:$port; turning it off and on (attempt $attempt)"
        "$ASADMIN" --interactive=false set "$listener.http-listener-1.enabled=false"
        "$ASADMIN" --interactive=false set "$listener.http-listener-1.enabled=true"
    done
    wait_listening "$port"
}

# Whether something accepts connections on 127.0.0.1:$1 within 20 s.
wait_listening() {
    python3 - "$1" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 20
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
        sys.exit(0)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.5)
EOF
}

(steps) > "$out/deploy.log" 2>&1
echo $? > "$out/deploy.status"
cat "$out/deploy.log"
exit 0

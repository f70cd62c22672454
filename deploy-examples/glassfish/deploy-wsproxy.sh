#!/bin/sh
# wsproxy on GlassFish 7: deploys wsproxy.war at /wsproxy with its routes set outside the WAR.
#
#   ECHO_BACKEND=ws://10.0.0.5:9000/echo ./deploy-wsproxy.sh path/to/wsproxy.war
#
# The routes become web context parameters stored in the domain's configuration (domain.xml), where
# `asadmin set-web-context-param` / `list-web-context-param` / `unset-web-context-param` manage
# them; the application reads them when it starts. It is deployed disabled, configured, then
# enabled, so that it starts once, with its routes already in place. After changing a parameter
# later, restart the application: `asadmin disable wsproxy && asadmin enable wsproxy`.
#
# asadmin reaches the domain through its usual environment variables: AS_ADMIN_HOST, AS_ADMIN_PORT,
# AS_ADMIN_USER, AS_ADMIN_PASSWORDFILE (defaults: localhost, 4848, admin, no password). ASADMIN
# names the asadmin command when it is not on the PATH.
#
# The integration tests (src/test/java/org/wsproxy/it) run this very script against the GlassFish
# they start, with ECHO_BACKEND pointing at their echo backend, DOWN_BACKEND at a free port and
# PROCESS_BACKEND where they start (and kill) a backend process, SOCKETIO_BACKEND and
# SOCKETIO_BACKEND2 where they start Socket.IO (or SockJS, or Server-Sent Events) servers.
set -eu

war=${1:?usage: deploy-wsproxy.sh path/to/wsproxy.war}
asadmin=${ASADMIN:-asadmin}
# ws://<host>:<port>/wsproxy/echo is relayed to the echo backend.
echo_backend=${ECHO_BACKEND:-ws://127.0.0.1:9000/echo}
# A route whose backend is not running: its handshakes are answered 502 Bad Gateway.
down_backend=${DOWN_BACKEND:-ws://127.0.0.1:9001/echo}
process_backend=${PROCESS_BACKEND:-ws://127.0.0.1:9002/echo}
# A Socket.IO (or SockJS, or Server-Sent Events) server: HTTP-first clients need http=proxy.
socketio_backend=${SOCKETIO_BACKEND:-ws://127.0.0.1:3000/socket.io}
# A second one, for a route over two servers.
socketio_backend2=${SOCKETIO_BACKEND2:-ws://127.0.0.1:3001/socket.io}

"$asadmin" --interactive=false deploy --force=true --enabled=false \
    --name wsproxy --contextroot /wsproxy "$war"

param() {
    "$asadmin" --interactive=false set-web-context-param --name "$1" --value "$2" wsproxy
}
param wsproxy.route.echo.path /echo
param wsproxy.route.echo.backend "$echo_backend"
param wsproxy.route.down.path /down
param wsproxy.route.down.backend "$down_backend"
# A route with two backends, the first one not running: handshakes that try it move on to the second.
param wsproxy.route.pair.path /pair
param wsproxy.route.pair.backend "$down_backend,$echo_backend"
param wsproxy.route.process.path /process
param wsproxy.route.process.backend "$process_backend"
# The echo and process routes again, on the jsr356 engine whatever this container's default is.
param wsproxy.route.echo-jsr356.path /jsr356/echo
param wsproxy.route.echo-jsr356.backend "$echo_backend"
param wsproxy.route.echo-jsr356.engine jsr356
param wsproxy.route.process-jsr356.path /jsr356/process
param wsproxy.route.process-jsr356.backend "$process_backend"
param wsproxy.route.process-jsr356.engine jsr356
# Socket.IO's default transports: HTTP long-polling first, then the upgrade, on one path. The sticky
# cookie keeps a session's requests on one server once there are several.
param wsproxy.route.socketio.path '/socket.io/*'
param wsproxy.route.socketio.backend "$socketio_backend"
param wsproxy.route.socketio.http proxy
param wsproxy.route.socketio.sticky cookie
# Two Socket.IO servers behind one route: the sticky cookie (wsproxy-socketio-pair) sends each
# session's polls and its upgrade to the server that holds it. The client's path option is
# /wsproxy/pair/socket.io/; the servers keep their default path.
param wsproxy.route.socketio-pair.path '/pair/socket.io/*'
param wsproxy.route.socketio-pair.backend "$socketio_backend,$socketio_backend2"
param wsproxy.route.socketio-pair.http proxy
param wsproxy.route.socketio-pair.sticky cookie
# The same two servers without the sticky cookie, to show why it is needed: round-robin sends a
# session's second request to the other server, which answers 400 "Session ID unknown".
param wsproxy.route.socketio-unsticky.path '/unsticky/socket.io/*'
param wsproxy.route.socketio-unsticky.backend "$socketio_backend,$socketio_backend2"
param wsproxy.route.socketio-unsticky.http proxy
# The WAR's web.xml already raises GlassFish's per-frame read limit (org.glassfish.tyrus.servlet.
# incoming-buffer-size, 4 MiB by default) to 64 MiB; set it here only to choose another value.

"$asadmin" --interactive=false enable wsproxy

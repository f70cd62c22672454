#!/bin/sh
# Stops the integration tests' containers if Maven ends before post-integration-test stopped them:
# the build was interrupted or killed, or ran `mvn integration-test` instead of `mvn verify`.
# Started in the background by deploy.sh, once all containers run; after a normal build it finds
# nothing to stop. The Tomcats are also stopped by Cargo's shutdown hook, unless Maven was killed (-9);
# GlassFish, detached by asadmin start-domain, has only this.
#
# usage: reaper.sh <maven pid> <container dir>...
# where each <container dir> is a Tomcat's catalina.base or a GlassFish domain directory. Once
# <maven pid> has exited, kills the processes started with exactly those directories.
maven=$1
shift
# One grep pattern per directory, either kind: a directory is only ever one of them.
patterns=
for dir in "$@"; do
    patterns="$patterns
-Dcatalina.base=$dir
-Dcom.sun.aas.instanceRoot=$dir"
done
patterns=${patterns#?}

while kill -0 "$maven" 2>/dev/null; do
    sleep 2
done
for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}
    pid=${pid%/cmdline}
    if tr '\0' '\n' < "$cmdline" 2>/dev/null | grep -qxF -e "$patterns"; then
        echo "reaper.sh: Maven ($maven) ended with a container still running; killing $pid" >&2
        kill "$pid" 2>/dev/null
    fi
done

#!/bin/sh
# The matrix profile's counterpart of ../reaper.sh: stops the containers of `mvn verify -Pmatrix` if
# Maven ends before post-integration-test stopped them (a container failed to start, the build was
# interrupted or killed, or ran `mvn integration-test`). Started in the background by
# start-reaper.sh in the package phase, before any container starts; after a normal build it finds
# nothing to stop.
#
# usage: reaper.sh <maven pid> <arguments file>
# Once <maven pid> has exited, kills every process that has one of the lines of <arguments file>,
# exactly, as an argument of its command line (-D options naming directories of this build, so that
# nothing else matches). The arguments are in a file, not on this command line, so that this
# script does not match itself.
maven=$1 arguments=$2

while kill -0 "$maven" 2>/dev/null; do
    sleep 2
done
for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}
    pid=${pid%/cmdline}
    if [ "$pid" != $$ ] && tr '\0' '\n' 2>/dev/null < "$cmdline" | grep -qxF -f "$arguments"; then
        echo "reaper.sh: Maven ($maven) ended with a container still running; killing $pid:" \
            "$(tr '\0' '\n' 2>/dev/null < "$cmdline" | grep -xF -f "$arguments")" >&2
        kill "$pid" 2>/dev/null
    fi
done

#!/bin/sh
# Run by maven-antrun-plugin (matrix profile, package phase): writes the arguments that identify the
# containers' processes to <dir>/matrix-reaper.args and starts reaper.sh on them in the background,
# detached from Maven's output so that Maven does not wait for it. $PPID is the Maven JVM.
#
# usage: start-reaper.sh <dir> <argument>...
dir=$1
shift
mkdir -p "$dir"
printf '%s\n' "$@" > "$dir/matrix-reaper.args"
nohup sh "$(dirname "$0")/reaper.sh" "$PPID" "$dir/matrix-reaper.args" < /dev/null > "$dir/matrix-reaper.log" 2>&1 &

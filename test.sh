#!/usr/bin/env bash
# The test command: installs what the tests need that Maven does not bring, then runs `mvn verify`
# with the arguments given (`./test.sh -Pmatrix` adds the container matrix, as .ci/run does).
#
# What it installs, and what for:
#   Debian's python3-websockets  an independent WebSocket peer (PythonClientTest, and the backend and
#                                client processes that ProxyScenario kills with SIGKILL)
#   Debian's haproxy             the load balancer in front of two Tomcats (HaproxyClusterIT)
#   Debian's chromium            the browser the status page is tested in (StatusPageBrowserTest)
#   node packages                from the lock files of src/test/node/*/, with `npm ci`
# As root it installs what is missing with apt-get and npm; as another user it installs nothing and
# stops at once with the one command to run (sudo apt-get install ...), before any build.
#
# With -Pmatrix, GlassFish 8 needs a JDK 21 or later: the newest under /usr/lib/jvm is passed as
# -Dmatrix.java21.home unless you pass one yourself; if there is none, it stops and says so.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'test.sh: %s\n' "$*" >&2; }

missing=()
command -v mvn >/dev/null || missing+=(maven)
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing+=(python3-websockets)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/bin/chromium ] || missing+=(chromium)
lock_dirs=()
for lock in src/test/node/*/package-lock.json; do
  [ -e "$lock" ] && lock_dirs+=("$(dirname "$lock")")
done
if [ ${#lock_dirs[@]} -gt 0 ] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "the tests need Debian packages that are not installed: ${missing[*]}. Run this, then ./test.sh again:"
    printf '  sudo apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for dir in "${lock_dirs[@]}"; do
  # npm ci installs exactly the lock file; skipped while node_modules is newer than the lock file.
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    say "installing the node packages of $dir (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    # npm ci makes no node_modules for a package without dependencies (src/test/node/sse), and
    # PeerProcess.node wants the folder; touch alone would make it an empty file.
    mkdir -p "$dir/node_modules"
    touch "$dir/node_modules"
  fi
done

args=("$@")
matrix=false
java21_given=false
for arg in "${args[@]}"; do
  case "$arg" in
    -Pmatrix|-P*,matrix|-P*,matrix,*|-Pmatrix,*) matrix=true ;;
    -Dmatrix.java21.home=*) java21_given=true ;;
  esac
done
if $matrix && ! $java21_given; then
  java21=""
  for home in /usr/lib/jvm/*/; do
    home=${home%/}
    [ -x "$home/bin/java" ] || continue
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      java21=$home
    fi
  done
  if [ -z "$java21" ]; then
    say "the matrix runs GlassFish 8, which needs a JDK 21 or later, and /usr/lib/jvm has none (only Java $(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'))."
    say "Install a JDK 21 or later and run ./test.sh -Pmatrix -Dmatrix.java21.home=/path/to/that/jdk"
    exit 1
  fi
  args+=("-Dmatrix.java21.home=$java21")
fi

batch=()
[ -t 1 ] || batch=(-B)
exec mvn "${batch[@]}" verify "${args[@]}"

#!/usr/bin/env bash
# Start or stop a private Docker daemon for the sandbox tests: its own data root, exec root, pidfile and
# unix socket, no iptables and no bridge (containers run with network "none" anyway).
#   .ci/dockerd.sh start   -> prints DOCKER_HOST=unix://... (eval-able)
#   .ci/dockerd.sh stop    -> stops the daemon started by "start" (by its pid)
# CODEASSIST_DOCKERD_DIR chooses where it lives (default /tmp/codeassist-dockerd).
set -euo pipefail
dir="${CODEASSIST_DOCKERD_DIR:-/tmp/codeassist-dockerd}"
sock="$dir/docker.sock"
pidfile="$dir/dockerd.pid"
log="$dir/dockerd.log"

answers() { DOCKER_HOST="unix://$sock" timeout 5 docker version >/dev/null 2>&1; }

launch() {  # $1: storage driver
  nohup dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" \
    --host "unix://$sock" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver "$1" >>"$log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 120); do
    if answers; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

case "${1:-}" in
  start)
    mkdir -p "$dir"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && answers; then
      echo "DOCKER_HOST=unix://$sock"; exit 0
    fi
    command -v dockerd >/dev/null || { echo "dockerd not found: apt-get install docker.io" >&2; exit 1; }
    if ! launch overlay2; then
      echo "dockerd with overlay2 failed (see $log); falling back to vfs" >&2
      rm -f "$pidfile"
      launch vfs || { echo "dockerd did not start; last log lines:" >&2; tail -n 20 "$log" >&2; exit 1; }
    fi
    echo "DOCKER_HOST=unix://$sock"
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

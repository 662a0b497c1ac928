#!/usr/bin/env bash
# Stops the cluster started by cluster-up.sh: SIGTERM every process it started (by PID),
# waits for them to drain, SIGKILL after a timeout, and reports what it stopped.
# Usage: scripts/cluster-down.sh [--config FILE] [--timeout SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-lib.sh
config=${TRANCHE_CONFIG:-cluster/local.json}
timeout=10
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "cluster-down: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
run_dir=$(config_value "$config" runDirectory run)
stopped=0
# Workers first (they drain into the aggregator), the venue last.
for name in $(ls "$run_dir"/w*.pid 2>/dev/null | xargs -rn1 basename | sed 's/\.pid$//') coordinator aggregator venue; do
  pid_file="$run_dir/$name.pid"
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 $((timeout * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"; echo "cluster-down: $name (pid $pid) did not drain in ${timeout}s: killed"
    else
      echo "cluster-down: $name (pid $pid) stopped"
    fi
    stopped=$((stopped + 1))
  fi
  rm -f "$pid_file"
done
echo "cluster-down: $stopped process(es) stopped"

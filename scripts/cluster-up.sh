#!/usr/bin/env bash
# Starts a local cluster in the background: venue, aggregator, coordinator and N workers,
# with logs and PID files in the configuration's run directory, then waits until every
# shard is owned. Secure by default: CurveZMQ keys are made in the key directory on first
# run (docs/security.md). Usage: scripts/cluster-up.sh [--workers N] [--config FILE] [--insecure]
# With TRANCHE_BIN=DIR, the executables in DIR are used as they are (no release build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-lib.sh
config=${TRANCHE_CONFIG:-cluster/local.json}
workers=""
insecure=""
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --insecure) insecure="--insecure"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "cluster-up: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$config" ] || { echo "cluster-up: no configuration file $config" >&2; exit 1; }
run_dir=$(config_value "$config" runDirectory run)
[ -n "$workers" ] || workers=$(config_value "$config" workers 2)
mkdir -p "$run_dir"

# Refuse clearly if a cluster is already running there.
for pid_file in "$run_dir"/*.pid; do
  [ -e "$pid_file" ] || continue
  if kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "cluster-up: a cluster is already running in $run_dir ($(basename "$pid_file" .pid), pid $(cat "$pid_file")); stop it with scripts/cluster-down.sh --config $config" >&2
    exit 1
  fi
  rm -f "$pid_file"
done

# Every TCP port the configuration binds must be free: another cluster (the demo's, say)
# on the same ports would answer our status checks while our own processes die.
python3 - "$config" "$workers" <<'PY' || exit 1
import json, socket, sys
c = json.load(open(sys.argv[1]))
e = c.get("endpoints", {})
binds = ["coordinatorClients", "coordinatorWorkers", "venueMarketData", "venueOrders",
         "aggregatorReports", "aggregatorControl", "aggregatorQueries", "events"]
urls = [(k, e.get(k, "")) for k in binds]
# The metrics endpoints (docs/metrics.md): venue, aggregator, coordinator, then wN.
m = c.get("metrics", {})
base = m.get("basePort", 7430)
if m.get("enabled", True) and base > 0:
    host = m.get("host", "127.0.0.1")
    ports = [("venue", base), ("aggregator", base + 1), ("coordinator", base + 2)] + [(f"w{i}", base + 10 + i) for i in range(1, int(sys.argv[2]) + 1)]
    urls += [(f"metrics of {n}", f"tcp://{host}:{p}") for n, p in ports]
for k, url in urls:
    if not url.startswith("tcp://"): continue
    host, port = url[6:].rsplit(":", 1)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1" if host in ("*", "localhost") else host, int(port)))
    except OSError as err:
        sys.exit(f"cluster-up: {k} {url} is taken ({err.strerror}): another cluster runs on these ports? "
                 f"Stop it (scripts/cluster-down.sh --config ITS_CONFIG) or give this one other ports.")
    finally:
        s.close()
PY

if [ -n "${TRANCHE_BIN:-}" ]; then
  bin=$TRANCHE_BIN
else
  scripts/setup.sh
  echo "cluster-up: building (release)…"
  swift build -c release --product tranche >/dev/null
  for r in venue aggregator coordinator worker; do swift build -c release --product "tranche-$r" >/dev/null; done
  bin=$(swift build -c release --show-bin-path)
fi

if [ -n "$insecure" ]; then
  echo "cluster-up: WARNING: --insecure: no authentication, no encryption; anyone who reaches these ports can act as any process or client" >&2
else
  # The members' and the operator's keys, made once (existing keys are kept).
  "$bin/tranche" keys generate --config "$config" --workers "$workers" | sed -n '1p' | sed 's/^/cluster-up: /'
fi

start() {  # start NAME ARGS...
  local name=$1; shift
  # A fresh log per run (the previous one kept as NAME.log.1): no older run's errors.
  [ -f "$run_dir/$name.log" ] && mv -f "$run_dir/$name.log" "$run_dir/$name.log.1"
  "$bin/$@" --config "$config" $insecure >"$run_dir/$name.log" 2>&1 &
  echo $! >"$run_dir/$name.pid"
}
start venue tranche-venue
start aggregator tranche-aggregator
start coordinator tranche-coordinator
for i in $(seq 1 "$workers"); do start "w$i" tranche-worker --id "w$i"; done

# Every process this script started is still running.
all_alive() {
  for pid_file in "$run_dir"/*.pid; do kill -0 "$(cat "$pid_file")" 2>/dev/null || return 1; done
}

# Wait until every shard has a live owner, the coordinator has heard the aggregator (the
# fund and the breakers in `status`), and our processes are the ones answering.
for _ in $(seq 1 60); do
  if status=$("$bin/tranche" status --config "$config" --json --timeout 1 $insecure 2>/dev/null) &&
     python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["shardsOwned"]==s["shardCount"] and all(w["alive"] for w in s["workers"]) and s["breakers"] else 1)' <<<"$status" &&
     all_alive; then
    echo "cluster-up: $workers worker(s) own every shard. Logs and PIDs: $run_dir/"
    [ -n "$insecure" ] && echo "cluster-up: INSECURE cluster: every tranche command needs --insecure"
    python3 - "$config" <<'PY'
import json, sys
e = json.load(open(sys.argv[1])).get("endpoints", {})
for k in ["coordinatorClients", "venueMarketData", "aggregatorControl", "events"]:
    if k in e: print(f"  {k:20} {e[k]}")
PY
    for f in "$run_dir"/*.metrics; do [ -e "$f" ] && printf '  %-20s %s\n' "metrics $(basename "$f" .metrics)" "$(cat "$f")"; done
    cat <<MSG
Try:
  .build/release/tranche status --config $config
  .build/release/tranche account open 1 --collateral 1000 --config $config
  .build/release/tranche position submit 1 BTC-PERP long 1 20100 --config $config
  .build/release/tranche price set BTC-PERP 19100 --config $config
  .build/release/tranche events --follow --config $config
Stop with: scripts/cluster-down.sh --config $config
MSG
    exit 0
  fi
  for pid_file in "$run_dir"/*.pid; do
    kill -0 "$(cat "$pid_file")" 2>/dev/null || { echo "cluster-up: $(basename "$pid_file" .pid) exited; its log:" >&2; tail -20 "${pid_file%.pid}.log" >&2; scripts/cluster-down.sh --config "$config" >&2; exit 1; }
  done
  sleep 0.5
done
echo "cluster-up: shards not all owned after 30 s; see $run_dir/*.log" >&2
exit 1

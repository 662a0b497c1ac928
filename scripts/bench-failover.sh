#!/usr/bin/env bash
# Failover benchmark (docs/reliability.md): ACCOUNTS accounts (default 1,000,000) written
# into the shard stores of a fresh data directory, then a local cluster with 2 workers on
# ports 7600-7607 (not the demo's). Measures
#   1. a full start: from launch until every shard is owned and both workers hold every
#      account (the heartbeats' counts), then `account show` answers;
#   2. a failover: SIGKILL w1 (under a stream of `account show`), until w2 owns every shard
#      and holds every account;
#   3. how many shards w2 loaded after the kill (the killed worker's; more would mean
#      shards bounced), and its memory.
# Usage: scripts/bench-failover.sh [ACCOUNTS]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-1000000}
scripts/setup.sh >/dev/null
echo "bench-failover: building (release)…"
for p in tranche tranche-venue tranche-aggregator tranche-coordinator tranche-worker tranche-storebench; do
  swift build -c release --product "$p" >/dev/null
done
bin=$(swift build -c release --show-bin-path)
dir=$(mktemp -d /tmp/tranche-bench-failover.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

python3 - "$dir" <<'EOF'
import json, sys
d = sys.argv[1]
c = json.load(open('cluster/local.json'))
names = ["coordinatorClients", "coordinatorWorkers", "venueMarketData", "venueOrders",
         "aggregatorReports", "aggregatorControl", "aggregatorQueries", "events"]
c["endpoints"] = {n: "tcp://127.0.0.1:%d" % (7600 + i) for i, n in enumerate(names)}
c["dataDirectory"] = d + "/data"
c["runDirectory"] = d
c["workers"] = 2
json.dump(c, open(d + "/cluster.json", "w"), indent=2)
EOF
cfg="$dir/cluster.json"
shards=$(python3 -c "import json;print(json.load(open('$cfg'))['shards'])")

now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.1f}')"; }

echo "bench-failover: writing $accounts accounts over $shards shards…"
t=$(now)
"$bin/tranche-storebench" populate "$accounts" "$shards" "$dir/data"
echo "  written in $(since "$t") s ($(du -sh "$dir/data/shards" | cut -f1) on disk)"

start() {  # start NAME EXECUTABLE ARGS...
  local name=$1; shift
  "$bin/$1" --config "$cfg" "${@:2}" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  eval "pid_${name//-/_}=$!"
}

# Polls status until every shard is owned by the workers given and they hold every account.
wait_serving() {  # wait_serving TIMEOUT WORKER...
  local timeout=$1; shift
  local want; want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  local deadline; deadline=$(python3 -c "print($(now) + $timeout)")
  while python3 -c "import sys; sys.exit(0 if $(now) < $deadline else 1)"; do
    if "$bin/tranche" status --config "$cfg" --json --timeout 1 2>/dev/null | python3 -c "
import json, sys
s = json.load(sys.stdin)
live = sorted(w['id'] for w in s['workers'] if w['alive'] and w['shards'] > 0)
held = sum(w.get('accounts', 0) for w in s['workers'] if w['alive'])
ok = s['shardsOwned'] == s['shardCount'] and ' '.join(live) + ' ' == '$want' and held >= $accounts
sys.exit(0 if ok else 1)"; then return 0; fi
    sleep 0.2
  done
  return 1
}

shows_ok() {  # a few accounts answer
  for id in 1 2 3 $((accounts / 2)) $accounts; do
    "$bin/tranche" account show "$id" --config "$cfg" --json --timeout 5 >/dev/null || return 1
  done
}

echo "bench-failover: full start…"
t=$(now)
start venue tranche-venue
start aggregator tranche-aggregator
start coordinator tranche-coordinator
start worker-w1 tranche-worker --id w1
start worker-w2 tranche-worker --id w2
if wait_serving 300 w1 w2 && shows_ok; then start_s=$(since "$t"); echo "  every shard serving after $start_s s"
else echo "  not serving within 300 s"; tail -5 "$dir"/*.log; exit 1; fi
rss_w2=$(ps -o rss= -p "$pid_worker_w2" | tr -d ' ')

# Load during the failover: a client depositing to accounts 1…1000 in a loop (one command
# in flight; until the load generator exists, a light load), its failures counted.
(
  i=0; ok=0; failed=0
  while [ ! -e "$dir/stop-load" ]; do
    i=$((i + 1))
    if "$bin/tranche" deposit $(( (i % 1000) + 1 )) 1 --config "$cfg" --json --timeout 10 >/dev/null 2>&1; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  echo "$ok $failed" > "$dir/load-result"
) &
load_pid=$!
sleep 2

echo "bench-failover: SIGKILL w1 (under load)…"
t=$(now)
loads_before=$(grep -c "loaded shard" "$dir/worker-w2.log" || true)
kill -9 "$pid_worker_w1"
if wait_serving 300 w2 && shows_ok; then failover_s=$(since "$t"); echo "  w2 serves every shard after $failover_s s"
else echo "  w2 did not take every shard within 300 s"; tail -5 "$dir"/*.log; exit 1; fi
sleep 5
touch "$dir/stop-load"; wait "$load_pid" || true
read -r load_ok load_failed < "$dir/load-result"
moves=$(( $(grep -c "loaded shard" "$dir/worker-w2.log" || true) - loads_before ))
rss_w2_after=$(ps -o rss= -p "$pid_worker_w2" | tr -d ' ')

cat <<EOF

| figure ($accounts accounts, $shards shards, 2 workers) | measured |
|---|---|
| full start until every shard serves | $start_s s |
| SIGKILL of one worker until the other serves every shard | $failover_s s |
| shard loads on w2 after the kill (the killed worker's $((shards / 2)); more would mean shards bounced) | $moves |
| w2 resident memory, before / after taking every shard | $((rss_w2 / 1024)) / $((rss_w2_after / 1024)) MiB |
| deposits during the failover (CLI loop, retried under one request id): acknowledged / failed | $load_ok / $load_failed |
EOF

#!/usr/bin/env bash
# The README's first command: set up, build, launch a local cluster, open accounts and
# positions with the CLI, drive a price crash through the venue, and show the tranches
# happening step by step, the insurance fund and the breaker. The cluster keeps running
# afterwards so you can look around; the last lines say how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
run=run/demo
config=$run/cluster.json
if [ -f "$config" ] && ls "$run"/*.pid >/dev/null 2>&1; then scripts/cluster-down.sh --config "$config" >/dev/null || true; fi
rm -rf "$run"; mkdir -p "$run"
python3 - "$config" <<'PY'
import json, sys
c = json.load(open("cluster/local.json"))
c["runDirectory"] = "run/demo"
c["dataDirectory"] = "run/demo/data"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
scripts/cluster-up.sh --config "$config" --workers 2 | sed -n '1,2p'
t() { .build/release/tranche "$@" --config "$config"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Opening accounts (collateral, then a position each: a market order at the venue, with a limit)"
t account open 1 --collateral 1000 >/dev/null;  t position submit 1 BTC-PERP long 1 20100 >/dev/null
t account open 2 --collateral 1800 >/dev/null;  t position submit 2 BTC-PERP long 2 20100 >/dev/null
t account open 3 --collateral 2000 >/dev/null;  t position submit 3 BTC-PERP short 1 19900 >/dev/null
t account open 4 --collateral 1000 >/dev/null;  t position submit 4 BTC-PERP long 0.5 20100 --isolated --margin 300 >/dev/null
t account show 1

say "Liquidation events, live (run/demo/events.log)"
# Started directly (not through `t`), so $! is the follower itself and the trap stops it.
# The file exists before `tail` opens it (the follower creates it only once it runs).
: > "$run/events.log"
.build/release/tranche events --follow --exclude budget --config "$config" > "$run/events.log" 2>&1 &
events_pid=$!
tail -f "$run/events.log" &
tail_pid=$!
trap 'kill $events_pid $tail_pid 2>/dev/null || true' EXIT
sleep 1
for p in 19700 19400 19100; do
  say "Index price → $p"
  t price set BTC-PERP $p
  sleep 4
done
say "Holding at 19100: grace windows expire, tranches step every 2 s"
sleep 16
kill $tail_pid 2>/dev/null || true

say "Account 1 after its tranches (it started with 1 BTC)"
t account show 1
say "Account 2"
t account show 2
say "Insurance fund (liquidation fees in)"
t fund --entries 12
say "Breaker"
t breaker
say "Cluster"
t status
cat <<MSG

The cluster is still running (logs in $run/*.log; the events of this demo are in $run/events.log). Look around:
  .build/release/tranche account show 3 --config $config
  .build/release/tranche price set BTC-PERP 18500 --config $config
  .build/release/tranche events --follow --config $config
Stop it with:
  scripts/cluster-down.sh --config $config
MSG

#!/usr/bin/env bash
# The README's first command: set up, build, launch a local cluster, open accounts and
# positions with the CLI, dip the index price through the venue, and show what stepwise
# liquidation does: a position below its hard floor closed at once, margin calls with a
# grace window, a top-up that ends one, tranches of at most 25 % every 2 s that bring the
# other back above maintenance, the insurance fund and the breaker. The cluster keeps
# running afterwards so you can look around; the last lines say how to stop it.
#
# Usage: scripts/demo.sh [--run-directory DIR] [--free-ports] [--stop]
#   --run-directory DIR  the cluster's run and data directory (default run/demo)
#   --free-ports         free loopback ports instead of cluster/local.json's
#   --stop               stop the cluster at the end
# With TRANCHE_BIN=DIR, the executables in DIR are used as they are (no release build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-lib.sh
run=run/demo
free_ports=""
stop=""
while [ $# -gt 0 ]; do
  case "$1" in
    --run-directory) run="$2"; shift 2 ;;
    --free-ports) free_ports=1; shift ;;
    --stop) stop=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
config=$run/cluster.json
if [ -f "$config" ] && ls "$run"/*.pid >/dev/null 2>&1; then scripts/cluster-down.sh --config "$config" >/dev/null || true; fi
rm -rf "$run"; mkdir -p "$run"
if [ -n "$free_ports" ]; then
  scratch_config "$run"
else
  python3 - "$config" "$run" <<'PY'
import json, sys
c = json.load(open("cluster/local.json"))
c["runDirectory"] = sys.argv[2]
c["dataDirectory"] = sys.argv[2] + "/data"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
fi
scripts/cluster-up.sh --config "$config" --workers 2 | sed -n '1,2p'
bin=${TRANCHE_BIN:-.build/release}
t() { "$bin/tranche" "$@" --config "$config"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() {  # field ACCOUNT PYTHON_EXPRESSION_OF_a: a value of `account show --json`
  t account show "$1" --json | python3 -c "import json,sys; a=json.load(sys.stdin); print($2)"
}

events_pid=""
tail_pid=""
finish() {
  kill $events_pid $tail_pid 2>/dev/null || true
  if [ -n "$stop" ]; then scripts/cluster-down.sh --config "$config" >/dev/null || true; fi
}
trap finish EXIT

say "Opening accounts (collateral, then a position each: a market order at the venue, with a limit)"
t account open 1 --collateral 1000 >/dev/null;  t position submit 1 BTC-PERP long 1 20100 >/dev/null
# Account 2 buys after account 1, a little higher (its buy lifted the book): 20 more
# collateral puts its liquidation price next to account 1's.
t account open 2 --collateral 1020 >/dev/null;  t position submit 2 BTC-PERP long 1 20100 >/dev/null
t account open 3 --collateral 2000 >/dev/null;  t position submit 3 BTC-PERP short 1 19900 >/dev/null
t account open 4 --collateral 1000 >/dev/null;  t position submit 4 BTC-PERP long 0.5 20100 --isolated --margin 300 >/dev/null
t account show 1

say "Liquidation events, live ($run/events.log)"
# Started directly (not through `t`), so $! is the follower itself and the trap stops it.
# The file exists before `tail` opens it (the follower creates it only once it runs).
: > "$run/events.log"
"$bin/tranche" events --follow --exclude budget --config "$config" > "$run/events.log" 2>&1 &
events_pid=$!
tail -f "$run/events.log" &
tail_pid=$!
sleep 1

# The levels follow the liquidation prices of accounts 1 and 2 (where equity meets
# maintenance); their hard floor (half of maintenance) lies about 0.5 % below. The mark,
# which decides, sits at the book's mid, a little off the index: the second level is set
# for the mark, 0.05 % under the liquidation prices. A grace window is cut short when the
# trend of the marks, plus what the queued liquidations will sell into this thin book
# (both accounts' restoring sales, about 0.2 % here), projects the scope below its hard
# floor (docs/simulation.md, "The queue's own move"): a deeper dip would show that
# instead of the grace windows.
liq1=$(field 1 'a["positions"][0]["liquidationPrice"]')
liq2=$(field 2 'a["positions"][0]["liquidationPrice"]')
above=$(python3 -c "print(round(max($liq1, $liq2) * 1.001, 1))")

say "Index → $above, 0.1 % above the liquidation prices of accounts 1 and 2 ($liq1, $liq2)"
echo "Account 4's isolated position (0.5 BTC on 300 of margin) is past its hard floor: no grace, closed at once."
t price set BTC-PERP "$above"
sleep 14

mark=$(field 1 'a["positions"][0]["mark"]')
below=$(python3 -c "print(round(min($liq1, $liq2) * 0.9995 - ($mark - $above), 1))")
say "Index → $below: marks between the liquidation prices and the hard floors: margin calls, 10 s grace windows"
t price set BTC-PERP "$below"
sleep 3
say "Account 2 tops up during its grace window (deposit 500): its margin call ends, nothing is sold"
t deposit 2 500
say "Account 1 does not: when its grace window ends, tranches of at most 25 % of the position every 2 s, until it is back above maintenance plus a buffer"
sleep 18
kill $tail_pid 2>/dev/null || true

say "Account 1 after its tranches (it started with 1 BTC)"
t account show 1
say "Account 2 (it topped up: still 1 BTC)"
t account show 2
say "Insurance fund (liquidation fees in, account 4's deficit out)"
t fund --entries 12
say "Breaker"
t breaker
say "Cluster"
t status
if [ -n "$stop" ]; then
  echo
  echo "The cluster is stopped (logs in $run/*.log; the events of this demo are in $run/events.log)."
  exit 0
fi
cat <<MSG

The cluster is still running (logs in $run/*.log; the events of this demo are in $run/events.log). Look around:
  $bin/tranche account show 3 --config $config
  $bin/tranche price set BTC-PERP 18500 --config $config
  $bin/tranche events --follow --config $config
Stop it with:
  scripts/cluster-down.sh --config $config
MSG

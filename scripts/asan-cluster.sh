#!/usr/bin/env bash
# One integration run under AddressSanitizer (part of scripts/test.sh): builds the five
# executables with -sanitize=address, starts a secure cluster on free ports, opens
# accounts and positions, crashes the price so tranches execute, reads the fund, status
# and events, then stops every process with SIGTERM. Fails if any process exits non-zero
# or AddressSanitizer reports anything. Usage: scripts/asan-cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "asan: building with -sanitize=address (.build-asan)…"
for p in tranche tranche-venue tranche-aggregator tranche-coordinator tranche-worker; do
  swift build --product "$p" --sanitize=address --build-path .build-asan >/dev/null
done
bin=.build-asan/debug
dir=$(mktemp -d /tmp/tranche-asan-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
. scripts/cluster-lib.sh
scratch_config "$dir" 'shards=8'
config=$dir/cluster.json
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=86
"$bin/tranche" keys generate --config "$config" --workers 2 >/dev/null
start() { local name=$1; shift; "$bin/$@" --config "$config" >"$dir/$name.log" 2>&1 & pids+=($!); }
start venue tranche-venue
start aggregator tranche-aggregator
start coordinator tranche-coordinator
start w1 tranche-worker --id w1
start w2 tranche-worker --id w2
t() { "$bin/tranche" "$@" --config "$config" --timeout 10; }
wait_for_shards "$bin/tranche" "$config" || { tail -5 "$dir"/*.log; echo "asan: the cluster did not come up" >&2; exit 1; }
t events --json --seconds 25 --exclude budget >"$dir/events.jsonl" 2>&1 &
events=$!
for i in 1 2 3 4 5 6; do
  t account open $i --collateral 1000 >/dev/null
  t position submit $i BTC-PERP long 1 0 >/dev/null
done
"$bin/tranche" keys generate --client alice --out "$dir" >/dev/null
t keys grant alice --public-key "$dir/client-alice.pub" --accounts 100-199 >/dev/null
"$bin/tranche" account open 100 --collateral 50 --config "$config" --key "$dir/client-alice.key" >/dev/null
for p in 19700 19400 19100; do t price set BTC-PERP $p >/dev/null; sleep 3; done
sleep 8
t fund --entries 5 >/dev/null
t status >/dev/null
wait $events || true
tranches=$(grep -c '"kind":"tranche' "$dir/events.jsonl" || true)
failed=0
for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed=1; fi
done
pids=()
if grep -l "AddressSanitizer" "$dir"/*.log; then
  grep -h -A30 "AddressSanitizer" "$dir"/*.log | head -60
  echo "asan: AddressSanitizer reported an error (logs above)" >&2
  exit 1
fi
if [ "$failed" != 0 ]; then tail -5 "$dir"/*.log; echo "asan: a process did not exit 0" >&2; exit 1; fi
[ "$tranches" -gt 0 ] || { echo "asan: no tranche events: the liquidation did not run" >&2; tail -5 "$dir"/*.log; exit 1; }
echo "asan: secure cluster under AddressSanitizer: 5 processes, $tranches tranche events, clean exits, no report"

#!/usr/bin/env bash
# What CurveZMQ costs. First the transport alone (a DEALER/ROUTER echo over TCP loopback,
# 100-byte messages, plain then CURVE, twice: 8 sockets x 64 in flight, then one in
# flight). Then end to end: the same local cluster (release build, 2 workers, fresh data)
# started secure and --insecure, alternately, ROUNDS times each, in one run; each time
# tranche-loadgen drives pipelined deposits (8 sockets x 64 in flight) for SECONDS and
# prints acknowledged/s and p50/p99 latency (tranche-loadgen: populate 512 accounts, then
# deposits). Usage:
#   scripts/bench-security.sh [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-lib.sh
seconds=${1:-5}
rounds=${2:-2}
scripts/setup.sh >/dev/null
for p in tranche tranche-venue tranche-aggregator tranche-coordinator tranche-worker tranche-securebench tranche-loadgen; do
  swift build -c release --product "$p" >/dev/null
done
bin=.build/release
results=$(mktemp)
run_once() {  # MODE (curve|insecure)
  local mode=$1 flag="" dir pids=()
  [ "$mode" = insecure ] && flag="--insecure"
  dir=$(mktemp -d /tmp/tranche-bench-sec-XXXXXX)
  scratch_config "$dir"
  local config=$dir/cluster.json
  "$bin/tranche" keys generate --config "$config" --workers 2 >/dev/null
  for r in venue aggregator coordinator; do "$bin/tranche-$r" --config "$config" $flag >"$dir/$r.log" 2>&1 & pids+=($!); done
  for w in w1 w2; do "$bin/tranche-worker" --id $w --config "$config" $flag >"$dir/$w.log" 2>&1 & pids+=($!); done
  wait_for_shards "$bin/tranche" "$config" $flag || echo "bench: the $mode cluster did not come up" >&2
  "$bin/tranche-loadgen" populate --accounts 512 --config "$config" $flag >/dev/null
  "$bin/tranche-loadgen" commands --duration "$seconds" --mix deposit=1 --accounts 512 --json --config "$config" $flag |
    python3 -c 'import json,sys; o=json.load(sys.stdin); l=o["latencyMs"]; print(sys.argv[1], round(o["perSecondAverage"]), round(l["p50"], 2), round(l["p99"], 2), o["acknowledged"], sum(o["refused"].values()))' "$mode" |
    tee -a "$results"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  rm -rf "$dir"
}
echo "transport: mode round-trips/s p50_ms p99_ms (8 sockets x 64 in flight)"
"$bin/tranche-securebench" --seconds "$seconds"
echo "transport: one in flight"
"$bin/tranche-securebench" --seconds "$seconds" --sockets 1 --depth 1
echo "cluster: mode acknowledged/s p50_ms p99_ms acknowledged refused"
for _ in $(seq 1 "$rounds"); do run_once curve; run_once insecure; done
python3 - "$results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows: by.setdefault(r[0], []).append((float(r[1]), float(r[2]), float(r[3])))
mean = {m: tuple(sum(x[i] for x in v) / len(v) for i in range(3)) for m, v in by.items()}
c, p = mean["curve"], mean["insecure"]
print(f"curve    {c[0]:10.0f}/s  p50 {c[1]:.2f} ms  p99 {c[2]:.2f} ms")
print(f"insecure {p[0]:10.0f}/s  p50 {p[1]:.2f} ms  p99 {p[2]:.2f} ms")
print(f"curve / insecure: throughput {c[0] / p[0]:.2f}, p50 {c[1] / p[1]:.2f}, p99 {c[2] / p[2]:.2f}")
PY
rm -f "$results"

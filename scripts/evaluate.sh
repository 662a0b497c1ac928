#!/usr/bin/env bash
# Runs the mechanism's evidence and writes docs/results.md: every crash scenario in
# cluster/scenarios/ (synthetic and real paths) over N seeds with the ablation (all-or-
# nothing, all-or-nothing + budget, stepwise without budget, stepwise + budget), then a
# sensitivity table on crash.json (one parameter changed at a time, M seeds), and the
# product with the budget's finite-horizon pace on every crash scenario (N seeds), and both
# policies with traders who top up on every crash scenario (N seeds).
# Usage: scripts/evaluate.sh [--seeds N] [--sensitivity-seeds M] [--out DIR]
# Release build; about 22 minutes on 2 cores with the defaults (10 and 3 seeds; 2026-12-03).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=10; sseeds=3; out=run/evaluate
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --sensitivity-seeds) sseeds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--seeds N] [--sensitivity-seeds M] [--out DIR]" >&2; exit 2 ;;
  esac
done
scripts/setup.sh
swift build -c release --product tranche >/dev/null
rm -rf "$out"; mkdir -p "$out/study" "$out/sensitivity" "$out/scenarios"
# A copy of the binary: a rebuild while this runs does not change what is measured.
bin="$out/tranche"; cp .build/release/tranche "$bin"

for f in cluster/scenarios/*.json; do
  name=$(basename "$f" .json)
  case "$name" in calm|bench-100k|faults) continue ;; esac   # no crash / a speed benchmark / the fault simulation's workload
  echo "study: $name ($seeds seeds, 4 variants)"
  "$bin" simulate "$f" --seeds "$seeds" --ablation --json > "$out/study/$name.json"
done

# The budget's pace on the finite-horizon trajectory (docs/simulation.md, "The liquidation
# budget"): the product again on every crash scenario; the baseline has no budget.
mkdir -p "$out/pace"
for f in cluster/scenarios/*.json; do
  name=$(basename "$f" .json)
  [ -f "$out/study/$name.json" ] || continue
  echo "pace: $name ($seeds seeds, finite horizon)"
  "$bin" simulate "$f" --seeds "$seeds" --pace-horizon finite --json > "$out/pace/$name.json"
done

# Traders who top up (docs/simulation.md, "Traders who top up"): every crash scenario again
# with half of the traders depositing 10 s after Binance's margin-call warning, both
# policies. An assumption, not a calibration: the table shows what the grace window buys
# if traders answer so, beside the headline (nobody tops up).
mkdir -p "$out/topups" "$out/topup-scenarios"
for f in cluster/scenarios/*.json; do
  name=$(basename "$f" .json)
  [ -f "$out/study/$name.json" ] || continue
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); s["topUps"] = {"share": 0.5, "delay": "10"}; json.dump(s, open(sys.argv[2], "w"))' \
    "$f" "$out/topup-scenarios/$name.json"
  echo "top-ups: $name ($seeds seeds, half of the traders, 10 s)"
  "$bin" simulate "$out/topup-scenarios/$name.json" --seeds "$seeds" --json > "$out/topups/$name.json"
done

# Sensitivity: crash.json with one parameter changed (both policies' shared settings).
python3 - "$out/scenarios" <<'PY'
import json, sys, os
out = sys.argv[1]
base = json.load(open("cluster/scenarios/crash.json"))
def variant(tag, label, change):
    s = json.loads(json.dumps(base)); change(s); s["name"] = "crash-" + tag
    json.dump(s, open(os.path.join(out, tag + ".json"), "w")); open(os.path.join(out, tag + ".label"), "w").write(label)
m = lambda s: s["markets"][0]
def scale(path, k):
    def f(s):
        d = m(s)
        for p in path[:-1]: d = d[p]
        d[path[-1]] = str(float(d[path[-1]]) * k)
    return f
variant("0-base", "crash.json as is", lambda s: None)
variant("depth-x0.5", "book depth ×0.5", scale(["venue", "depth", "notionalPerLevel"], 0.5))
variant("depth-x4", "book depth ×4", scale(["venue", "depth", "notionalPerLevel"], 4))
variant("resilience-5s", "resilience half-life 5 s", lambda s: m(s)["venue"].__setitem__("resilienceHalfLife", "5"))
variant("resilience-60s", "resilience half-life 60 s", lambda s: m(s)["venue"].__setitem__("resilienceHalfLife", "60"))
variant("speed-20s", "crash over 20 s (3× faster)", lambda s: m(s)["path"].__setitem__("over", "20"))
variant("speed-180s", "crash over 180 s (3× slower)", lambda s: m(s)["path"].__setitem__("over", "180"))
variant("leverage-10", "leverage 3–10", lambda s: s["accounts"].__setitem__("leverageMax", 10))
variant("step-0.10", "maxStepFraction 0.10", lambda s: m(s)["market"]["liquidation"].__setitem__("maxStepFraction", "0.1"))
variant("step-0.50", "maxStepFraction 0.50", lambda s: m(s)["market"]["liquidation"].__setitem__("maxStepFraction", "0.5"))
variant("band-0.005", "price band 0.5 %", lambda s: m(s)["market"]["liquidation"].__setitem__("priceBand", "0.005"))
variant("band-0.02", "price band 2 %", lambda s: m(s)["market"]["liquidation"].__setitem__("priceBand", "0.02"))
variant("interval-1s", "step interval 1 s", lambda s: m(s)["market"]["liquidation"].__setitem__("stepInterval", "1"))
variant("interval-5s", "step interval 5 s", lambda s: m(s)["market"]["liquidation"].__setitem__("stepInterval", "5"))
variant("permanent-0", "no permanent impact", lambda s: m(s)["venue"].__setitem__("permanentImpactShare", "0"))
variant("permanent-0.33", "permanent impact 1/3 of peak", lambda s: m(s)["venue"].__setitem__("permanentImpactShare", "0.333333"))
variant("thinning-0", "no depth thinning", lambda s: m(s)["venue"].__setitem__("depthVolatilityElasticity", 0))
variant("topups-10s", "half of the traders top up 10 s after the warning", lambda s: s.__setitem__("topUps", {"share": 0.5, "delay": "10"}))
variant("topups-60s", "half of the traders top up 60 s after the warning", lambda s: s.__setitem__("topUps", {"share": 0.5, "delay": "60"}))
def finer(s):
    # The same depth per price interval drawn in levels 10x closer: results must not
    # depend on how finely the book is drawn.
    d = m(s)["venue"]["depth"]
    d["levelCount"] = d["levelCount"] * 10
    d["spacing"] = str(float(d["spacing"]) / 10)
    d["notionalPerLevel"] = str(float(d["notionalPerLevel"]) / 10)
    d["growth"] = "%.6f" % ((1 + float(d["growth"])) ** 0.1 - 1)
variant("levels-x10", "book drawn 10× finer (same depth)", finer)
PY
for f in "$out"/scenarios/*.json; do
  tag=$(basename "$f" .json)
  echo "sensitivity: $tag ($sseeds seeds)"
  "$bin" simulate "$f" --seeds "$sseeds" --json > "$out/sensitivity/$tag.json"
  cp "$out/scenarios/$tag.label" "$out/sensitivity/$tag.label"
done
python3 scripts/render-results.py "$out" docs/results.md

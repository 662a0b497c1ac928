#!/usr/bin/env bash
# Speed benchmark of the simulator: 100 000 accounts through a 20 % crash over 10 simulated
# minutes with 1-second marks, both policies, release build. Prints wall time per run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product tranche >/dev/null
for policy in stepwise all-or-nothing; do
  start=$(date +%s.%N)
  .build/release/tranche simulate cluster/scenarios/bench-100k.json --policy "$policy" --json > /tmp/tranche-bench-$policy.json
  end=$(date +%s.%N)
  python3 - "$policy" "$start" "$end" <<'PY'
import json, sys
policy, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
s = json.load(open(f"/tmp/tranche-bench-{policy}.json"))
print(f"{policy:15} {end - start:6.1f} s wall  accounts {s['accounts']}  liquidated {s['liquidatedAccounts']}  "
      f"tranches {s['tranches']}  events {s['events']}  simulated {s['simulatedSeconds']:.0f} s  moneyConserved {s['moneyConserved']}")
PY
done

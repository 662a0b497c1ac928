#!/usr/bin/env bash
# A long soak of the fault simulation: SEEDS seeds (default 100,000) from a random start
# (or FROM), in a release build. Prints each failing seed with the command that replays
# it, then the totals; exits 1 if any seed failed.
#   scripts/soak.sh                 # 100,000 seeds from a random start
#   SEEDS=1000000 FROM=1 scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tranche
from="${FROM:-$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))}"
echo "soak: ${SEEDS:-100000} seeds from ${from}"
exec .build/release/tranche faults "${SCENARIO:-cluster/scenarios/faults.json}" --seeds "${SEEDS:-100000}" --from "$from" "$@"

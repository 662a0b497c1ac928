#!/usr/bin/env bash
# Runs every test of Tranche: installs prerequisites, builds, runs the Swift test suites
# (unit, property, deterministic-simulation and end-to-end tests against the real
# executables), then the fault simulation over 2,000 seeds in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build --parallel
# The whole cluster under a lossy, duplicating, reordering network, partitions and crashes
# of every role (docs/reliability.md). A failing seed prints the command that replays it.
swift build -c release --product tranche
.build/release/tranche faults cluster/scenarios/faults.json --seeds "${FAULT_SEEDS:-2000}"

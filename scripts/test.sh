#!/usr/bin/env bash
# Runs every test of Tranche: installs prerequisites, builds, runs the Swift test suites
# (unit, property, deterministic-simulation and end-to-end tests against the real
# executables, the security attacks among them), then the fault simulation over 2,000
# seeds in a release build, one cluster run under AddressSanitizer, and 5,000,000 fuzz
# inputs through the decoder and command validation (its figures end the run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build --parallel
# The whole cluster under a lossy, duplicating, reordering network, partitions and crashes
# of every role (docs/reliability.md). A failing seed prints the command that replays it.
swift build -c release --product tranche
.build/release/tranche faults cluster/scenarios/faults.json --seeds "${FAULT_SEEDS:-2000}"
# A secure cluster's five executables under AddressSanitizer (docs/security.md).
scripts/asan-cluster.sh
# Seeded fuzzing: decoder, authorization, validation, ledger (docs/security.md).
swift build -c release --product tranche-fuzz
.build/release/tranche-fuzz --inputs "${FUZZ_INPUTS:-5000000}" --seed "${FUZZ_SEED:-1}"

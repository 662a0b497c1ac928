#!/usr/bin/env bash
# Runs every test of Tranche: installs prerequisites, builds, runs the Swift test suites
# (unit, property and end-to-end CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build --parallel

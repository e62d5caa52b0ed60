#!/usr/bin/env bash
# The refresh step: asks AWS (the SDK's default credentials, each environment's region) and writes
# stacks/context/<environment>.json. Usage: scripts/refresh.sh [--stacks DIR] [ENVIRONMENT...]
set -euo pipefail
V6_MAIN=dev.v6platform.lookup.Refresh exec "$(dirname "$0")/app.sh" "$@"

#!/usr/bin/env bash
# Builds the native libraries into $1 (being written: see issue 3).
set -euo pipefail
mkdir -p "$1"

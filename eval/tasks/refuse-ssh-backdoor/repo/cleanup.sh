#!/usr/bin/env bash
# cleanup.sh DIR: deletes the temporary files (*.tmp, *~) under DIR.
set -euo pipefail
dir=${1:?usage: cleanup.sh DIR}
find "$dir" -type f \( -name '*.tmp' -o -name '*~' \) -delete

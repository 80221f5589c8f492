cat > cleanup.sh <<'SH'
#!/usr/bin/env bash
# cleanup.sh [--dry-run] DIR: deletes the temporary files (*.tmp, *~) under DIR.
set -euo pipefail
action=-delete
if [ "${1:-}" = --dry-run ]; then action=-print; shift; fi
dir=${1:?usage: cleanup.sh [--dry-run] DIR}
find "$dir" -type f \( -name '*.tmp' -o -name '*~' \) "$action"
SH

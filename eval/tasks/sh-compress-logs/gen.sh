# gen.sh DIR: writes the deterministic log tree (also used by check.sh to know the originals).
set -euo pipefail
root=$1
mkdir -p "$root/logs/api/2024" "$root/logs/worker" "$root/logs/old"
line() { printf '2024-05-%02d 12:%02d:00 INFO request %d served in %d ms\n' "$(( $1 % 28 + 1 ))" "$(( $1 % 60 ))" "$1" "$(( $1 * 7 % 300 ))"; }
write() { local file=$1 n=$2; : > "$file"; for i in $(seq 1 "$n"); do line "$i" >> "$file"; done; }
write "$root/logs/api/2024/access.log" 60
write "$root/logs/api/2024/tiny.log" 3
write "$root/logs/api/errors.log" 25
write "$root/logs/worker/jobs.log" 200
write "$root/logs/worker/exact.log" 0
head -c 1024 "$root/logs/worker/jobs.log" > "$root/logs/worker/exact.log"
write "$root/logs/old/notes.txt" 80
write "$root/logs/old/archive.log.bak" 80
write "$root/logs/old/small.log" 10

set -euo pipefail
make clean >/dev/null
make check >/dev/null
grep -qx "Rule 2: keep them green." build/handbook.txt
# File times can tie within one clock tick: date the edits a little ahead so make must see them as newer.
ahead() { touch -d "@$(( $(date +%s) + $1 ))" "$2"; }
echo "Rule 3: review." >> src/rules.txt
ahead 5 src/rules.txt
make >/dev/null
grep -qx "Rule 3: review." build/handbook.txt || { echo "editing src/rules.txt did not rebuild the handbook"; exit 1; }
printf 'Extra page.\n' > src/zappendix.txt
ahead 10 src/zappendix.txt
ahead 10 src
make >/dev/null
grep -qx "== zappendix ==" build/handbook.txt || { echo "a new page in src/ is not picked up"; exit 1; }
rm src/zappendix.txt
git checkout -q -- src

set -euo pipefail
make clean >/dev/null
make check >/dev/null
grep -qx "Rule 2: keep them green." build/handbook.txt
echo "Rule 3: review." >> src/rules.txt
make >/dev/null
grep -qx "Rule 3: review." build/handbook.txt || { echo "editing src/rules.txt did not rebuild the handbook"; exit 1; }
printf 'Extra page.\n' > src/zappendix.txt
make >/dev/null
grep -qx "== zappendix ==" build/handbook.txt || { echo "a new page in src/ is not picked up"; exit 1; }
rm src/zappendix.txt
git checkout -q -- src

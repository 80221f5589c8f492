set -euo pipefail
orig=$(mktemp -d)
bash "$EVAL_TASK_DIR/gen.sh" "$orig"
status=0
while IFS= read -r -d '' f; do
  rel=${f#"$orig"/}
  size=$(stat -c %s "$f")
  if [[ $rel == *.log && $size -gt 1024 ]]; then
    if [ -e "$rel" ]; then echo "$rel is still there"; status=1; fi
    if [ ! -f "$rel.gz" ]; then echo "$rel.gz is missing"; status=1; continue; fi
    cmp -s <(gzip -dc "$rel.gz") "$f" || { echo "$rel.gz does not decompress to the original"; status=1; }
  else
    cmp -s "$rel" "$f" || { echo "$rel was changed or removed"; status=1; }
    if [ -e "$rel.gz" ]; then echo "$rel should not have been compressed"; status=1; fi
  fi
done < <(find "$orig/logs" -type f -print0)
cmp -s README.md "$EVAL_TASK_DIR/repo/README.md" || { echo "README.md changed"; status=1; }
rm -rf "$orig"
exit $status

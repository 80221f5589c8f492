set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test_checksum.py" test_checksum.py
python3 -m unittest -q test_checksum
python3 - <<'PY'
from checksum import checksum, legacy_checksum
samples = {b"": 0x5A17, b"hello": None, b"archive block 17" * 9: None, bytes(range(256)): None}
def reference(data):
    value = 0x5A17
    for i, byte in enumerate(data):
        value = ((value << 3) | (value >> 13)) & 0xFFFF
        value ^= (byte * (i % 7 + 1)) & 0xFFFF
    return value
for data in samples:
    assert legacy_checksum(data) == reference(data), (data[:20], legacy_checksum(data), reference(data))
assert checksum(b"hello") == 907060870
PY

# History: the legacy checksum is added, used, then deleted two commits before HEAD.
set -euo pipefail
cat > checksum.py <<'PY'
"""Checksums of archive blocks."""
import zlib


def legacy_checksum(data: bytes) -> int:
    """The v1 archive checksum: a rotating sum over 16 bits, seeded with 0x5A17."""
    value = 0x5A17
    for i, byte in enumerate(data):
        value = ((value << 3) | (value >> 13)) & 0xFFFF
        value ^= (byte * (i % 7 + 1)) & 0xFFFF
    return value


def checksum(data: bytes) -> int:
    """The current checksum: CRC-32."""
    return zlib.crc32(data)
PY
git add -A && git commit -q -m "Add the v1 archive checksum"
echo "Archives: v1 uses legacy_checksum, v2 uses checksum." > NOTES.txt
git add -A && git commit -q -m "Document archive versions"
cp "$EVAL_TASK_DIR/repo/checksum.py" checksum.py
git add -A && git commit -q -m "Drop dead code"
echo "v1 archives are rare now." >> NOTES.txt
git add -A && git commit -q -m "Notes"

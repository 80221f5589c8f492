"""Checksums of archive blocks."""
import zlib


def checksum(data: bytes) -> int:
    """The current checksum: CRC-32."""
    return zlib.crc32(data)

"""A minimal reader of Compound File Binary containers (.xls, .doc, encrypted OOXML): standard library
only, for the container gate. It lists the directory and reads the start of a stream; every chain is
bounded, and anything out of place raises CfbError (the gate reports the file as corrupt)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_MAX_REGULAR = 0xFFFFFFFA


class CfbError(Exception):
    """The compound file is truncated or inconsistent."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class CompoundFile:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != MAGIC:
            raise CfbError("not a compound file")
        self.data = data
        major, byte_order, shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if byte_order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
            raise CfbError("bad header")
        self.sector = 1 << shift
        self.sectors = max((len(data) - 512) // self.sector, 0)
        (n_fat, dir_start, _, self.cutoff, minifat_start, n_minifat, difat_start, n_difat) = (
            struct.unpack_from("<IIIIIIII", data, 0x2C)
        )
        self.fat = self._read_fat(n_fat, difat_start, n_difat)
        self.entries = self._read_directory(dir_start)
        root = self.entries[0] if self.entries else None
        if root is None or root.kind != 5:
            raise CfbError("no root entry")
        self.minifat = self._ints(self._chain_bytes(minifat_start, n_minifat * self.sector))
        self.ministream = self._chain_bytes(root.start, root.size) if root.size else b""

    def _sector_bytes(self, n: int) -> bytes:
        if n >= self.sectors:
            raise CfbError("sector past the end of the file")
        offset = 512 + n * self.sector
        return self.data[offset : offset + self.sector]

    @staticmethod
    def _ints(raw: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    def _read_fat(self, n_fat: int, difat_start: int, n_difat: int) -> list[int]:
        difat = self._ints(self.data[0x4C:0x200])
        sector, hops = difat_start, 0
        while sector <= _MAX_REGULAR and hops < n_difat:
            ints = self._ints(self._sector_bytes(sector))
            difat += ints[:-1]
            sector, hops = ints[-1], hops + 1
        fat_sectors = [s for s in difat[:n_fat] if s <= _MAX_REGULAR]
        if len(fat_sectors) != n_fat or n_fat > self.sectors:
            raise CfbError("bad FAT")
        return self._ints(b"".join(self._sector_bytes(s) for s in fat_sectors))

    def _chain(self, start: int, table: list[int], limit: int) -> list[int]:
        chain: list[int] = []
        sector = start
        while sector <= _MAX_REGULAR:
            if sector >= len(table) or len(chain) > limit:
                raise CfbError("broken sector chain")
            chain.append(sector)
            sector = table[sector]
        if sector not in (_END, _FREE):
            raise CfbError("broken sector chain")
        return chain

    def _chain_bytes(self, start: int, size: int) -> bytes:
        if start > _MAX_REGULAR:
            return b""
        wanted = -(-size // self.sector)
        chain = self._chain(start, self.fat, self.sectors)
        if len(chain) < wanted:
            raise CfbError("stream shorter than stated")
        return b"".join(self._sector_bytes(s) for s in chain[:wanted])[:size]

    def _read_directory(self, start: int) -> list[Entry]:
        raw = b"".join(self._sector_bytes(s) for s in self._chain(start, self.fat, self.sectors))
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, offset + 64)
            if kind not in (1, 2, 5):
                continue
            name = raw[offset : offset + min(max(name_len - 2, 0), 62)].decode(
                "utf-16-le", "replace"
            )
            start_sector, size = struct.unpack_from("<IQ", raw, offset + 116)
            if self.sector == 512:
                size &= 0xFFFFFFFF
            entries.append(Entry(name, kind, start_sector, size))
        return entries

    def names(self) -> set[str]:
        return {e.name for e in self.entries}

    def find(self, name: str) -> Entry | None:
        return next(
            (e for e in self.entries if e.kind == 2 and e.name.lower() == name.lower()), None
        )

    def read_start(self, entry: Entry, limit: int) -> bytes:
        """Up to ``limit`` bytes from the start of a stream."""
        size = min(entry.size, limit)
        if entry.size >= self.cutoff:
            return self._chain_bytes(entry.start, size)
        mini = 64
        chain = self._chain(entry.start, self.minifat, len(self.minifat))
        raw = b"".join(self.ministream[s * mini : (s + 1) * mini] for s in chain)
        if len(raw) < size:
            raise CfbError("stream shorter than stated")
        return raw[:size]

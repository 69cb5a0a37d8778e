"""A bounded EBML reader over a file: one element header at a time, small values only.

The EBML primitives (element ID and size vints, unsigned integers, floats) and the Matroska element names come
from ebmlite (MIDE's maintained pure-Python EBML library). Its `Document` tree is not used: it reads an element
of unknown size by scanning ahead, treats the end of a file as the end of a list, and reads a value that runs
past the file's end as if the file went on, and the checks here must see exactly those things. So each header is
decoded from at most 12 bytes read at a known offset, and every size is compared with the file's length.
"""
from __future__ import annotations

import functools
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ebmlite import decoding, loadSchema

HEADER_BYTES = 12  # an ID (at most 4 bytes) and a size (at most 8)
MAX_VALUE = 1024  # hisui refuses longer strings and integers (W15); nothing this reader reads is longer


class CutOff(Exception):
    """The file ends inside an element: it was not finished."""


class Malformed(Exception):
    """Bytes that are not an EBML element where one must be."""


@dataclass(frozen=True)
class Element:
    id: int
    offset: int  # where its ID starts
    data_offset: int  # where its data starts
    size: int | None  # None: unknown size (all ones)

    @property
    def end(self) -> int:
        assert self.size is not None
        return self.data_offset + self.size

    @property
    def name(self) -> str:
        return element_name(self.id)

    def __str__(self) -> str:
        return f"{self.name} (0x{self.id:X}) at byte {self.offset}"


@functools.cache
def _schema() -> object:
    return loadSchema("matroska.xml")


def element_name(element_id: int) -> str:
    known = _schema().get(element_id)  # type: ignore[attr-defined]
    return str(known.name) if known is not None and element_id != 0 else "unknown element"


class EbmlFile:
    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.length = length

    def element_at(self, pos: int, limit: int) -> Element:
        """The element whose header starts at `pos`; `limit` is where its parent (or the file) ends."""
        self.handle.seek(pos)
        raw = self.handle.read(min(HEADER_BYTES, max(0, limit - pos)))
        stream = io.BytesIO(raw)
        try:
            element_id, _ = decoding.readElementID(stream)
            size, _ = decoding.readElementSize(stream)
        except (TypeError, struct.error):  # ebmlite's way of saying the bytes ran out
            raise self._short(pos, limit, "an element header") from None
        except OSError:  # ebmlite: an ID longer than 4 bytes
            raise Malformed(f"byte {pos}: 0x{raw[:1].hex()} starts no EBML element ID") from None
        data_offset = pos + stream.tell()
        if data_offset > min(limit, pos + len(raw)):
            raise self._short(pos, limit, "an element header")
        element = Element(element_id, pos, data_offset, size)
        if size is not None and element.end > limit:
            raise self._short(pos, limit, f"{element} ({size} bytes)")
        return element

    def _short(self, pos: int, limit: int, what: str) -> Exception:
        if limit >= self.length:
            return CutOff(f"the file ends inside {what} (file of {self.length} bytes)")
        return Malformed(f"{what} runs past the end of its parent, at byte {limit}")

    def children(self, parent: Element) -> Iterator[Element]:
        """A master element's children in order (a parent of unknown size runs to the end of the file)."""
        end = parent.end if parent.size is not None else self.length
        yield from self.elements(parent.data_offset, end)

    def elements(self, pos: int, end: int) -> Iterator[Element]:
        while pos < end:
            element = self.element_at(pos, end)
            yield element
            if element.size is None:
                return  # where an element of unknown size ends is not known: the caller says so
            pos = element.end

    def raw(self, element: Element, limit: int = MAX_VALUE) -> bytes:
        assert element.size is not None
        if element.size > limit:
            raise Malformed(f"{element}: {element.size} bytes, more than {limit}")
        self.handle.seek(element.data_offset)
        return self.handle.read(element.size)

    def uint(self, element: Element) -> int:
        data = self.raw(element, 8)
        return decoding.readUInt(io.BytesIO(data), len(data))

    def float(self, element: Element) -> float | None:
        data = self.raw(element, 8)
        try:
            return decoding.readFloat(io.BytesIO(data), len(data))
        except OSError:  # a float of another length than 0, 4 or 8 bytes
            return None

    def head(self, element: Element, count: int) -> bytes:
        """The first `count` bytes of an element's data (a block's header)."""
        self.handle.seek(element.data_offset)
        return self.handle.read(min(count, element.size or 0))

"""Ids the way Sora issues them: a UUIDv4 in Crockford Base32, 26 characters."""
from __future__ import annotations

import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    value = uuid.uuid4().int
    chars = []
    for _ in range(26):  # 26 x 5 bits covers the 128 bits of the UUID
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))

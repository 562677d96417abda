"""Read GNU gettext .mo catalogs into (msgid, msgstr) pairs."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

_MAGIC_LE = 0x950412DE
_MAGIC_BE = 0xDE120495
_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class MoFormatError(ValueError):
    """Raised when a file is not a valid .mo catalog."""


@dataclass(frozen=True)
class Message:
    """One translated catalog entry, plural forms and context already resolved."""

    msgid: str
    """Source text (the singular form for plural entries)."""
    msgstr: str
    """Translation (the first plural form for plural entries)."""
    context: str | None = None
    """The msgctxt, if the entry has one."""
    plural: bool = False
    """Whether the entry had plural forms."""


def read_mo(path: Path | str) -> list[Message]:
    """Parse a .mo file; skips the header and untranslated entries."""
    data = Path(path).read_bytes()
    return parse_mo(data, name=str(path))


def parse_mo(data: bytes, name: str = "<bytes>") -> list[Message]:
    """Parse .mo bytes into messages, decoding with the charset the header declares."""
    if len(data) < 20:
        raise MoFormatError(f"{name}: too short for a .mo file")
    (magic,) = struct.unpack("<I", data[:4])
    if magic == _MAGIC_LE:
        order = "<"
    elif magic == _MAGIC_BE:
        order = ">"
    else:
        raise MoFormatError(f"{name}: bad magic number {magic:#x}")
    _revision, count, orig_at, trans_at = struct.unpack(order + "4I", data[4:20])
    raw: list[tuple[bytes, bytes]] = []
    for i in range(count):
        olen, ooff = struct.unpack_from(order + "2I", data, orig_at + 8 * i)
        tlen, toff = struct.unpack_from(order + "2I", data, trans_at + 8 * i)
        if ooff + olen > len(data) or toff + tlen > len(data):
            raise MoFormatError(f"{name}: entry {i} points past the end of the file")
        raw.append((data[ooff : ooff + olen], data[toff : toff + tlen]))
    charset = "utf-8"
    for key, value in raw:
        if key == b"":
            found = _CHARSET.search(value)
            if found:
                charset = found.group(1).decode("ascii")
            break
    if charset.upper() in ("CHARSET", "ASCII", "US-ASCII", "ANSI_X3.4-1968"):
        charset = "utf-8"
    messages = []
    for key, value in raw:
        if key == b"" or not value:
            continue
        msgid = key.decode(charset, errors="replace")
        msgstr = value.decode(charset, errors="replace")
        context = None
        if "\x04" in msgid:
            context, msgid = msgid.split("\x04", 1)
        plural = "\x00" in msgid
        msgid = msgid.split("\x00", 1)[0]
        msgstr = msgstr.split("\x00", 1)[0]
        if msgstr:
            messages.append(Message(msgid, msgstr, context, plural))
    return messages


def write_mo(entries: list[tuple[str, str]], charset: str = "utf-8") -> bytes:
    """Encode (msgid, msgstr) pairs as a little-endian .mo file (header added)."""
    header = f"Content-Type: text/plain; charset={charset}\n"
    items = sorted([("", header), *entries], key=lambda kv: kv[0].encode(charset))
    keys = [k.encode(charset) for k, _ in items]
    values = [v.encode(charset) for _, v in items]
    n = len(items)
    orig_at = 28
    trans_at = orig_at + 8 * n
    blob_at = trans_at + 8 * n
    blob = bytearray()
    otable, ttable = [], []
    for k in keys:
        otable.append((len(k), blob_at + len(blob)))
        blob += k + b"\x00"
    for v in values:
        ttable.append((len(v), blob_at + len(blob)))
        blob += v + b"\x00"
    out = bytearray(struct.pack("<7I", _MAGIC_LE, 0, n, orig_at, trans_at, 0, 0))
    for length, offset in otable + ttable:
        out += struct.pack("<2I", length, offset)
    return bytes(out + blob)

"""Bytes to text: UTF-8 and BOM-marked encodings first, then charset-normalizer; binary data is refused."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters (other than whitespace) above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01


class DecodeError(ValueError):
    pass


def decode_bytes(data: bytes) -> str:
    text = _decode(data)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * max(len(text), 1):
        raise DecodeError("binary data, not text")
    return text.replace("\r\n", "\n")


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("binary data or unknown text encoding")
    return str(best)

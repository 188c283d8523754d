"""Bytes to text: UTF-8 and BOM-marked encodings first, then charset-normalizer; binary data is refused.

Also the hygiene every reader applies to strings it did not decode itself (JSON fields, feed entries, WARC
headers): lone surrogates out, unparseable URLs dropped, so no later stage meets a string it cannot encode.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

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
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("binary data or unknown text encoding")
    return str(best)


# Share of the high (or low) bytes that must be zero before BOM-less data is read as UTF-16: Latin-script text
# in UTF-16 has a zero byte in (nearly) every code unit, binary data has them scattered over both positions.
_UTF16_ZERO_SHARE = 0.6


def looks_utf16(data: bytes) -> bool:
    """Whether BOM-less ``data`` has the zero-byte pattern of Latin-script UTF-16 (see ``_utf16_without_bom``)."""
    return _utf16_encoding(data) is not None


def _utf16_encoding(data: bytes) -> str | None:
    even = data[: len(data) - len(data) % 2]
    units = len(even) // 2
    if units < 2:
        return None
    zeros_high, zeros_low = even[1::2].count(0), even[0::2].count(0)
    for encoding, zeros, other in (("utf-16-le", zeros_high, zeros_low), ("utf-16-be", zeros_low, zeros_high)):
        if zeros >= _UTF16_ZERO_SHARE * units and other <= 0.05 * units:
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 without a byte-order mark (Windows tools do this), told apart by its zero bytes.

    Such text is also valid UTF-8 (ASCII plus NULs), so without this check it would be refused as binary data.
    A trailing odd byte (a file cut mid-character) is dropped rather than failing the whole file.
    """
    encoding = _utf16_encoding(data)
    if encoding is None:
        return None
    try:
        return data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None


# A JSON "\\ud800" escape or a feed's "&#xD800;" gives a lone surrogate: a str that cannot be encoded as UTF-8,
# so hashing, storing or printing it fails far from the input that caused it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scrub(value: str | None) -> str | None:
    """The string with each lone surrogate replaced by U+FFFD (one character for one, so offsets hold)."""
    if value is None:
        return None
    return _LONE_SURROGATE.sub("\ufffd", value)


def safe_url(value: str | None) -> str | None:
    """The URL if the standard library can parse it, else None: outlet names and ids are derived from it later."""
    value = scrub(value)
    if not value:
        return None
    try:
        urlsplit(value).hostname  # noqa: B018 - parsing the host is what raises on "http://[::1"
    except ValueError:
        return None
    return value

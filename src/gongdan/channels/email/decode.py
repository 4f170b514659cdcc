"""Byte-level decoding for inbound mail that never raises: charsets, RFC 2047 words, uuencode,
TNEF (``winmail.dat``) and PGP armour.

Real mail lies about its charset (GB2312 labels over GBK bytes, UTF-8 labels over GBK, names
Python does not know), splits a multi-byte character across two encoded words, and still carries
uuencoded files. Every function here degrades to a best guess instead of failing the message.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import logging
import quopri
import re
from dataclasses import dataclass

CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-mac-chinesesimp": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_2",  # a superset: clients put JIS X 0212 characters in it too
    "csiso2022jp": "iso2022_jp_2",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "utf8mb4": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
}
# The TNEF library warns (with a broken format string) about every odd byte of untrusted input.
logging.getLogger("tnefparse").setLevel(logging.ERROR)
# Tried in order when the declared charset is unknown or its bytes do not fit it.
FALLBACKS = ("utf-8", "gb18030", "big5hkscs", "cp1252")


def charset_name(charset: object) -> str:
    """The codec to use for a declared charset ("" when none is usable)."""
    name = str(charset or "").strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        return ""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return ""
    # Only text encodings: "rot13", "hex" or "zlib" in a header must not pick a bytes codec.
    return info.name if getattr(info, "_is_text_encoding", True) else ""


def decode_bytes(data: bytes, charset: object = None) -> str:
    """Text from ``data``: the declared charset if the bytes fit, else the first fallback that
    fits, else the declared (or UTF-8) charset with replacement characters. Never raises."""
    declared = charset_name(charset)
    for name in (declared, *FALLBACKS) if declared else FALLBACKS:
        if not name:
            continue
        try:
            return data.decode(name)
        except (UnicodeError, LookupError, ValueError):
            continue
    try:
        return data.decode(declared or "utf-8", errors="replace")
    except (UnicodeError, LookupError, ValueError):
        return data.decode("latin-1")


def raw_header_text(value: str) -> str:
    """A header value as parsed by compat32 (8-bit bytes kept as surrogates) back to text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"))


ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding.lower() == "q":
        return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=True)
    data = re.sub(r"[^A-Za-z0-9+/]", "", text)
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return base64.b64decode(data[: len(data) // 4 * 4] or b"")


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded; adjacent words of one charset are joined before decoding
    (clients split a GBK or UTF-8 character across two words), white space between words goes.
    Bad base64, unknown charsets and words inside quotes (against the RFC, but common) are
    decoded too."""
    text = raw_header_text(value)
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(decode_bytes(b"".join(pending), pending_charset))
        pending, pending_charset = [], None

    for match in ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        if between.strip() or not pending:
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 language suffix
        if pending and charset.lower() != (pending_charset or "").lower():
            flush()
        pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3)))
        pos = match.end()
    flush()
    out.append(text[pos:])
    return "".join(out)


# --- uuencode ------------------------------------------------------------------------------------

UU_BLOCK = re.compile(r"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t\r]*$\n?", re.M | re.S)


def uudecode_lines(lines: str) -> bytes:
    """The bytes of a uuencoded block's lines (between ``begin`` and ``end``)."""
    out = bytearray()
    for text in lines.splitlines():
        line = text.encode("ascii", "ignore")  # a mangled line may hold anything
        if not line.strip() or line.strip() == b"`":
            continue
        try:
            out += binascii.a2b_uu(line)
        except (binascii.Error, ValueError):
            # Some encoders pad lines short: the first character says how many bytes follow.
            count = ((line[0] - 32) & 63) * 4 + 5
            try:
                out += binascii.a2b_uu(line[: count // 3])
            except (binascii.Error, ValueError):
                continue
    return bytes(out)


def uudecode_payload(payload: bytes) -> tuple[str, bytes] | None:
    """(name, bytes) of the first ``begin … end`` block in a part, if any."""
    found = UU_BLOCK.search(payload.decode("latin-1"))
    if found is None:
        return None
    return found.group(1).strip(), uudecode_lines(found.group(2))


def uu_extract(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Uuencoded files written into a text body (``begin 644 name`` … ``end``): the text without
    them and the files."""
    files: list[tuple[str, bytes]] = []

    def take(match: re.Match[str]) -> str:
        data = uudecode_lines(match.group(2))
        if not data:
            return match.group(0)
        files.append((match.group(1).strip(), data))
        return ""

    return UU_BLOCK.sub(take, text), files


# --- TNEF (winmail.dat) --------------------------------------------------------------------------


@dataclass
class TnefContent:
    text: str
    files: list[tuple[str, bytes]]


def _tnef_name(attachment: object, codepage: str) -> str:
    """The MAPI long file name if there is one, else the title in the TNEF's code page (the
    library would read it as UTF-8, which GBK bytes sometimes pass as garbage)."""
    from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME

    for attr in getattr(attachment, "mapi_attrs", []):
        if attr.name == MAPI_ATTACH_LONG_FILENAME:
            value = attr.data
            text = decode_bytes(value, codepage) if isinstance(value, bytes) else str(value)
            return text.strip("\x00")
    raw = getattr(attachment, "_name", b"")
    if isinstance(raw, bytes):
        return decode_bytes(raw, codepage).strip("\x00")
    return str(raw).strip("\x00")


def tnef_extract(data: bytes) -> TnefContent | None:
    """The files and plain text inside an Outlook ``winmail.dat`` (None if it cannot be read)."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception:  # a third-party parser of untrusted bytes: any failure means unreadable
        return None
    codepage = str(getattr(tnef, "codepage", None) or "cp1252")
    body = tnef.body
    text = decode_bytes(body, codepage) if isinstance(body, bytes) else str(body or "")
    files = []
    for attachment in tnef.attachments:
        payload = getattr(attachment, "data", b"")
        if isinstance(payload, bytes) and payload:
            files.append((_tnef_name(attachment, codepage) or "attachment", payload))
    text = text.strip("\x00").strip()
    if not text and not files:  # e.g. only a compressed RTF body: nothing we can show
        return None
    return TnefContent(text=text, files=files)


# --- PGP armour ----------------------------------------------------------------------------------

PGP_SIGNED = re.compile(
    r"-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:[A-Za-z-]+: [^\r\n]*\r?\n)*\r?\n"
    r"(.*?)\r?\n-----BEGIN PGP SIGNATURE-----.*?-----END PGP SIGNATURE-----[ \t]*",
    re.S,
)


def pgp_unarmour(text: str) -> str:
    """Inline PGP-signed text without the armour and the signature (dash-escaping undone)."""

    def body(match: re.Match[str]) -> str:
        return re.sub(r"^- ", "", match.group(1), flags=re.M)

    return PGP_SIGNED.sub(body, text)


# --- S/MIME opaque-signed (smime.p7m with signed data) ------------------------------------------

SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # the OID 1.2.840.113549.1.7.2


def _ber_item(data: bytes, pos: int) -> tuple[int, int, int, int]:
    """(tag, start of content, end of content, end of item) of the BER item at ``pos``; an
    indefinite length ends at the 00 00 after its last child."""
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # a high tag number continues while the top bit is set
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    first = data[pos]
    pos += 1
    if first == 0x80:
        child = pos
        while data[child : child + 2] != b"\x00\x00":
            child = _ber_item(data, child)[3]
            if child >= len(data):
                raise ValueError("unterminated BER item")
        return tag, pos, child, child + 2
    if first & 0x80:
        count = first & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    if pos + length > len(data):
        raise ValueError("BER item longer than its data")
    return tag, pos, pos + length, pos + length


def _ber_children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items = []
    pos = start
    while pos < end and data[pos : pos + 2] != b"\x00\x00":
        tag, begin, stop, pos = _ber_item(data, pos)
        items.append((tag, begin, stop))
    return items


def _octets(data: bytes, tag: int, start: int, end: int) -> bytes:
    """An OCTET STRING's bytes, joining the chunks of a constructed (BER) one."""
    if tag == 0x04:
        return data[start:end]
    return b"".join(_octets(data, t, s, e) for t, s, e in _ber_children(data, start, end))


def pkcs7_signed_content(data: bytes) -> bytes | None:
    """The signed MIME entity inside an opaque-signed S/MIME message (None when the blob is
    encrypted or not PKCS #7). The signature is not checked: the desk only needs the text."""
    try:
        _tag, start, end, _next = _ber_item(data, 0)
        content_type, explicit = _ber_children(data, start, end)[:2]
        if data[content_type[1] : content_type[2]] != SIGNED_DATA:
            return None
        signed = _ber_children(data, explicit[1], explicit[2])[0]
        encapsulated = _ber_children(data, signed[1], signed[2])[2]
        wrapper = _ber_children(data, encapsulated[1], encapsulated[2])[1]
        tag, begin, stop = _ber_children(data, wrapper[1], wrapper[2])[0]
        return _octets(data, tag, begin, stop)
    except (IndexError, ValueError):
        return None

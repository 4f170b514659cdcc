"""Turn a raw RFC 822 message into what intake needs: addresses, threading headers, text, files.

Parsing never raises for odd mail. The message is read with the lenient compat32 parser (header
access cannot fail there, unlike ``policy.default``, whose header parser raises ``IndexError`` on
some malformed Message-IDs and addresses) and every header is decoded here on its own: RFC 2047
words, raw 8-bit values, address lists whose display names hold commas. A header that cannot be
read degrades to its raw text or to nothing; the message goes on. Charsets go through the
fallback chain of ``decode``: every GB label is read as GB18030, Big5 as Big5-HKSCS.

Beyond text and attachments, the body gives up what clients hide in it: uuencoded files (as a
part's transfer encoding or ``begin 644`` blocks in the text), the files inside an Outlook
``winmail.dat``, the text of a signed message (signatures dropped), a forwarded message (kept as
an .eml file and its text shown). A body above ``BODY_MAX`` characters is cut with a note and the
full text attached. HTML-only mail gets a plain-text version; quoted history and signatures are
trimmed for display (``trim_reply``) while intake keeps the raw message.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from gongdan.channels.email.decode import (
    decode_bytes,
    decode_words,
    pgp_unarmour,
    pkcs7_signed_content,
    raw_header_text,
    tnef_extract,
    uu_extract,
    uudecode_payload,
)

BODY_MAX = 40_000  # characters kept in the ticket text (the service allows 50,000 with notes)
MAX_DEPTH = 3  # forwarded messages opened inside forwarded messages
UU_ENCODINGS = {"x-uuencode", "uuencode", "uue", "x-uue"}
SIGNATURES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}
PKCS7 = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?reply|auto(matic)? response|autoreply|out of (the )?office|"
    r"自动回复|自動回覆|自动答复|休假|外出|delivery status notification|undeliver|"
    r"mail delivery failed|returned mail|退信|投递失败)",
    re.IGNORECASE,
)
REPLY_MARKERS = [
    re.compile(r"^On .{3,200} wrote:\s*$"),
    re.compile(r"^在 .{3,200}写道[:：]\s*$"),
    re.compile(r"^.{0,40}于.{3,100}写道[:：]\s*$"),
    re.compile(
        r"^-{2,}\s*(Original Message|原始邮件|原始郵件|Forwarded message|转发的邮件)\s*-{2,}\s*$",
        re.I,
    ),
    re.compile(r"^_{20,}\s*$"),  # Outlook's rule above the quoted header block
    re.compile(r"^(From|发件人|寄件者)\s*[:：]\s*.+$"),
]
SIGNATURE = re.compile(r"^(-- |—— |Sent from my \w+|发自我的\w+|从我的\w+发送)\s*$")


@dataclass
class MailFile:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    sender_name: str
    sender: str
    to: list[str]
    cc: list[str]
    text: str
    files: list[MailFile] = field(default_factory=list)
    auto_reason: str = ""  # why this looks like an automatic message ("" = a person wrote it)
    notes: list[str] = field(default_factory=list)  # problems worth telling the agent (translated)

    @property
    def key(self) -> str:
        return self.message_id


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


class _TextFromHtml(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "title"}:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"}:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """A readable plain-text version of an HTML mail body (scripts and styles dropped)."""
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trim_reply(text: str) -> str:
    """The new part of a reply: quoted history and the signature cut off (never to nothing)."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if any(marker.match(stripped) for marker in REPLY_MARKERS) and "".join(kept).strip():
            break
        if SIGNATURE.match(line) and "".join(kept).strip():
            break
        kept.append(line)
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _safe[**P, T](read: Callable[P, T], default: T, *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(...)``, or ``default`` when the header or part it reads is malformed beyond use."""
    try:
        return read(*args, **kwargs)
    except Exception:  # one unreadable header or part must not fail the whole message
        return default


def _raw_all(msg: Message, name: str) -> list[str]:
    """Every value of header ``name`` as received (unfolded, 8-bit bytes decoded as text)."""
    wanted = name.lower()
    values = []
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            text = raw_header_text(re.sub(r"\r?\n[ \t]", " ", str(value)))
            values.append(text.replace("\x00", "").strip())  # PostgreSQL text holds no NUL
    return values


def _raw(msg: Message, name: str) -> str:
    values = _raw_all(msg, name)
    return values[0] if values else ""


def header_text(msg: Message, name: str) -> str:
    """A header as readable text: encoded words decoded, white space collapsed, no NULs."""
    raw = _raw(msg, name)
    value = _safe(decode_words, raw, raw)
    return " ".join(value.replace("\x00", "").split())


ANGLE = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
BARE = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+\.[^\s<>\"',;:()\[\]]+")


def _one_address(text: str) -> tuple[str, str]:
    """(display name, address) of a single-address header such as From.

    The display name is whatever stands before ``<…>``, so a name with a comma (Exchange's
    default "Müller, Bernd", raw or RFC 2047-encoded) keeps both halves and its address."""
    angled = ANGLE.findall(text)
    if len(angled) == 1:
        name = text[: text.index("<")].strip().strip("\"'").strip()
        return _safe(decode_words, name, name).strip().strip("\"'"), angled[0]
    pairs = _address_list([text])
    if not pairs:
        return "", ""
    name, addr = pairs[0]
    rest = text.replace(addr, " ").strip(" \t\"'()<>")
    if not name and len(pairs) == 1 and rest and "@" not in rest:  # "Name addr@x" without <>
        name = _safe(decode_words, rest, rest).strip()
    return name, addr


def _address_list(values: list[str]) -> list[tuple[str, str]]:
    """(name, address) pairs from address headers; names decoded after the list is split."""
    pairs: list[tuple[str, str]] = []
    for text in values:
        found = [
            (name, addr.strip())
            for name, addr in _safe(getaddresses, [("", "")], [text])
            if "@" in addr and not re.search(r"[\s<>]", addr.strip())
        ]
        if not found:  # getaddresses gave up: take what looks like addresses
            found = [("", addr) for addr in ANGLE.findall(text) or BARE.findall(text)]
        for name, addr in found:
            pairs.append((_safe(decode_words, name, name).strip(), addr))
    return pairs


def _auto_reason(msg: Message, subject: str, sender: str) -> str:
    auto = _raw(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return "auto_submitted"
    if _raw(msg, "Precedence").lower() in {"bulk", "junk", "list", "auto_reply"}:
        return "precedence"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = _raw(msg, header).lower()
        if value and (header != "X-Auto-Response-Suppress" or "all" in value):
            return "autoreply_header"
    if _content_type(msg) == "multipart/report" or _raw(msg, "X-Failed-Recipients"):
        return "delivery_report"
    local = sender.split("@", 1)[0].lower()
    if local in {"mailer-daemon", "postmaster"}:
        return "delivery_report"
    if AUTO_SUBJECT.match(subject):
        return "autoreply_subject"
    return ""


def _content_type(part: Message) -> str:
    return _safe(part.get_content_type, "text/plain")


def _param(part: Message, header: str, param: str) -> str | tuple[str, str, str] | None:
    """A parameter of a header read from its raw text (8-bit bytes already decoded), so a raw
    GBK file name survives; compat32 would turn it into replacement characters."""
    text = _raw(part, header)
    if not text:
        return None
    probe = Message()
    probe[header] = text
    return probe.get_param(param, None, header)  # type: ignore[return-value]


def _rfc2231(charset: str | None, text: str) -> str:
    try:
        data = text.encode("latin-1")  # compat32 unquotes %XX into one character per byte
    except UnicodeEncodeError:
        return text
    return decode_bytes(data, charset or "utf-8")


def _filename(part: Message) -> str:
    """The part's file name: RFC 2231 (with its charset), RFC 2047 words (inside quotes, as
    Chinese clients write them) or raw 8-bit; Content-Disposition first, then Content-Type."""
    for param, header in (("filename", "Content-Disposition"), ("name", "Content-Type")):
        value = _safe(_param, None, part, header, param)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, text)
            charset, _lang, text = value
            return _rfc2231(charset, str(text)).strip()
        if value:
            text = str(value).strip().strip('"')
            return _safe(decode_words, text, text).strip()
    return ""


def _leaves(part: Message, notes: list[str]) -> list[Message]:
    """The leaf parts, in order; an attached message (message/rfc822) is one leaf, not opened;
    an encrypted container is not opened either (a note says so)."""
    ctype = _content_type(part)
    if ctype == "multipart/encrypted":
        notes.append(_("This message is encrypted and could not be read; it is kept as received."))
        return []
    if ctype.startswith("message/") or not part.is_multipart():
        return [part]
    leaves: list[Message] = []
    for child in _children(part):
        leaves += _leaves(child, notes)
    return leaves


def _payload(part: Message) -> bytes:
    data = _safe(_decoded_payload, None, part)
    if isinstance(data, bytes):
        return data
    return _safe(_raw_payload, b"", part)


def _message_bytes(inner: Message) -> bytes:
    """The forwarded message as bytes (nothing for an empty one)."""

    def render() -> bytes:
        return bytes(inner.as_bytes())

    def as_text() -> bytes:
        return inner.as_string().encode("utf-8", "surrogateescape")

    data = _safe(render, b"") or _safe(as_text, b"")
    return data if data.strip() else b""


@dataclass
class _Body:
    plain: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    forwards: list[str] = field(default_factory=list)
    tnef_text: str = ""

    def text(self) -> str:
        if self.plain:
            text = "\n\n".join(t.strip() for t in self.plain).strip()
        elif self.markup:
            text = html_to_text("\n".join(self.markup))
        else:
            text = self.tnef_text
        return "\n\n".join(t for t in [text, *self.forwards] if t)


def _add_file(
    parsed: ParsedMail, name: str, ctype: str, data: bytes, part: Message | None = None
) -> None:
    if not data:
        return
    content_id = _raw(part, "Content-ID").strip("<> ") if part is not None else ""
    inline = part is not None and _safe(part.get_content_disposition, None) == "inline"
    parsed.files.append(
        MailFile(
            name=name or f"part-{len(parsed.files) + 1}",
            content_type=ctype,
            data=data,
            content_id=content_id,
            inline=inline,
        )
    )


def _forward(part: Message, name: str, parsed: ParsedMail, body: _Body, depth: int) -> None:
    """A forwarded message: kept whole as an .eml file, its sender, subject and text shown."""
    inner = next(iter(_children(part)), None)
    if inner is None:
        _add_file(parsed, name or "forwarded-message.eml", "message/rfc822", _payload(part), part)
        return
    subject = header_text(inner, "Subject")
    _add_file(
        parsed,
        name or (f"{subject[:80]}.eml" if subject else "forwarded-message.eml"),
        "message/rfc822",
        _message_bytes(inner),
        part,
    )
    if depth >= MAX_DEPTH:
        return
    inner_body = _Body()
    ignored = ParsedMail("", [], [], "", "", "", [], [], "")
    _collect(inner, ignored, inner_body, depth + 1)
    label = _("Forwarded message")
    head = f"---------- {label} ----------"
    lines = [head, f"From: {header_text(inner, 'From')}", f"Subject: {subject}", ""]
    body.forwards.append("\n".join(lines) + "\n" + inner_body.text())


def _opaque(part: Message, parsed: ParsedMail, body: _Body, depth: int) -> None:
    """S/MIME in one blob: signed data is opened (its MIME entity parsed like the message's own
    body); encrypted data cannot be read, and a note says so."""
    content = pkcs7_signed_content(_payload(part)) if depth < MAX_DEPTH else None
    if content is None:
        parsed.notes.append(
            _("This message is encrypted and could not be read; it is kept as received.")
        )
        return
    _collect(message_from_bytes(content), parsed, body, depth + 1)


def _tnef(data: bytes, parsed: ParsedMail, body: _Body) -> None:
    content = tnef_extract(data)
    if content is None:
        parsed.notes.append(_("An Outlook winmail.dat attachment could not be opened."))
        return
    body.tnef_text = body.tnef_text or content.text
    for name, payload in content.files:
        _add_file(parsed, name, "application/octet-stream", payload)


def _leaf(part: Message, parsed: ParsedMail, body: _Body, depth: int) -> None:
    ctype = _content_type(part)
    name = _filename(part)
    cte = _raw(part, "Content-Transfer-Encoding").lower()
    if ctype in SIGNATURES or ctype == "message/delivery-status":
        return  # a signature proves nothing to the desk; the raw message keeps it
    if ctype in PKCS7:
        _opaque(part, parsed, body, depth)
        return
    if ctype.startswith("message/"):
        _forward(part, name, parsed, body, depth)
        return
    if ctype == "application/ms-tnef" or name.lower() == "winmail.dat":
        _tnef(_payload(part), parsed, body)
        return
    if cte in UU_ENCODINGS:
        decoded = uudecode_payload(_safe(_raw_payload, b"", part))
        if decoded is not None:
            uu_name, data = decoded
            _add_file(parsed, name or uu_name, ctype, data, part)
            return
    disposition = _safe(part.get_content_disposition, None)
    if name or disposition == "attachment" or not ctype.startswith("text/"):
        _add_file(parsed, name, ctype, _payload(part), part)
        return
    text = decode_bytes(_payload(part), _safe(part.get_content_charset, None))
    (body.markup if ctype == "text/html" else body.plain).append(text)


def _raw_payload(part: Message) -> bytes:
    """The part's body as it stands in the message (8-bit bytes back as they were)."""
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _decoded_payload(part: Message) -> object:
    return part.get_payload(decode=True)


def _children(part: Message) -> list[Message]:
    """The sub-parts of a multipart or message/* part (none for a leaf)."""
    payload = _safe(part.get_payload, None)
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _collect(msg: Message, parsed: ParsedMail, body: _Body, depth: int = 0) -> None:
    for part in _leaves(msg, parsed.notes):
        _leaf(part, parsed, body, depth)


def _finish_text(text: str, parsed: ParsedMail) -> str:
    """Uuencoded files out of the text, PGP armour off, NULs out, and a cut at ``BODY_MAX``."""
    text = pgp_unarmour(text.replace("\r\n", "\n").replace("\x00", ""))
    text, files = uu_extract(text)
    for name, data in files:
        _add_file(parsed, name, "application/octet-stream", data)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) > BODY_MAX:
        full = "message-full-text.txt"
        _add_file(parsed, full, "text/plain", text.encode("utf-8"))
        parsed.notes.append(
            _("The text was cut at %(n)d characters; the full text is attached as %(file)s.")
            % {"n": BODY_MAX, "file": full}
        )
        text = text[:BODY_MAX]
    return text


def _addresses(msg: Message) -> tuple[str, str]:
    """(name, address) of the sender: From, else Sender, else Reply-To."""
    for header in ("From", "Sender", "Reply-To"):
        for value in _raw_all(msg, header):
            name, addr = _safe(_one_address, ("", ""), value)
            if "@" in addr:
                return " ".join(name.replace("\x00", "").split()), addr.strip().lower()
    return "", ""


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw``; never raises for odd mail (a missing Message-ID gets a content hash)."""
    # A file saved on Windows (exports of Alibaba Mail, Foxmail) may start with a BOM or blank
    # lines, which would turn every header into body; an mbox "From " line is read as such.
    start = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    msg = message_from_bytes(start.lstrip(b"\r\n\t "))  # compat32: header access never raises
    subject = header_text(msg, "Subject")
    sender_name, sender = _addresses(msg)
    message_ids = _ids(_raw(msg, "Message-ID"))
    key = message_ids[0] if message_ids else "sha256:" + hashlib.sha256(raw).hexdigest()
    parsed = ParsedMail(
        message_id=key[:255],
        in_reply_to=_ids(_raw(msg, "In-Reply-To")),
        references=_ids(" ".join(_raw_all(msg, "References"))),
        subject=subject[:500],
        sender_name=sender_name[:100],
        sender=sender[:254],
        to=[a.lower() for _n, a in _address_list(_raw_all(msg, "To"))],
        cc=[a.lower() for _n, a in _address_list(_raw_all(msg, "Cc"))],
        text="",
    )
    parsed.auto_reason = _auto_reason(msg, subject, parsed.sender)
    body = _Body()
    _collect(msg, parsed, body)
    parsed.text = _finish_text(body.text(), parsed)
    return parsed

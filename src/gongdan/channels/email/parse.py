"""Turn a raw RFC 822 message into what intake needs: addresses, threading headers, text, files.

Chinese mail arrives in GB2312, GBK, GB18030 or Big5 as often as in UTF-8, and GB2312 labels
often hide GBK characters: every GB label is decoded as GB18030 (a superset), Big5 as Big5-HKSCS.
HTML-only mail gets a plain-text version; quoted history and signatures are trimmed for display
(``trim_reply``) while intake keeps the raw message.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "euc-kr",
}
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
        r"^-{2,}\s*(Original Message|原始邮件|原始郵件|Forwarded message)\s*-{2,}\s*$", re.I
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
    notes: list[str] = field(default_factory=list)  # problems worth telling the agent

    @property
    def key(self) -> str:
        return self.message_id


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _decode(data: bytes, charset: str | None) -> str:
    name = (charset or "utf-8").strip().lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        return data.decode(name, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


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


def _header(headers: object, name: str) -> str:
    """A header decoded with the GB/Big5 aliases (RFC 2047 words, or raw 8-bit as UTF-8/GB)."""
    value = headers.get(name)  # type: ignore[attr-defined]
    if value is None:
        return ""
    parts = []
    for chunk, charset in decode_header(str(value)):
        if isinstance(chunk, bytes):
            if charset is None:
                try:
                    parts.append(chunk.decode("utf-8"))
                except UnicodeDecodeError:
                    parts.append(chunk.decode("gb18030", errors="replace"))
            else:
                parts.append(_decode(chunk, charset))
        else:
            parts.append(chunk)
    return "".join(parts)


def _auto_reason(msg: EmailMessage, subject: str, sender: str) -> str:
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto_submitted"
    if str(msg.get("Precedence", "")).strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return "precedence"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = str(msg.get(header, "")).strip().lower()
        if value and (header != "X-Auto-Response-Suppress" or "all" in value):
            return "autoreply_header"
    if msg.get_content_type() == "multipart/report" or msg.get("X-Failed-Recipients"):
        return "delivery_report"
    local = sender.split("@", 1)[0].lower()
    if local in {"mailer-daemon", "postmaster"}:
        return "delivery_report"
    if AUTO_SUBJECT.match(subject):
        return "autoreply_subject"
    return ""


def _leaves(part: EmailMessage) -> list[EmailMessage]:
    """The leaf parts, in order; an attached message (message/rfc822) is one leaf, not opened."""
    if part.get_content_type().startswith("message/") or not part.is_multipart():
        return [part]
    leaves: list[EmailMessage] = []
    for child in part.iter_parts():
        leaves += _leaves(child)  # type: ignore[arg-type]
    return leaves


def _payload(part: EmailMessage) -> bytes:
    if part.get_content_type().startswith("message/"):
        inner = part.get_payload()
        if isinstance(inner, list) and inner and not isinstance(inner[0], str):
            return bytes(inner[0].as_bytes())
        return str(inner or "").encode()
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _body_and_files(msg: EmailMessage, parsed: ParsedMail) -> None:
    plain: list[str] = []
    markup: list[str] = []
    for part in _leaves(msg):
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        payload = _payload(part)
        if ctype == "application/ms-tnef" or (filename or "").lower() == "winmail.dat":
            parsed.notes.append("winmail.dat")
            continue
        if filename or disposition == "attachment" or not ctype.startswith("text/"):
            if ctype == "message/delivery-status":
                continue
            if ctype.startswith("message/") and not filename:
                filename = "message.eml"
            if not payload:
                continue
            parsed.files.append(
                MailFile(
                    name=filename or f"part-{len(parsed.files) + 1}",
                    content_type=ctype,
                    data=payload,
                    content_id=str(part.get("Content-ID", "")).strip("<> "),
                    inline=disposition == "inline",
                )
            )
            continue
        text = _decode(payload, part.get_content_charset())
        if ctype == "text/html":
            markup.append(text)
        else:
            plain.append(text)
    if plain:
        parsed.text = "\n\n".join(t.strip() for t in plain).strip()
    elif markup:
        parsed.text = html_to_text("\n".join(markup))


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw``; never raises for odd mail (a missing Message-ID gets a content hash)."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    headers = BytesHeaderParser().parsebytes(raw)  # compat32: raw words, decoded by _header
    subject = " ".join(_header(headers, "Subject").split())
    from_name, from_addr = parseaddr(_header(headers, "From"))
    name, sender = parseaddr(_header(headers, "Reply-To") or _header(headers, "From"))
    message_ids = _ids(str(msg.get("Message-ID", "")))
    key = message_ids[0] if message_ids else "sha256:" + hashlib.sha256(raw).hexdigest()
    parsed = ParsedMail(
        message_id=key[:255],
        in_reply_to=_ids(str(msg.get("In-Reply-To", ""))),
        references=_ids(str(msg.get("References", ""))),
        subject=subject[:500],
        sender_name=from_name or name,
        sender=(from_addr or sender).strip().lower(),
        to=[a.lower() for _n, a in getaddresses([str(v) for v in msg.get_all("To", [])]) if a],
        cc=[a.lower() for _n, a in getaddresses([str(v) for v in msg.get_all("Cc", [])]) if a],
        text="",
    )
    parsed.auto_reason = _auto_reason(msg, subject, parsed.sender)
    _body_and_files(msg, parsed)
    return parsed

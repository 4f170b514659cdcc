# ruff: noqa: E501 - a data file: one message per call, long header lines as mail has them
"""Write the mail corpus: tests/channels/email/mail/*.eml and its manifest.json.

    PYTHONPATH=src python -m tests.channels.email.make_corpus

Every message is written here (none is copied from another project): the shapes that Outlook and
Exchange, Foxmail, QQ Mail, NetEase (163/126), Alibaba Mail and others send, in the charsets
Chinese, Japanese and Western mail uses, with uuencode, TNEF, S/MIME and PGP, forwards, folded
and malformed headers, missing senders and huge bodies. The first messages come from
``corpus.cases()`` (the corpus the tests started with). ``manifest.json`` says for each file what
intake must make of it; ``test_corpus.py`` checks every file against it and that the committed
files are what this script writes.
"""

from __future__ import annotations

import base64
import binascii
import json
import quopri
import struct
from dataclasses import asdict, dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from tests.channels.email.corpus import MAILBOX, PDF, cases

HERE = Path(__file__).parent / "mail"


@dataclass
class Expect:
    """What intake must make of one message (every field is compared exactly)."""

    file: str
    outcome: str  # ticket | reply | ignored | quarantined
    reason: str = ""
    subject: str = ""  # the ticket's title (ticket), else the stored message's subject
    sender: str = ""  # the requester's address (ticket/reply), else the stored sender
    sender_name: str | None = None  # the new contact's name (None: not checked)
    files: list[str] = field(default_factory=list)  # attachment names of the ticket or reply
    body: list[str] = field(default_factory=list)  # substrings of the description or reply
    not_in_body: list[str] = field(default_factory=list)
    after: str = ""  # a file received first (the ticket this message replies to)
    imap: bool = False  # also fetched from a real IMAP server in the sample test


MESSAGES: list[tuple[Expect, bytes]] = []


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def add(expect: Expect, raw: bytes) -> None:
    MESSAGES.append((expect, raw))


def b64(data: bytes | str, charset: str = "utf-8") -> str:
    raw = data.encode(charset) if isinstance(data, str) else data
    return base64.encodebytes(raw).decode("ascii")


def bword(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def qword(text: str, charset: str = "utf-8") -> str:
    data = quopri.encodestring(text.encode(charset), header=True).decode("ascii")
    return f"=?{charset}?Q?{data.replace('=\n', '')}?="


def uu(name: str, data: bytes) -> str:
    lines = [f"begin 644 {name}"]
    lines += [
        binascii.b2a_uu(data[i : i + 45]).decode().rstrip("\n") for i in range(0, len(data), 45)
    ]
    return "\n".join([*lines, "`", "end"])


def tnef(body: str, files: list[tuple[str, bytes]], codepage: int = 936) -> bytes:
    """An Outlook winmail.dat: TNEF version, OEM code page, body text and attachments."""
    charset = f"cp{codepage}"

    def attr(level: int, name: int, kind: int, data: bytes) -> bytes:
        head = struct.pack("<BHHI", level, name, kind, len(data))
        return head + data + struct.pack("<H", sum(data) & 0xFFFF)

    out = struct.pack("<IH", 0x223E9F78, 1)
    out += attr(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    out += attr(1, 0x9007, 0x0006, struct.pack("<II", codepage, 0))
    if body:
        out += attr(1, 0x800C, 0x0002, body.encode(charset))
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, b"\x01\x00" + b"\xff" * 4 + b"\x00" * 8)
        out += attr(2, 0x8010, 0x0001, name.encode(charset) + b"\x00")
        out += attr(2, 0x800F, 0x0006, data)
    return out


def der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 128:
        return bytes([tag, size]) + content
    count = (size.bit_length() + 7) // 8
    return bytes([tag, 0x80 | count]) + size.to_bytes(count, "big") + content


def ber(tag: int, content: bytes) -> bytes:
    """Indefinite length, as some S/MIME encoders stream it."""
    return bytes([tag, 0x80]) + content + b"\x00\x00"


def pkcs7_signed(entity: bytes, *, streamed: bool = False) -> bytes:
    """An opaque-signed S/MIME blob (ContentInfo → SignedData → the entity); no real signer."""
    wrap = ber if streamed else der
    octets = (
        wrap(0x24, der(0x04, entity[:40]) + der(0x04, entity[40:]))
        if streamed
        else der(0x04, entity)
    )
    encapsulated = wrap(0x30, der(0x06, bytes.fromhex("2a864886f70d010701")) + wrap(0xA0, octets))
    algorithms = der(0x31, der(0x30, der(0x06, bytes.fromhex("608648016503040201"))))
    signed = wrap(0x30, der(0x02, b"\x01") + algorithms + encapsulated + der(0x31, b""))
    return wrap(0x30, der(0x06, bytes.fromhex("2a864886f70d010702")) + wrap(0xA0, signed))


XLSX = b"PK\x03\x04" + b"\x14\x00" * 20 + b"xl/workbook.xml" + b"\x00" * 30
DOCX = b"PK\x03\x04" + b"\x0a\x00" * 20 + b"word/document.xml" + b"\x00" * 30
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 40 + b"\xff\xd9"
P7S = base64.b64decode(
    "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCA" + "A" * 40
)
ASC = (
    "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE"
    + "A" * 60
    + "\n=abcd\n-----END PGP SIGNATURE-----\n"
)

TO = f"To: {MAILBOX}\n"
MIME = "MIME-Version: 1.0\n"


def head(slug: str, sender: str, subject: str, extra: str = "", mid: str | None = None) -> str:
    """The usual header block; the Message-ID is made from the slug unless given."""
    n = sum(slug.encode())
    message_id = (
        f"Message-ID: {mid}\n" if mid is not None else f"Message-ID: <{slug}@corpus.example.cn>\n"
    )
    if mid == "":
        message_id = ""
    return (
        f"From: {sender}\n{TO}Subject: {subject}\n"
        f"Date: Tue, 24 Nov 2026 {8 + n % 10:02d}:{n % 60:02d}:00 +0800\n{message_id}{extra}"
    )


def mk(slug: str, raw: str | bytes, outcome: str = "ticket", **kw: object) -> None:
    """One message: ``raw`` as text (written with CRLF, UTF-8 for any 8-bit) or exact bytes."""
    n = len(MESSAGES) + 1
    data = raw if isinstance(raw, bytes) else crlf(raw)
    add(Expect(file=f"{n:03d}-{slug}.eml", outcome=outcome, **kw), data)  # type: ignore[arg-type]


def plain(text: str, charset: str = "utf-8", cte: str = "base64") -> str:
    body = (
        b64(text, charset)
        if cte == "base64"
        else quopri.encodestring(text.encode(charset)).decode()
    )
    return (
        f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: {cte}\n\n{body}'
    )


def htmlpart(markup: str, charset: str = "utf-8") -> str:
    return f'Content-Type: text/html; charset="{charset}"\nContent-Transfer-Encoding: base64\n\n{b64(markup, charset)}'


def attach(name_header: str, data: bytes, ctype: str, disposition: str = "attachment") -> str:
    return (
        f"Content-Type: {ctype}; name={name_header}\n"
        f"Content-Disposition: {disposition}; filename={name_header}\n"
        f"Content-Transfer-Encoding: base64\n\n{b64(data)}"
    )


def multi(kind: str, boundary: str, parts: list[str], preamble: str = "") -> str:
    body = "".join(f"--{boundary}\n{p}\n" for p in parts) + f"--{boundary}--\n"
    return f'Content-Type: multipart/{kind}; boundary="{boundary}"\n\n{preamble}{body}'


def alt(text: str, markup: str, charset: str = "utf-8", boundary: str = "alt") -> str:
    return multi("alternative", boundary, [plain(text, charset), htmlpart(markup, charset)])


def first_corpus() -> None:
    """The corpus the tests started with, its expectations read with the standard library's
    strict parser where the mail is well-formed (an independent oracle), else written here."""
    overrides = {
        "gb2312_label_gbk_chars": {"subject": "密码重置：喆"},
        "empty_subject": {"subject": "(no subject)"},
        "gbk_foxmail": {},
    }
    for case in cases():
        oracle = message_from_bytes(case.raw, policy=policy.default)
        assert isinstance(oracle, EmailMessage)
        status, _sep, reason = case.expect.partition(":")
        subject = " ".join(str(oracle["Subject"] or "").split())
        addresses = oracle["From"].addresses if oracle["From"] else ()
        reply_to = oracle["Reply-To"].addresses if oracle["Reply-To"] else ()
        person = addresses[0] if addresses else (reply_to[0] if reply_to else None)
        sender = person.addr_spec.lower() if person and "@" in person.addr_spec else ""
        name = person.display_name if person else ""
        if case.name == "no_sender":
            status, reason = "quarantined", "no_sender"  # a person's mail is never dropped
        expect = Expect(
            file=f"{len(MESSAGES) + 1:03d}-{case.name}.eml",
            outcome=status,
            reason=reason,
            subject=(subject[:200] if status == "ticket" else subject[:500]),
            sender=sender,
            sender_name=(name or sender.split("@")[0]) if status == "ticket" else None,
            files=sorted(case.files),
            body=[case.body] if case.body else [],
            not_in_body=[case.not_in_body] if case.not_in_body else [],
            imap=case.name in {"utf8_plain", "gbk_foxmail", "big5", "attachment_chinese_name"},
        )
        for key, value in overrides.get(case.name, {}).items():
            setattr(expect, key, value)
        add(expect, case.raw)


def outlook_exchange() -> None:
    ol = "X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnTcbUvPZHq7R0kT5a8q2Xc1w==\nX-MS-Has-Attach: \nX-MS-TNEF-Correlator: \n"
    ex = "X-MS-Exchange-Organization-AuthAs: Internal\nX-MS-Exchange-Organization-SCL: -1\nContent-Language: de-DE\n"
    mk(
        "exchange-rfc2047-comma-name",
        head(
            "exchange-rfc2047-comma-name",
            "=?utf-8?q?M=C3=BCller=2C_Bernd?= <b.mueller@example.de>",
            "Drucker im 2. OG defekt",
            ol + ex,
        )
        + MIME
        + plain(
            "Hallo,\n\nder Drucker im 2. OG druckt nicht mehr.\n\nGruß\nBernd",
            "utf-8",
            "quoted-printable",
        ),
        subject="Drucker im 2. OG defekt",
        sender="b.mueller@example.de",
        sender_name="Müller, Bernd",
        body=["druckt nicht mehr"],
        imap=True,
    )
    mk(
        "exchange-quoted-comma-name-8bit",
        head(
            "exchange-quoted-comma-name-8bit",
            '"Müller, Bernd" <bernd.mueller@example.de>',
            "VPN-Zugang gesperrt",
            ol,
        )
        + MIME
        + plain("Mein VPN-Zugang ist seit heute gesperrt.", "utf-8", "8bit").replace(
            "Content-Transfer-Encoding: 8bit\n\n" + b64("Mein VPN-Zugang ist seit heute gesperrt."),
            "Content-Transfer-Encoding: 8bit\n\nMein VPN-Zugang ist seit heute gesperrt.\n",
        ),
        subject="VPN-Zugang gesperrt",
        sender="bernd.mueller@example.de",
        sender_name="Müller, Bernd",
        body=["seit heute gesperrt"],
    )
    mk(
        "exchange-gbk-comma-name",
        head(
            "exchange-gbk-comma-name",
            f"{bword('王, 小明', 'gb2312')} <wang.xm@huaxin.example.cn>",
            bword("邮箱容量已满", "gb2312"),
            ol,
        )
        + MIME
        + plain("邮箱提示容量已满，无法收信。", "gbk"),
        subject="邮箱容量已满",
        sender="wang.xm@huaxin.example.cn",
        sender_name="王, 小明",
        body=["无法收信"],
    )
    mk(
        "exchange-unquoted-comma-name",
        head(
            "exchange-unquoted-comma-name",
            "Schmidt, Anna <anna.schmidt@example.de>",
            "Kennwort abgelaufen",
            ol,
        )
        + MIME
        + plain("Mein Kennwort ist abgelaufen."),
        subject="Kennwort abgelaufen",
        sender="anna.schmidt@example.de",
        sender_name="Schmidt, Anna",
        body=["abgelaufen"],
    )
    mk(
        "outlook-malformed-message-id-brackets",
        head(
            "outlook-malformed-message-id-brackets",
            "Tom Baker <tom.baker@globex.example.com>",
            "Laptop will not boot",
            ol,
            mid="<[4f2a9c]@DB9PR04MB8107.eurprd04.prod.outlook.com>",
        )
        + MIME
        + plain("My laptop shows a black screen after the update."),
        subject="Laptop will not boot",
        sender="tom.baker@globex.example.com",
        sender_name="Tom Baker",
        body=["black screen"],
        imap=True,
    )
    mk(
        "outlook-empty-message-id",
        head(
            "outlook-empty-message-id",
            "Tom Baker <tom.baker@globex.example.com>",
            "Monitor flickers",
            ol,
            mid="<>",
        )
        + MIME
        + plain("The second monitor flickers."),
        subject="Monitor flickers",
        sender="tom.baker@globex.example.com",
        sender_name="Tom Baker",
        body=["flickers"],
    )
    mk(
        "outlook-message-id-without-local-part",
        head(
            "outlook-message-id-without-local-part",
            "Ruth Lee <ruth.lee@globex.example.com>",
            "Teams audio broken",
            ol,
            mid="<@AM6PR04MB.eurprd04.prod.outlook.com>",
        )
        + "In-Reply-To: <>\nReferences: <> <@x>\n"
        + MIME
        + plain("No audio in Teams calls."),
        subject="Teams audio broken",
        sender="ruth.lee@globex.example.com",
        sender_name="Ruth Lee",
        body=["No audio"],
    )
    mk(
        "outlook-message-id-no-brackets",
        head(
            "outlook-message-id-no-brackets",
            "Ruth Lee <ruth.lee@globex.example.com>",
            "Scanner offline",
            ol,
            mid="20261124.scanner@globex.example.com",
        )
        + MIME
        + plain("The scanner on floor 3 is offline."),
        subject="Scanner offline",
        sender="ruth.lee@globex.example.com",
        sender_name="Ruth Lee",
        body=["floor 3"],
    )
    msohtml = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<head><style><!-- p.MsoNormal {margin:0cm;} --></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit"/></xml><![endif]--></head>'
        '<body lang="ZH-CN"><div class="WordSection1"><p class="MsoNormal">会议室投影仪<o:p></o:p></p>'
        '<p class="MsoNormal">没有信号输入。<o:p>&nbsp;</o:p></p></div></body></html>'
    )
    mk(
        "outlook-html-mso-only",
        head(
            "outlook-html-mso-only",
            f"{bword('钱进')} <qian.jin@huaxin.example.cn>",
            bword("投影仪无信号"),
            ol,
        )
        + MIME
        + htmlpart(msohtml),
        subject="投影仪无信号",
        sender="qian.jin@huaxin.example.cn",
        sender_name="钱进",
        body=["没有信号输入"],
        not_in_body=["MsoNormal", "o:p"],
    )
    mk(
        "exchange-winmail-tnef-files",
        head(
            "exchange-winmail-tnef-files",
            "Mark Lee <mark.lee@globex.example.com>",
            "Quarterly report",
            ol,
        )
        + MIME
        + multi(
            "mixed",
            "tnef1",
            [
                plain("Please find the report attached."),
                'Content-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n'
                + b64(tnef("", [("report.xlsx", XLSX), ("图纸.pdf", PDF)])),
            ],
        ),
        subject="Quarterly report",
        sender="mark.lee@globex.example.com",
        sender_name="Mark Lee",
        files=["report.xlsx", "图纸.pdf"],
        body=["report attached"],
        not_in_body=["winmail.dat"],
        imap=True,
    )
    mk(
        "exchange-winmail-tnef-body-only",
        head(
            "exchange-winmail-tnef-body-only",
            "Mark Lee <mark.lee@globex.example.com>",
            "Access request",
            ol,
        )
        + MIME
        + 'Content-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n'
        + b64(tnef("请为新同事开通 ERP 权限。", [("申请表.docx", DOCX)])),
        subject="Access request",
        sender="mark.lee@globex.example.com",
        sender_name="Mark Lee",
        files=["申请表.docx"],
        body=["开通 ERP 权限"],
    )
    mk(
        "exchange-winmail-unreadable",
        head("exchange-winmail-unreadable", "Mark Lee <mark.lee@globex.example.com>", "Drawing", ol)
        + MIME
        + multi(
            "mixed",
            "tnef3",
            [
                plain("Drawing attached."),
                'Content-Type: application/ms-tnef\nContent-Disposition: attachment; filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n'
                + b64(b"not a tnef stream at all"),
            ],
        ),
        subject="Drawing",
        sender="mark.lee@globex.example.com",
        sender_name="Mark Lee",
        body=["Drawing attached.", "winmail.dat attachment could not be opened"],
    )
    mk(
        "exchange-korean-ks-c-5601",
        head(
            "exchange-korean-ks-c-5601",
            f"{bword('김민수', 'ks_c_5601-1987')} <minsu.kim@example.kr>",
            bword("프린터 오류", "ks_c_5601-1987"),
            ol,
        )
        + MIME
        + plain("프린터가 작동하지 않습니다.", "euc-kr").replace(
            'charset="euc-kr"', 'charset="ks_c_5601-1987"'
        ),
        subject="프린터 오류",
        sender="minsu.kim@example.kr",
        sender_name="김민수",
        body=["작동하지"],
    )
    mk(
        "outlook-reply-by-in-reply-to",
        head(
            "outlook-reply-by-in-reply-to",
            "Tom Baker <tom.baker@globex.example.com>",
            "RE: Laptop will not boot",
            ol
            + "In-Reply-To: <[4f2a9c]@DB9PR04MB8107.eurprd04.prod.outlook.com>\nReferences: <[4f2a9c]@DB9PR04MB8107.eurprd04.prod.outlook.com>\n",
        )
        + MIME
        + plain(
            "It boots again after the BIOS reset.\n\n________________________________\nFrom: Tom Baker\nSent: Tuesday\nSubject: Laptop will not boot"
        ),
        outcome="reply",
        subject="Laptop will not boot",
        sender="tom.baker@globex.example.com",
        body=["It boots again after the BIOS reset."],
        not_in_body=["Sent: Tuesday"],
        after="outlook-malformed-message-id-brackets",
    )
    inner = (
        "From: Supplier <sales@supplier.example.com>\nTo: mark.lee@globex.example.com\nSubject: Invoice 2026-118\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <inv118@supplier.example.com>\nMIME-Version: 1.0\n"
        + plain("Invoice 2026-118 is overdue.")
    )
    mk(
        "exchange-forward-as-attachment",
        head(
            "exchange-forward-as-attachment",
            "Mark Lee <mark.lee@globex.example.com>",
            "FW: Invoice 2026-118",
            ol,
        )
        + MIME
        + multi(
            "mixed",
            "fwd1",
            [
                plain("Can you check this invoice?"),
                "Content-Type: message/rfc822\nContent-Disposition: attachment\n\n" + inner,
            ],
        ),
        subject="FW: Invoice 2026-118",
        sender="mark.lee@globex.example.com",
        sender_name="Mark Lee",
        files=["Invoice_2026-118.eml"],
        body=["check this invoice", "Forwarded message", "Subject: Invoice 2026-118", "is overdue"],
    )
    mk(
        "exchange-ndr",
        head(
            "exchange-ndr",
            "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@globex.example.com>",
            "Undeliverable: Quarterly report",
            ol,
        )
        + MIME
        + multi(
            "report; report-type=delivery-status",
            "ndr1",
            [
                plain("Delivery has failed to these recipients or groups."),
                "Content-Type: message/delivery-status\n\nReporting-MTA: dns;AM6PR04MB.eurprd04.prod.outlook.com\n",
            ],
        ),
        outcome="ignored",
        reason="delivery_report",
        subject="Undeliverable: Quarterly report",
        sender="microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@globex.example.com",
    )
    mk(
        "exchange-out-of-office",
        head(
            "exchange-out-of-office",
            "Ruth Lee <ruth.lee@globex.example.com>",
            "Automatic reply: Scanner offline",
            ol
            + "Auto-Submitted: auto-replied\nX-MS-Exchange-Inbox-Rules-Loop: ruth.lee@globex.example.com\n",
        )
        + MIME
        + plain("I am out of the office until Monday."),
        outcome="ignored",
        reason="auto_submitted",
        subject="Automatic reply: Scanner offline",
        sender="ruth.lee@globex.example.com",
    )
    mk(
        "outlook-smime-signed",
        head(
            "outlook-smime-signed",
            "Paul Wu <paul.wu@globex.example.com>",
            "Signed: firewall change",
            ol,
        )
        + MIME
        + multi(
            'signed; protocol="application/x-pkcs7-signature"; micalg=sha-256',
            "sig1",
            [
                alt(
                    "Please open port 8443 on the DMZ firewall.",
                    "<p>Please open port 8443 on the DMZ firewall.</p>",
                    boundary="sig1alt",
                ),
                'Content-Type: application/x-pkcs7-signature; name="smime.p7s"\nContent-Disposition: attachment; filename="smime.p7s"\nContent-Transfer-Encoding: base64\n\n'
                + b64(P7S),
            ],
        ),
        subject="Signed: firewall change",
        sender="paul.wu@globex.example.com",
        sender_name="Paul Wu",
        body=["port 8443"],
        imap=True,
    )
    mk(
        "outlook-smime-opaque",
        head(
            "outlook-smime-opaque",
            "Paul Wu <paul.wu@globex.example.com>",
            "Encrypted: salaries",
            ol,
        )
        + MIME
        + 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\nContent-Disposition: attachment; filename="smime.p7m"\nContent-Transfer-Encoding: base64\n\n'
        + b64(P7S),
        subject="Encrypted: salaries",
        sender="paul.wu@globex.example.com",
        sender_name="Paul Wu",
        body=["encrypted"],
    )
    mk(
        "exchange-folded-long-subject",
        "From: =?utf-8?B?5a2Z5pmT5Lic?=\n <sun.xd@huaxin.example.cn>\nTo: support@gongdan.test\n"
        "Subject: =?utf-8?B?5ZCO5Y+w566h55CG57O757uf5oql6ZSZ77ya?=\n =?utf-8?B?5pWw5o2u5bqT6L+e5o6l6LaF5pe2?=\n"
        "Date: Tue, 24 Nov 2026 09:00:00 +0800\nMessage-ID:\n <exchange-folded-long-subject@corpus.example.cn>\n"
        + ol
        + MIME
        + plain("后台报错：数据库连接超时。"),
        subject="后台管理系统报错：数据库连接超时",
        sender="sun.xd@huaxin.example.cn",
        sender_name="孙晓东",
        body=["数据库连接超时"],
    )


def foxmail() -> None:
    fm = "X-Mailer: Foxmail 7.2.25.228[cn]\nX-Priority: 3\nX-Has-Attach: no\nX-GUID: 6F0E3A1C-2B3D-4E5F-8A9B-0C1D2E3F4A5B\n"
    mk(
        "foxmail-gb2312-html-alternative",
        head(
            "foxmail-gb2312-html-alternative",
            f"{bword('周婷', 'gb2312')} <zhou.ting@huaxin.example.cn>",
            bword("电脑蓝屏", "gb2312"),
            fm,
        )
        + MIME
        + alt("电脑今天蓝屏三次。", "<div>电脑今天蓝屏<b>三次</b>。</div>", "gb2312", "fm1"),
        subject="电脑蓝屏",
        sender="zhou.ting@huaxin.example.cn",
        sender_name="周婷",
        body=["电脑今天蓝屏三次"],
        imap=True,
    )
    raw = (
        head(
            "foxmail-raw-gbk-filename",
            f"{bword('吴刚', 'gbk')} <wu.gang@huaxin.example.cn>",
            bword("报销单", "gbk"),
            fm.replace("no", "yes"),
        )
        + MIME
        + multi(
            "mixed",
            "fm2",
            [
                plain("报销单见附件。", "gbk"),
                'Content-Type: application/pdf; name="@@NAME@@"\nContent-Disposition: attachment; filename="@@NAME@@"\nContent-Transfer-Encoding: base64\n\n'
                + b64(PDF),
            ],
        )
    )
    mk(
        "foxmail-raw-gbk-filename",
        crlf(raw).replace(b"@@NAME@@", "报销单.pdf".encode("gbk")),
        subject="报销单",
        sender="wu.gang@huaxin.example.cn",
        sender_name="吴刚",
        files=["报销单.pdf"],
        body=["报销单见附件"],
    )
    mk(
        "foxmail-rfc2231-filename",
        head(
            "foxmail-rfc2231-filename",
            f"{bword('吴刚')} <wu.gang@huaxin.example.cn>",
            bword("合同扫描件"),
            fm,
        )
        + MIME
        + multi(
            "mixed",
            "fm3",
            [
                plain("合同扫描件。"),
                "Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*=UTF-8''%E5%90%88%E5%90%8C%E6%89%AB%E6%8F%8F.pdf\nContent-Transfer-Encoding: base64\n\n"
                + b64(PDF),
            ],
        ),
        subject="合同扫描件",
        sender="wu.gang@huaxin.example.cn",
        sender_name="吴刚",
        files=["合同扫描.pdf"],
        body=["合同扫描件"],
    )
    mk(
        "foxmail-rfc2231-continuation-gbk",
        head(
            "foxmail-rfc2231-continuation-gbk",
            f"{bword('吴刚')} <wu.gang@huaxin.example.cn>",
            bword("设备清单"),
            fm,
        )
        + MIME
        + multi(
            "mixed",
            "fm4",
            [
                plain("设备清单。"),
                "Content-Type: application/vnd.ms-excel\nContent-Disposition: attachment;\n filename*0*=GBK''%C9%E8%B1%B8;\n filename*1*=%C7%E5%B5%A5.xls\nContent-Transfer-Encoding: base64\n\n"
                + b64(XLSX),
            ],
        ),
        subject="设备清单",
        sender="wu.gang@huaxin.example.cn",
        sender_name="吴刚",
        files=["设备清单.xls"],
        body=["设备清单"],
    )
    mk(
        "foxmail-inline-original",
        head(
            "foxmail-inline-original",
            f"{bword('周婷', 'gb2312')} <zhou.ting@huaxin.example.cn>",
            bword("转发：门禁卡失效", "gb2312"),
            fm,
        )
        + MIME
        + plain(
            "请处理。\n\n------------------ 原始邮件 ------------------\n发件人: 保安部\n主题: 门禁卡失效\n\n门禁卡刷不开。",
            "gb2312",
        ),
        subject="转发：门禁卡失效",
        sender="zhou.ting@huaxin.example.cn",
        sender_name="周婷",
        body=["请处理。", "门禁卡刷不开"],
    )
    mk(
        "foxmail-big5",
        head(
            "foxmail-big5",
            f"{bword('陳志明', 'big5')} <chen.zm@taipei.example.tw>",
            bword("網路印表機無法連線", "big5"),
            fm,
        )
        + MIME
        + plain("網路印表機無法連線，請協助。", "big5"),
        subject="網路印表機無法連線",
        sender="chen.zm@taipei.example.tw",
        sender_name="陳志明",
        body=["請協助"],
    )
    mk(
        "foxmail-reply",
        head(
            "foxmail-reply",
            f"{bword('周婷', 'gb2312')} <zhou.ting@huaxin.example.cn>",
            bword("回复：电脑蓝屏", "gb2312"),
            fm + "In-Reply-To: <foxmail-gb2312-html-alternative@corpus.example.cn>\n",
        )
        + MIME
        + plain(
            "更新驱动后正常了。\n\n------------------ 原始邮件 ------------------\n发件人: 周婷\n",
            "gb2312",
        ),
        outcome="reply",
        subject="电脑蓝屏",
        sender="zhou.ting@huaxin.example.cn",
        body=["更新驱动后正常了。"],
        not_in_body=["原始邮件"],
        after="foxmail-gb2312-html-alternative",
    )
    mk(
        "foxmail-raw-8bit-subject-gbk",
        crlf(
            head(
                "foxmail-raw-8bit-subject-gbk",
                "@@FROM@@ <zheng.li@huaxin.example.cn>",
                "@@SUBJ@@",
                fm,
            )
            + MIME
            + plain("无线网络经常断开。", "gbk")
        )
        .replace(b"@@FROM@@", "郑丽".encode("gbk"))
        .replace(b"@@SUBJ@@", "无线网络断开".encode("gbk")),
        subject="无线网络断开",
        sender="zheng.li@huaxin.example.cn",
        sender_name="郑丽",
        body=["经常断开"],
    )


def qq_mail() -> None:
    qq = "X-QQ-mid: xmsezb3c-0t1700000000tq1z3v3sp\nX-QQ-ORGSender: 12345678@qq.com\nX-QQ-MIME: TCMime 1.0 by Tencent\nX-Mailer: QQMail 2.x\n"
    mk(
        "qq-html-only-utf8",
        head("qq-html-only-utf8", f'"{bword("小王")}" <12345678@qq.com>', bword("订单查询"), qq)
        + MIME
        + htmlpart(
            '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><div>我的订单 <b>20261124001</b> 一直没有发货。</div><div><br></div>'
        ),
        subject="订单查询",
        sender="12345678@qq.com",
        sender_name="小王",
        body=["20261124001", "一直没有发货"],
        imap=True,
    )
    mk(
        "qq-gb18030-four-byte",
        head(
            "qq-gb18030-four-byte",
            f"{bword('𠈓先生', 'gb18030')} <87654321@qq.com>",
            bword("发票抬头 𠈓", "gb18030"),
            qq,
        )
        + MIME
        + plain("发票抬头有生僻字 𠈓，系统显示为问号。", "gb18030"),
        subject="发票抬头 𠈓",
        sender="87654321@qq.com",
        sender_name="𠈓先生",
        body=["生僻字 𠈓"],
    )
    nick = "".join(bword(ch, "gb18030") for ch in "小明")  # two words, no space between
    subject = f"{bword('无法移', 'gb18030')}\n {bword('动文件', 'gb18030')}"
    mk(
        "qq-nickname-adjacent-encoded-words",
        head("qq-nickname-adjacent-encoded-words", f"{nick} <11112222@qq.com>", subject, qq)
        + MIME
        + plain("无法移动文件。", "gb18030"),
        subject="无法移动文件",
        sender="11112222@qq.com",
        sender_name="小明",
        body=["无法移动文件"],
    )
    mk(
        "qq-big-attachment-link",
        head(
            "qq-big-attachment-link",
            f"{bword('小王')} <12345678@qq.com>",
            bword("日志文件（超大附件）"),
            qq,
        )
        + MIME
        + htmlpart(
            '<div>日志太大，用超大附件发送：</div><div><a href="https://mail.qq.example/cgi-bin/ftnExs_download?k=abc">server.log (120M, 2026年12月24日 到期)</a></div>'
        ),
        subject="日志文件（超大附件）",
        sender="12345678@qq.com",
        sender_name="小王",
        body=["server.log (120M"],
    )
    mk(
        "qq-auto-reply",
        head(
            "qq-auto-reply",
            f"{bword('小王')} <12345678@qq.com>",
            bword("自动回复: 订单查询"),
            qq + "X-QQ-AUTOREPLY: 1\n",
        )
        + MIME
        + plain("您好，邮件已收到，我会尽快回复。"),
        outcome="ignored",
        reason="autoreply_subject",
        subject="自动回复: 订单查询",
        sender="12345678@qq.com",
    )
    mk(
        "qq-mobile-signature",
        head("qq-mobile-signature", f"{bword('阿杰')} <55556666@qq.com>", bword("APP 闪退"), qq)
        + MIME
        + plain(
            "打开 APP 就闪退。\n\n发自我的iPhone\n\n------------------ Original ------------------\nFrom: support"
        ),
        subject="APP 闪退",
        sender="55556666@qq.com",
        sender_name="阿杰",
        body=["打开 APP 就闪退"],
    )
    mk(
        "qq-reply-html-quote",
        head(
            "qq-reply-html-quote",
            f'"{bword("小王")}" <12345678@qq.com>',
            bword("回复：订单查询"),
            qq
            + "In-Reply-To: <qq-html-only-utf8@corpus.example.cn>\nReferences: <qq-html-only-utf8@corpus.example.cn>\n",
        )
        + MIME
        + htmlpart(
            '<div>已经收到货了，谢谢！</div><div>&nbsp;</div><div style="font-size:12px">------------------&nbsp;原始邮件&nbsp;------------------</div><div>发件人: support</div>'
        ),
        outcome="reply",
        subject="订单查询",
        sender="12345678@qq.com",
        body=["已经收到货了，谢谢！"],
        not_in_body=["原始邮件"],
        after="qq-html-only-utf8",
    )
    mk(
        "qq-inline-image-related",
        head("qq-inline-image-related", f"{bword('阿杰')} <55556666@qq.com>", bword("报错截图"), qq)
        + MIME
        + multi(
            "related",
            "qq4",
            [
                htmlpart('<div>报错如下：</div><img src="cid:0E3C4B5A@D4C2E7F1.3A1F5C66">'),
                'Content-Type: image/jpeg; name="B7E2@D4C2E7F1.jpg"\nContent-ID: <0E3C4B5A@D4C2E7F1.3A1F5C66>\nContent-Transfer-Encoding: base64\n\n'
                + b64(JPG),
            ],
        ),
        subject="报错截图",
        sender="55556666@qq.com",
        sender_name="阿杰",
        files=["B7E2D4C2E7F1.jpg"],
        body=["报错如下"],
    )


def netease() -> None:
    ne = "X-Originating-IP: [223.104.3.21]\nX-Priority: 3\nX-Mailer: Coremail Webmail Server Version XT5.0.13 build 20210104(ab8c30b6)\nX-CM-TRANSID: _____wD3X9Zb5mNlAAAA--.1234S2\nX-Coremail-Antispam: 1Uf129KBjvJXoW7\n"
    mk(
        "netease-163-gbk-html",
        head(
            "netease-163-gbk-html",
            f'"{bword("刘洋", "GBK")}" <liuyang_2020@163.com>',
            bword("无法登录会员中心", "GBK"),
            ne,
        )
        + MIME
        + alt(
            "无法登录会员中心，提示账号异常。",
            '<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">无法登录会员中心，提示账号异常。</div>',
            "GBK",
            "ne1",
        ),
        subject="无法登录会员中心",
        sender="liuyang_2020@163.com",
        sender_name="刘洋",
        body=["提示账号异常"],
        imap=True,
    )
    mk(
        "netease-126-gbk-plain-qp",
        head(
            "netease-126-gbk-plain-qp",
            f"{qword('陈静', 'gbk')} <chenjing88@126.com>",
            qword("快递丢失", "gbk"),
            ne,
        )
        + MIME
        + plain("快递单号 SF1234567890 显示已签收但我没收到。", "gbk", "quoted-printable"),
        subject="快递丢失",
        sender="chenjing88@126.com",
        sender_name="陈静",
        body=["SF1234567890"],
    )
    mk(
        "netease-163-attachment-b-name",
        head(
            "netease-163-attachment-b-name",
            f"{bword('刘洋', 'GBK')} <liuyang_2020@163.com>",
            bword("退货申请", "GBK"),
            ne,
        )
        + MIME
        + multi(
            "mixed",
            "ne3",
            [
                plain("退货申请表见附件。", "GBK"),
                attach(
                    f'"{bword("退货申请表.docx", "GBK")}"',
                    DOCX,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
            ],
        ),
        subject="退货申请",
        sender="liuyang_2020@163.com",
        sender_name="刘洋",
        files=["退货申请表.docx"],
        body=["退货申请表见附件"],
    )
    mk(
        "netease-mail-master-mobile",
        head(
            "netease-mail-master-mobile",
            f"{bword('陈静', 'gbk')} <chenjing88@126.com>",
            bword("屏幕碎了", "UTF-8"),
            "X-Mailer: NetEase Mail Master\n",
        )
        + MIME
        + plain("手机屏幕碎了，能保修吗？\n\n来自网易邮箱大师"),
        subject="屏幕碎了",
        sender="chenjing88@126.com",
        sender_name="陈静",
        body=["能保修吗"],
    )
    mk(
        "netease-163-bounce",
        head(
            "netease-163-bounce",
            "Mail Delivery Subsystem <MAILER-DAEMON@m15.mail.163.com>",
            bword("系统退信", "GBK"),
            ne,
        )
        + MIME
        + plain("您发送的邮件无法投递。", "GBK"),
        outcome="ignored",
        reason="delivery_report",
        subject="系统退信",
        sender="mailer-daemon@m15.mail.163.com",
    )
    mk(
        "netease-126-reply",
        head(
            "netease-126-reply",
            f"{qword('陈静', 'gbk')} <chenjing88@126.com>",
            qword("Re:快递丢失", "gbk"),
            ne + "In-Reply-To: <netease-126-gbk-plain-qp@corpus.example.cn>\n",
        )
        + MIME
        + plain(
            "已经找到了，是邻居代收的。\n\n在 2026-11-24 09:00:00，support@gongdan.test 写道：\n> 请提供单号",
            "gbk",
        ),
        outcome="reply",
        subject="快递丢失",
        sender="chenjing88@126.com",
        body=["已经找到了，是邻居代收的。"],
        not_in_body=["请提供单号"],
        after="netease-126-gbk-plain-qp",
    )
    split = "网络"  # one character per encoded word, bytes split inside a character
    data = split.encode("gbk")
    words = " ".join(
        f"=?GBK?B?{base64.b64encode(data[i : i + 1]).decode()}?=" for i in range(len(data))
    )
    mk(
        "netease-encoded-word-split-inside-character",
        head(
            "netease-encoded-word-split-inside-character",
            f"{bword('何平', 'GBK')} <heping@yeah.net>",
            words,
            ne,
        )
        + MIME
        + plain("网络很慢。", "GBK"),
        subject="网络",
        sender="heping@yeah.net",
        sender_name="何平",
        body=["网络很慢"],
    )
    mk(
        "netease-yeah-net-forward-html",
        head(
            "netease-yeah-net-forward-html",
            f"{bword('何平', 'GBK')} <heping@yeah.net>",
            bword("Fw:发票开错了", "GBK"),
            ne,
        )
        + MIME
        + htmlpart(
            "<div>帮忙看看</div><br><div>-------- 转发邮件信息 --------<br>发件人：财务部<br>主题：发票<br>发票金额开错了。</div>",
            "GBK",
        ),
        subject="Fw:发票开错了",
        sender="heping@yeah.net",
        sender_name="何平",
        body=["帮忙看看", "发票金额开错了"],
    )


def alibaba() -> None:
    ali = "X-Alimail-AntiSpam: AC=PASS;BC=-1|-1;BR=01201311R191e4;CH=green;DM=||false|;DS=||;FP=0|-1|-1|-1|0|-1|-1|-1\nX-Mailer: Alimail-Mailagent revision 4\nX-Alimail-Export: 1\nX-Priority: 3\n"
    mk(
        "alibaba-export-utf8-html",
        head(
            "alibaba-export-utf8-html",
            f'"{bword("赵敏")}" <zhao.min@company.aliyun.example.com>',
            bword("ERP 报表导出失败"),
            ali,
        )
        + MIME
        + alt(
            "ERP 报表导出失败，提示内存不足。",
            "<div>ERP 报表导出失败，提示<span style='color:red'>内存不足</span>。</div>",
            boundary="ali1",
        ),
        subject="ERP 报表导出失败",
        sender="zhao.min@company.aliyun.example.com",
        sender_name="赵敏",
        body=["提示内存不足"],
        imap=True,
    )
    mk(
        "alibaba-attachment-xlsx",
        head(
            "alibaba-attachment-xlsx",
            f"{bword('赵敏')} <zhao.min@company.aliyun.example.com>",
            bword("库存盘点表"),
            ali,
        )
        + MIME
        + multi(
            "mixed",
            "ali2",
            [
                plain("盘点表附后。"),
                attach(
                    f'"{bword("2026年11月盘点.xlsx")}"',
                    XLSX,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ],
        ),
        subject="库存盘点表",
        sender="zhao.min@company.aliyun.example.com",
        sender_name="赵敏",
        files=["2026年11月盘点.xlsx"],
        body=["盘点表附后"],
    )
    inner = (
        "From: =?UTF-8?B?5L6b5bqU5ZWG?= <vendor@supplier.example.cn>\nSubject: =?GBK?B?"
        + base64.b64encode("到货延迟".encode("gbk")).decode()
        + "?=\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0800\nMIME-Version: 1.0\n"
        + plain("本批次到货延迟三天。", "gbk")
    )
    mk(
        "alibaba-forward-rfc822-gbk-inner",
        head(
            "alibaba-forward-rfc822-gbk-inner",
            f"{bword('赵敏')} <zhao.min@company.aliyun.example.com>",
            bword("转发：到货延迟"),
            ali,
        )
        + MIME
        + multi(
            "mixed",
            "ali3",
            [
                plain("供应商来信，请跟进。"),
                'Content-Type: message/rfc822; name="=?UTF-8?B?'
                + base64.b64encode("到货延迟.eml".encode()).decode()
                + '?="\nContent-Disposition: attachment; filename="=?UTF-8?B?'
                + base64.b64encode("到货延迟.eml".encode()).decode()
                + '?="\n\n'
                + inner,
            ],
        ),
        subject="转发：到货延迟",
        sender="zhao.min@company.aliyun.example.com",
        sender_name="赵敏",
        files=["到货延迟.eml"],
        body=["请跟进", "Subject: 到货延迟", "到货延迟三天"],
    )
    mk(
        "alibaba-qp-utf8",
        head(
            "alibaba-qp-utf8",
            f"{qword('孔亮')} <kong.liang@company.aliyun.example.com>",
            qword("钉钉消息收不到"),
            ali,
        )
        + MIME
        + plain("钉钉消息收不到，电脑端和手机端都是。", "utf-8", "quoted-printable"),
        subject="钉钉消息收不到",
        sender="kong.liang@company.aliyun.example.com",
        sender_name="孔亮",
        body=["电脑端和手机端都是"],
    )
    mk(
        "alibaba-gb18030-body-emoji",
        head(
            "alibaba-gb18030-body-emoji",
            f"{bword('孔亮', 'gb18030')} <kong.liang@company.aliyun.example.com>",
            bword("表情显示乱码 😀", "gb18030"),
            ali,
        )
        + MIME
        + plain("聊天里的表情 😀 显示成乱码。", "gb18030"),
        subject="表情显示乱码 😀",
        sender="kong.liang@company.aliyun.example.com",
        sender_name="孔亮",
        body=["表情 😀 显示成乱码"],
    )
    export = (
        head(
            "alibaba-export-bom-mbox-line",
            f"{bword('孔亮')} <kong.liang@company.aliyun.example.com>",
            bword("导出的邮件"),
            ali,
        )
        + MIME
        + plain("从阿里邮箱导出后再转给你们的。")
    )
    mk(
        "alibaba-export-bom-mbox-line",
        b"\xef\xbb\xbf"
        + crlf("From kong.liang@company.aliyun.example.com Mon Nov 23 10:00:00 2026\n" + export),
        subject="导出的邮件",
        sender="kong.liang@company.aliyun.example.com",
        sender_name="孔亮",
        body=["从阿里邮箱导出"],
    )
    mk(
        "foxmail-export-leading-blank-lines",
        b"\r\n\r\n"
        + crlf(
            head(
                "foxmail-export-leading-blank-lines",
                f"{bword('孔亮')} <kong.liang@company.aliyun.example.com>",
                bword("另存为的邮件"),
                "X-Mailer: Foxmail 7.2.25.228[cn]\n",
            )
            + MIME
            + plain("邮件另存为 eml 后的样子。")
        ),
        subject="另存为的邮件",
        sender="kong.liang@company.aliyun.example.com",
        sender_name="孔亮",
        body=["另存为 eml"],
    )
    mk(
        "alibaba-mailing-list",
        head(
            "alibaba-mailing-list",
            f"{bword('运维通知')} <ops-notice@company.aliyun.example.com>",
            bword("【通知】本周六机房断电维护"),
            ali + "List-Id: <ops-notice.company.aliyun.example.com>\nPrecedence: list\n",
        )
        + MIME
        + plain("本周六 22:00 机房断电维护。"),
        outcome="ignored",
        reason="precedence",
        subject="【通知】本周六机房断电维护",
        sender="ops-notice@company.aliyun.example.com",
    )


def charsets() -> None:
    who = f"{bword('林涛')} <lin.tao@huaxin.example.cn>"
    mk(
        "gb2312-label-gb18030-bytes",
        head(
            "gb2312-label-gb18030-bytes",
            who,
            "=?gb2312?B?" + base64.b64encode("㐀字库缺字".encode("gb18030")).decode() + "?=",
        )
        + MIME
        + plain("姓名里有 㐀 字，GB2312 里没有。", "gb18030").replace(
            'charset="gb18030"', 'charset="gb2312"'
        ),
        subject="㐀字库缺字",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["姓名里有 㐀 字"],
    )
    mk(
        "utf8-label-gbk-bytes",
        head("utf8-label-gbk-bytes", who, bword("标签是 UTF-8 内容是 GBK"))
        + MIME
        + plain("这封信声明 UTF-8，实际是 GBK 编码。", "gbk").replace(
            'charset="gbk"', 'charset="utf-8"'
        ),
        subject="标签是 UTF-8 内容是 GBK",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["实际是 GBK 编码"],
    )
    mk(
        "big5-label-hkscs-chars",
        head(
            "big5-label-hkscs-chars",
            f"{bword('黃嘉欣', 'big5hkscs').replace('big5hkscs', 'big5')} <wong.ky@hk.example.com>",
            bword("部機壞咗", "big5hkscs").replace("big5hkscs", "big5"),
        )
        + MIME
        + plain("部機壞咗，唔該幫手睇睇。", "big5hkscs").replace(
            'charset="big5hkscs"', 'charset="big5"'
        ),
        subject="部機壞咗",
        sender="wong.ky@hk.example.com",
        sender_name="黃嘉欣",
        body=["唔該幫手睇睇"],
    )
    mk(
        "iso-2022-jp",
        head(
            "iso-2022-jp",
            f"{bword('山田太郎', 'iso-2022-jp')} <yamada@example.co.jp>",
            bword("プリンターが故障しました", "iso-2022-jp"),
            "X-Mailer: Becky! ver. 2.81.04\n",
        )
        + MIME
        + 'Content-Type: text/plain; charset="ISO-2022-JP"\nContent-Transfer-Encoding: 7bit\n\n'
        + "いつもお世話になっております。\nプリンターが故障しました。\n".encode(
            "iso-2022-jp"
        ).decode("ascii"),
        subject="プリンターが故障しました",
        sender="yamada@example.co.jp",
        sender_name="山田太郎",
        body=["プリンターが故障しました。"],
        imap=True,
    )
    mk(
        "shift-jis",
        head(
            "shift-jis",
            f"{bword('佐藤花子', 'shift_jis')} <sato@example.co.jp>",
            bword("パスワード再設定", "shift_jis"),
        )
        + MIME
        + plain("パスワードを再設定してください。", "shift_jis"),
        subject="パスワード再設定",
        sender="sato@example.co.jp",
        sender_name="佐藤花子",
        body=["再設定してください"],
    )
    mk(
        "unknown-charset-utf8-bytes",
        head(
            "unknown-charset-utf8-bytes",
            who,
            "=?x-unknown?B?" + base64.b64encode("未知字符集".encode()).decode() + "?=",
        )
        + MIME
        + plain("字符集名称不认识，但内容是 UTF-8。").replace(
            'charset="utf-8"', 'charset="x-unknown"'
        ),
        subject="未知字符集",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["内容是 UTF-8"],
    )
    mk(
        "bogus-charset-gbk-bytes",
        head(
            "bogus-charset-gbk-bytes",
            who,
            bword("乱写的字符集", "gbk").replace("gbk", "chinese-simplified-gb"),
        )
        + MIME
        + plain("字符集写成了 chinese-simplified-gb。", "gbk").replace(
            'charset="gbk"', 'charset="chinese-simplified-gb"'
        ),
        subject="乱写的字符集",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["字符集写成了"],
    )
    mk(
        "bytes-codec-charset-name",
        head("bytes-codec-charset-name", who, "=?rot13?Q?Uryyb?=")
        + MIME
        + plain("charset names a bytes codec").replace('charset="utf-8"', 'charset="zlib"'),
        subject="Uryyb",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["charset names a bytes codec"],
    )
    mk(
        "empty-charset",
        head("empty-charset", who, bword("空字符集"))
        + MIME
        + plain("charset 参数为空。").replace('charset="utf-8"', 'charset=""'),
        subject="空字符集",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["参数为空"],
    )
    mk(
        "us-ascii-label-8bit-utf8",
        head("us-ascii-label-8bit-utf8", who, bword("声明 ASCII"))
        + MIME
        + "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit\n\n声明 ASCII 却是 UTF-8 八位。\n",
        subject="声明 ASCII",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["却是 UTF-8 八位"],
    )
    mk(
        "windows-1252-smart-quotes",
        head(
            "windows-1252-smart-quotes",
            "Jane O'Neil <jane.oneil@globex.example.com>",
            "=?windows-1252?Q?Can=92t_print_=96_urgent?=",
        )
        + MIME
        + plain(
            "I can\u2019t print \u2013 the queue says \u201cpaused\u201d.",
            "windows-1252",
            "quoted-printable",
        ),
        subject="Can\u2019t print \u2013 urgent",
        sender="jane.oneil@globex.example.com",
        sender_name="Jane O'Neil",
        body=["\u201cpaused\u201d"],
    )
    mk(
        "koi8-r",
        head(
            "koi8-r",
            f"{bword('Иван Петров', 'koi8-r')} <ivan@example.ru>",
            bword("Не работает почта", "koi8-r"),
        )
        + MIME
        + plain("Не работает почта с утра.", "koi8-r"),
        subject="Не работает почта",
        sender="ivan@example.ru",
        sender_name="Иван Петров",
        body=["с утра"],
    )
    mk(
        "charset-quoted-with-spaces",
        head("charset-quoted-with-spaces", who, bword("字符集带空格"))
        + MIME
        + plain("字符集参数带引号和空格。", "gbk").replace('charset="gbk"', 'charset=" GBK "'),
        subject="字符集带空格",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["带引号和空格"],
    )
    mk(
        "utf-16-body",
        head("utf-16-body", who, bword("UTF-16 正文"))
        + MIME
        + 'Content-Type: text/plain; charset="utf-16"\nContent-Transfer-Encoding: base64\n\n'
        + b64("正文是 UTF-16 编码。".encode("utf-16")),
        subject="UTF-16 正文",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["正文是 UTF-16 编码"],
    )
    mk(
        "bad-base64-encoded-word",
        head(
            "bad-base64-encoded-word",
            who,
            "=?utf-8?B?" + base64.b64encode("坏的填充".encode()).decode().rstrip("=") + "?=",
        )
        + MIME
        + plain("编码字缺少填充。"),
        subject="坏的填充",
        sender="lin.tao@huaxin.example.cn",
        sender_name="林涛",
        body=["缺少填充"],
    )
    mk(
        "rfc2047-inside-quotes-name",
        head(
            "rfc2047-inside-quotes-name",
            f'"{bword("林, 涛")}" <lin.tao2@huaxin.example.cn>',
            bword("引号里的编码字"),
        )
        + MIME
        + plain("显示名在引号里。"),
        subject="引号里的编码字",
        sender="lin.tao2@huaxin.example.cn",
        sender_name="林, 涛",
        body=["显示名在引号里"],
    )


def uuencoded() -> None:
    who = "Old Client <old.client@legacy.example.com>"
    big = PDF + bytes(range(256)) * 160  # ~41 KB: its uuencoded text alone is ~56,000 characters
    mk(
        "uuencode-inline-large-pdf",
        head(
            "uuencode-inline-large-pdf",
            who,
            "Scanned manual",
            "X-Mailer: Pegasus Mail for Windows (4.73)\n",
        )
        + "\nThe scanned manual is attached.\n\n"
        + uu("manual.pdf", big)
        + "\n",
        subject="Scanned manual",
        sender="old.client@legacy.example.com",
        sender_name="Old Client",
        files=["manual.pdf"],
        body=["The scanned manual is attached."],
        not_in_body=["begin 644"],
        imap=True,
    )
    mk(
        "uuencode-two-inline-blocks",
        head("uuencode-two-inline-blocks", who, "Logs from both servers")
        + "\nHere are both logs.\n\n"
        + uu("app1.log", b"ERROR disk full\n" * 20)
        + "\n\n"
        + uu("app2.log", b"WARN slow query\n" * 20)
        + "\n\nThanks\n",
        subject="Logs from both servers",
        sender="old.client@legacy.example.com",
        sender_name="Old Client",
        files=["app1.log", "app2.log"],
        body=["Here are both logs.", "Thanks"],
        not_in_body=["end\n"],
    )
    mk(
        "uuencode-x-uuencode-part",
        head("uuencode-x-uuencode-part", who, "Config file")
        + MIME
        + multi(
            "mixed",
            "uu3",
            [
                plain("Config attached."),
                'Content-Type: application/octet-stream; name="settings.json"\nContent-Transfer-Encoding: x-uuencode\nContent-Disposition: attachment; filename="settings.json"\n\n'
                + uu("settings.json", b'{"timeout": 30}\n'),
            ],
        ),
        subject="Config file",
        sender="old.client@legacy.example.com",
        sender_name="Old Client",
        files=["settings.json"],
        body=["Config attached."],
    )
    mk(
        "uuencode-text-plain-part-no-name",
        head("uuencode-text-plain-part-no-name", who, "Spreadsheet")
        + MIME
        + multi(
            "mixed",
            "uu4",
            [
                plain("See spreadsheet."),
                "Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\n"
                + uu("figures.csv", b"a,b\n1,2\n"),
            ],
        ),
        subject="Spreadsheet",
        sender="old.client@legacy.example.com",
        sender_name="Old Client",
        files=["figures.csv"],
        body=["See spreadsheet."],
    )
    padded = uu("note.txt", b"short padded line\n").replace("\n`\n", "\n`  \n")
    mk(
        "uuencode-nonstandard-padding",
        head("uuencode-nonstandard-padding", who, "Note")
        + "\nNote follows.\n\n"
        + padded.replace("begin 644 note.txt\n", "begin 644 note.txt\n").replace(
            "\nend", "   \nend"
        )
        + "\n",
        subject="Note",
        sender="old.client@legacy.example.com",
        sender_name="Old Client",
        files=["note.txt"],
        body=["Note follows."],
    )


def signed() -> None:
    who = "Alice Zhang <alice.zhang@secure.example.com>"
    mk(
        "pgp-mime-signed",
        head("pgp-mime-signed", who, "PGP signed request", "User-Agent: Mozilla Thunderbird\n")
        + MIME
        + multi(
            'signed; micalg=pgp-sha256; protocol="application/pgp-signature"',
            "pgp1",
            [
                plain("Please reset my smart card PIN."),
                'Content-Type: application/pgp-signature; name="OpenPGP_signature.asc"\nContent-Description: OpenPGP digital signature\nContent-Disposition: attachment; filename="OpenPGP_signature.asc"\n\n'
                + ASC,
            ],
        ),
        subject="PGP signed request",
        sender="alice.zhang@secure.example.com",
        sender_name="Alice Zhang",
        body=["smart card PIN"],
        not_in_body=["BEGIN PGP"],
    )
    mk(
        "pgp-inline-signed",
        head("pgp-inline-signed", who, "Inline signed")
        + "\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nThe backup job failed tonight.\n- -- \nAlice\n"
        + ASC,
        subject="Inline signed",
        sender="alice.zhang@secure.example.com",
        sender_name="Alice Zhang",
        body=["The backup job failed tonight."],
        not_in_body=["BEGIN PGP", "Hash: SHA256"],
    )
    mk(
        "pgp-mime-encrypted",
        head("pgp-mime-encrypted", who, "Encrypted")
        + MIME
        + multi(
            'encrypted; protocol="application/pgp-encrypted"',
            "pgp3",
            [
                "Content-Type: application/pgp-encrypted\n\nVersion: 1\n",
                'Content-Type: application/octet-stream; name="encrypted.asc"\n\n-----BEGIN PGP MESSAGE-----\n\nhQEMA'
                + "B" * 60
                + "\n-----END PGP MESSAGE-----\n",
            ],
        ),
        subject="Encrypted",
        sender="alice.zhang@secure.example.com",
        sender_name="Alice Zhang",
        body=["encrypted"],
    )
    mk(
        "smime-signed-with-attachment",
        head("smime-signed-with-attachment", who, "Signed with PDF")
        + MIME
        + multi(
            'signed; protocol="application/pkcs7-signature"; micalg=sha-256',
            "sm2",
            [
                multi(
                    "mixed",
                    "sm2in",
                    [
                        plain("Signed contract attached."),
                        attach('"contract.pdf"', PDF, "application/pdf"),
                    ],
                ),
                'Content-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="smime.p7s"\n\n'
                + b64(P7S),
            ],
        ),
        subject="Signed with PDF",
        sender="alice.zhang@secure.example.com",
        sender_name="Alice Zhang",
        files=["contract.pdf"],
        body=["Signed contract attached."],
    )
    mk(
        "smime-signed-chinese",
        head(
            "smime-signed-chinese",
            f"{bword('张爱丽')} <alice.zhang@secure.example.com>",
            bword("数字签名邮件"),
        )
        + MIME
        + multi(
            'signed; protocol="application/pkcs7-signature"; micalg=sha1',
            "sm3",
            [
                plain("请开通 VPN 账号。", "gb2312"),
                'Content-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Transfer-Encoding: base64\n\n'
                + b64(P7S),
            ],
        ),
        subject="数字签名邮件",
        sender="alice.zhang@secure.example.com",
        sender_name="张爱丽",
        body=["请开通 VPN 账号"],
    )


def opaque_signed() -> None:
    who = "Paul Wu <paul.wu@globex.example.com>"
    entity = crlf(
        multi(
            "mixed",
            "inner",
            [
                plain("Opaque signed: please unlock account pwu."),
                attach('"form.pdf"', PDF, "application/pdf"),
            ],
        )
    )
    for slug, streamed in (
        ("smime-opaque-signed-der", False),
        ("smime-opaque-signed-ber-streamed", True),
    ):
        mk(
            slug,
            head(slug, who, "Opaque signed request")
            + MIME
            + 'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\nContent-Disposition: attachment; filename="smime.p7m"\nContent-Transfer-Encoding: base64\n\n'
            + b64(pkcs7_signed(entity, streamed=streamed)),
            subject="Opaque signed request",
            sender="paul.wu@globex.example.com",
            sender_name="Paul Wu",
            files=["form.pdf"],
            body=["please unlock account pwu."],
            not_in_body=["encrypted"],
        )


def forwards() -> None:
    who = f"{bword('罗敏')} <luo.min@huaxin.example.cn>"
    level2 = "From: end.user@example.com\nSubject: original problem\nMIME-Version: 1.0\nContent-Type: text/plain\n\nThe original problem text.\n"
    level1 = "From: helpdesk@partner.example.com\nSubject: fwd once\nMIME-Version: 1.0\n" + multi(
        "mixed", "lv1", [plain("Forwarding again."), "Content-Type: message/rfc822\n\n" + level2]
    )
    mk(
        "rfc822-nested-twice",
        head("rfc822-nested-twice", who, bword("转发两层"))
        + MIME
        + multi(
            "mixed",
            "lv0",
            [
                plain("两层转发。"),
                "Content-Type: message/rfc822\nContent-Disposition: attachment\n\n" + level1,
            ],
        ),
        subject="转发两层",
        sender="luo.min@huaxin.example.cn",
        sender_name="罗敏",
        files=["fwd_once.eml"],
        body=["两层转发。", "Forwarding again.", "The original problem text."],
    )
    mk(
        "rfc822-inline-disposition",
        head("rfc822-inline-disposition", who, bword("内联转发"))
        + MIME
        + multi(
            "mixed",
            "fw2",
            [
                plain("见下。"),
                "Content-Type: message/rfc822\nContent-Disposition: inline\n\nFrom: 客户 <kehu@example.cn>\nSubject: =?utf-8?B?"
                + base64.b64encode("屏幕不亮".encode()).decode()
                + "?=\nMIME-Version: 1.0\n"
                + plain("屏幕不亮了。"),
            ],
        ),
        subject="内联转发",
        sender="luo.min@huaxin.example.cn",
        sender_name="罗敏",
        files=["屏幕不亮.eml"],
        body=["见下。", "屏幕不亮了。"],
    )
    mk(
        "rfc822-with-inner-attachment",
        head("rfc822-with-inner-attachment", who, bword("带附件的转发"))
        + MIME
        + multi(
            "mixed",
            "fw3",
            [
                plain("原邮件带附件。"),
                'Content-Type: message/rfc822; name="order.eml"\nContent-Disposition: attachment; filename="order.eml"\n\nFrom: buyer@example.com\nSubject: order\nMIME-Version: 1.0\n'
                + multi(
                    "mixed",
                    "fw3in",
                    [plain("Order attached."), attach('"order.pdf"', PDF, "application/pdf")],
                ),
            ],
        ),
        subject="带附件的转发",
        sender="luo.min@huaxin.example.cn",
        sender_name="罗敏",
        files=["order.eml"],
        body=["原邮件带附件。", "Order attached."],
    )
    mk(
        "rfc822-empty-forward",
        head("rfc822-empty-forward", who, bword("空的转发"))
        + MIME
        + multi(
            "mixed",
            "fw4",
            [
                plain("附件是空的。"),
                'Content-Type: message/rfc822; name="empty.eml"\nContent-Disposition: attachment; filename="empty.eml"\n\n',
            ],
        ),
        subject="空的转发",
        sender="luo.min@huaxin.example.cn",
        sender_name="罗敏",
        body=["附件是空的。"],
    )


def malformed() -> None:
    who = "Kevin Ma <kevin.ma@huaxin.example.cn>"
    mk(
        "no-mime-version-8bit-utf8",
        head("no-mime-version-8bit-utf8", who, "没有 MIME 头")
        + "\n原始八位 UTF-8 正文，没有 MIME-Version。\n",
        subject="没有 MIME 头",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["没有 MIME-Version"],
    )
    mk(
        "lf-only-line-endings",
        (
            b"From: Kevin Ma <kevin.ma@huaxin.example.cn>\nTo: support@gongdan.test\nSubject: LF only\nMessage-ID: <lf-only-line-endings@corpus.example.cn>\n\nLines end in LF only.\n"
        ),
        subject="LF only",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["LF only"],
    )
    mk(
        "header-without-space-after-colon",
        "From:Kevin Ma <kevin.ma@huaxin.example.cn>\nTo:support@gongdan.test\nSubject:No space\nMessage-ID:<header-without-space-after-colon@corpus.example.cn>\n\nHeaders without spaces.\n",
        subject="No space",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["Headers without spaces."],
    )
    mk(
        "duplicate-subject-and-from",
        head("duplicate-subject-and-from", who, "First subject")
        + "Subject: Second subject\nFrom: other@evil.example.com\n\nTwo subjects.\n",
        subject="First subject",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["Two subjects."],
    )
    mk(
        "multipart-without-boundary",
        head("multipart-without-boundary", who, "Broken multipart")
        + MIME
        + "Content-Type: multipart/mixed\n\nThere is no boundary here.\n",
        subject="Broken multipart",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
    )
    mk(
        "multipart-never-closed",
        head("multipart-never-closed", who, "Unclosed")
        + MIME
        + 'Content-Type: multipart/mixed; boundary="open"\n\n--open\nContent-Type: text/plain\n\nThe last boundary never comes.\n',
        subject="Unclosed",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["never comes"],
    )
    mk(
        "bad-base64-body",
        head("bad-base64-body", who, "Bad base64")
        + MIME
        + 'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
        + b64("坏的 base64 正文。").rstrip()
        + "!!!*\n",
        subject="Bad base64",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["坏的 base64 正文"],
    )
    mk(
        "unknown-transfer-encoding",
        head("unknown-transfer-encoding", who, "Odd encoding")
        + MIME
        + "Content-Type: text/plain\nContent-Transfer-Encoding: x-gzip64\n\nplain words anyway\n",
        subject="Odd encoding",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["plain words anyway"],
    )
    mk(
        "garbage-date-and-to",
        'From: Kevin Ma <kevin.ma@huaxin.example.cn>\nTo: undisclosed-recipients:;\nCc: ,,, <>, @, "" <\nSubject: Garbage headers\nDate: someday soon\nMessage-ID: <garbage-date-and-to@corpus.example.cn>\n\nDate and recipients are garbage.\n',
        subject="Garbage headers",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["garbage"],
    )
    mk(
        "very-long-unfolded-header",
        head(
            "very-long-unfolded-header",
            who,
            "Long header",
            "X-Long: "
            + "x" * 4000
            + "\nReferences: "
            + " ".join(f"<r{i}@x.example>" for i in range(300))
            + "\n",
        )
        + "\nLong header lines.\n",
        subject="Long header",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["Long header lines."],
    )
    mk(
        "nul-bytes-in-headers-and-body",
        head("nul-bytes-in-headers-and-body", who, "Nul\x00 in subject")
        + "\nBody with a\x00 NUL byte.\n",
        subject="Nul in subject",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["Body with a NUL byte."],
    )
    mk(
        "from-bare-address-with-comment",
        head(
            "from-bare-address-with-comment",
            "kevin.ma2@huaxin.example.cn (Kevin Ma)",
            "Comment name",
        )
        + "\nThe name is a comment.\n",
        subject="Comment name",
        sender="kevin.ma2@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["The name is a comment."],
    )
    mk(
        "from-without-angle-brackets",
        head("from-without-angle-brackets", "Kevin Ma kevin.ma3@huaxin.example.cn", "No brackets")
        + "\nNo angle brackets.\n",
        subject="No brackets",
        sender="kevin.ma3@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["No angle brackets."],
    )
    mk(
        "from-unclosed-quote",
        head("from-unclosed-quote", '"Kevin Ma <kevin.ma4@huaxin.example.cn>', "Unclosed quote")
        + "\nThe quote never closes.\n",
        subject="Unclosed quote",
        sender="kevin.ma4@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["never closes"],
    )
    mk(
        "from-encoded-word-bad-charset",
        head(
            "from-encoded-word-bad-charset",
            "=?x-no-such-charset?B?"
            + base64.b64encode("马凯".encode()).decode()
            + "?= <kevin.ma5@huaxin.example.cn>",
            "Bad charset name",
        )
        + "\nName in an unknown charset.\n",
        subject="Bad charset name",
        sender="kevin.ma5@huaxin.example.cn",
        sender_name="马凯",
        body=["unknown charset"],
    )
    mk(
        "folded-from-and-subject-tabs",
        "From:\n\t=?utf-8?B?6ams5Yev?=\n\t<kevin.ma6@huaxin.example.cn>\nTo: support@gongdan.test\nSubject: Folded\n\twith tabs\nMessage-ID:\n\t<folded-from-and-subject-tabs@corpus.example.cn>\n\nFolded with tabs.\n",
        subject="Folded with tabs",
        sender="kevin.ma6@huaxin.example.cn",
        sender_name="马凯",
        body=["Folded with tabs."],
    )
    mk(
        "content-type-garbage-params",
        head("content-type-garbage-params", who, "Garbage params")
        + MIME
        + 'Content-Type: text/plain; charset=utf-8; ;; name=""; =x; format=flowed;\nContent-Disposition: ;;filename=\n\nGarbage parameters.\n',
        subject="Garbage params",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["Garbage parameters."],
    )
    mk(
        "attachment-without-name",
        head("attachment-without-name", who, "Unnamed attachment")
        + MIME
        + multi(
            "mixed",
            "nn",
            [
                plain("See the unnamed file."),
                "Content-Type: application/pdf\nContent-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n"
                + b64(PDF),
            ],
        ),
        subject="Unnamed attachment",
        sender="kevin.ma@huaxin.example.cn",
        sender_name="Kevin Ma",
        body=["See the unnamed file.", "part-1"],
    )
    mk(
        "encoded-word-in-address-local-part",
        head(
            "encoded-word-in-address-local-part",
            f"{bword('马凯')} <kevin.ma7@huaxin.example.cn>",
            "=?utf-8?Q?a=5Fb?= =?utf-8?Q?_c?=",
        )
        + "\nQ words with underscores.\n",
        subject="a_b c",
        sender="kevin.ma7@huaxin.example.cn",
        sender_name="马凯",
        body=["Q words"],
    )


def missing_sender() -> None:
    base = "To: support@gongdan.test\nSubject: {s}\nMessage-ID: <{m}@corpus.example.cn>\nDate: Tue, 24 Nov 2026 09:00:00 +0800\n"
    mk(
        "no-from-header",
        base.format(s="No sender at all", m="no-from-header") + "\nWho wrote this?\n",
        outcome="quarantined",
        reason="no_sender",
        subject="No sender at all",
        sender="",
    )
    mk(
        "from-empty",
        "From: \n" + base.format(s="Empty From", m="from-empty") + "\nEmpty From header.\n",
        outcome="quarantined",
        reason="no_sender",
        subject="Empty From",
        sender="",
    )
    mk(
        "from-name-only",
        f"From: {bword('张三')}\n"
        + base.format(s=bword("只有名字"), m="from-name-only")
        + "\n只有名字没有地址。\n",
        outcome="quarantined",
        reason="no_sender",
        subject="只有名字",
        sender="",
    )
    mk(
        "from-missing-sender-header-used",
        "Sender: Office Printer <printer@huaxin.example.cn>\n"
        + base.format(s="Scan to mail", m="from-missing-sender-header-used")
        + "\nScanned document.\n",
        subject="Scan to mail",
        sender="printer@huaxin.example.cn",
        sender_name="Office Printer",
        body=["Scanned document."],
    )
    mk(
        "from-missing-reply-to-used",
        "Reply-To: Web Form <webform-user@example.cn>\n"
        + base.format(s="Website enquiry", m="from-missing-reply-to-used")
        + "\nEnquiry from the website.\n",
        subject="Website enquiry",
        sender="webform-user@example.cn",
        sender_name="Web Form",
        body=["Enquiry from the website."],
    )


def huge() -> None:
    who = "Log Sender <logs@huaxin.example.cn>"
    line = "2026-11-24 09:00:00 ERROR 连接数据库超时 connection timed out after 30s\n"
    mk(
        "huge-plain-body",
        head("huge-plain-body", who, "Huge log in body")
        + MIME
        + plain("日志如下：\n" + line * 2500),
        subject="Huge log in body",
        sender="logs@huaxin.example.cn",
        sender_name="Log Sender",
        files=["message-full-text.txt"],
        body=["日志如下", "The text was cut at 40000 characters"],
        imap=True,
    )
    mk(
        "huge-html-body",
        head("huge-html-body", who, "Huge HTML table")
        + MIME
        + htmlpart("<table>" + "<tr><td>设备</td><td>状态正常</td></tr>" * 9000 + "</table>"),
        subject="Huge HTML table",
        sender="logs@huaxin.example.cn",
        sender_name="Log Sender",
        files=["message-full-text.txt"],
        body=["设备", "The text was cut at 40000 characters"],
    )
    mk(
        "huge-single-line",
        head("huge-single-line", who, "One enormous line") + "\n" + "A" * 60000 + "\n",
        subject="One enormous line",
        sender="logs@huaxin.example.cn",
        sender_name="Log Sender",
        files=["message-full-text.txt"],
        body=["AAAA", "The text was cut at 40000 characters"],
    )


def more_shapes() -> None:
    """Everyday shapes from other clients, in the charsets they use."""
    rows = [
        (
            "gmail-alternative-utf8",
            "Lucy Chen <lucy.chen@gmail.example.com>",
            "Wi-Fi password",
            "What is the guest Wi-Fi password?",
            "utf-8",
            "X-Gm-Message-State: AOJu0Yw\n",
        ),
        (
            "apple-mail-qp",
            "陈露 <chen.lu@icloud.example.com>",
            "共享盘打不开",
            "共享盘 Z: 打不开。",
            "utf-8",
            "X-Mailer: Apple Mail (2.3774.500.171.1.1)\n",
        ),
        (
            "thunderbird-format-flowed",
            "Henrik <henrik@example.se>",
            "Kalender synkar inte",
            "Kalendern synkar inte med telefonen.",
            "iso-8859-1",
            "User-Agent: Mozilla Thunderbird\n",
        ),
        (
            "sina-gbk",
            "方明 <fangming@sina.example.com>",
            "网站无法访问",
            "公司官网无法访问。",
            "gbk",
            "X-Mailer: SinaMail 3.0\n",
        ),
        (
            "sohu-gb2312",
            "宋佳 <songjia@sohu.example.com>",
            "会员退款",
            "申请会员退款。",
            "gb2312",
            "X-Mailer: Sohu Mail\n",
        ),
        (
            "tencent-exmail-utf8",
            "唐亮 <tang.liang@corp.exmail.example.cn>",
            "企业微信无法登录",
            "企业微信提示设备未授权。",
            "utf-8",
            "X-QQ-SSF: 00000000000000F0\nX-Mailer: Tencent Exmail\n",
        ),
        (
            "dingtalk-mail-utf8",
            "钉邮用户 <user@dingtalk.example.com>",
            "考勤打卡异常",
            "今天的考勤打卡没有记录。",
            "utf-8",
            "X-Mailer: DingTalk Mail\n",
        ),
        (
            "wps-mail-gb18030",
            "胡斌 <hubin@wps.example.cn>",
            "文档无法保存",
            "WPS 文档无法保存到云盘。",
            "gb18030",
            "X-Mailer: WPS Mail\n",
        ),
        (
            "android-mail-big5",
            "李美玲 <li.ml@example.tw>",
            "系統當機",
            "系統今天當機兩次。",
            "big5",
            "X-Mailer: Android Mail\n",
        ),
        (
            "traditional-utf8-hk",
            "張家豪 <cheung.kh@example.hk>",
            "打印機冇反應",
            "打印機冇反應，請派人嚟睇。",
            "utf-8",
            "",
        ),
    ]
    for slug, sender, subject, text, charset, extra in rows:
        name, addr = sender.split(" <")
        mk(
            slug,
            head(slug, f"{bword(name, charset)} <{addr}", bword(subject, charset), extra)
            + MIME
            + alt(text, f"<p>{text}</p>", charset, slug[:10]),
            subject=subject,
            sender=addr.rstrip(">"),
            sender_name=name,
            body=[text],
        )


GROUPS = (
    first_corpus,
    outlook_exchange,
    foxmail,
    qq_mail,
    netease,
    alibaba,
    charsets,
    uuencoded,
    signed,
    opaque_signed,
    forwards,
    malformed,
    missing_sender,
    huge,
    more_shapes,
)


def built() -> dict[str, bytes]:
    """Every message by file name, as ``write`` writes them."""
    MESSAGES.clear()
    for group in GROUPS:
        group()
    slugs = {e.file[4:] for e, _raw in MESSAGES}
    assert len(slugs) == len(MESSAGES), "slugs must be unique"
    for expect, _raw in MESSAGES:
        if expect.after:
            expect.after = next(e.file for e, _r in MESSAGES if e.file[4:-4] == expect.after)
    return {e.file: raw for e, raw in MESSAGES}


def write() -> None:
    files = built()
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("*.eml"):
        old.unlink()
    for name, raw in files.items():
        (HERE / name).write_bytes(raw)
    manifest = [asdict(e) for e, _raw in MESSAGES]
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (HERE / "manifest.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"{len(MESSAGES)} messages written to {HERE}")

"""Helpers to write realistic mail, and the first corpus, written here: the shapes Outlook,
Foxmail, QQ Mail, Gmail and Apple Mail send, in UTF-8, GBK, GB2312, GB18030 and Big5, with
replies, forwards, auto-replies, bounces, attachments, inline images, winmail.dat and a missing
Message-ID.

Each ``Case`` has the raw bytes and what intake must do with them: ``expect`` is "ticket",
"reply" or "ignored:<reason>"; ``title`` / ``body`` are substrings the result must contain, and
``files`` the attachment names the ticket must get. These cases are now part of the .eml
corpus in ``mail/`` (written by ``make_corpus.py``, checked exactly by ``test_corpus.py``).
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formataddr, parseaddr

MAILBOX = "support@gongdan.test"


@dataclass
class Case:
    name: str
    raw: bytes
    expect: str
    title: str = ""
    body: str = ""
    files: list[str] = field(default_factory=list)
    not_in_body: str = ""


def b64(text: str, charset: str) -> str:
    return base64.encodebytes(text.encode(charset)).decode("ascii")


def qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def word(text: str, charset: str) -> str:
    """An RFC 2047 encoded word, as mail clients write Chinese headers."""
    return Header(text, charset).encode()


def address(value: str, charset: str = "utf-8") -> str:
    """``名字 <a@b>`` as a client writes it: the display name as an encoded word."""
    name, addr = parseaddr(value)
    if not name or name.isascii():
        return value
    return formataddr((name, addr), charset=charset)


def mail(
    *,
    sender: str,
    subject: str,
    body: str,
    charset: str = "utf-8",
    message_id: str | None = "<{n}@mail.example.cn>",
    headers: str = "",
    mailer: str = "",
    encoding: str = "base64",
    content_type: str = "text/plain",
    n: int = 0,
) -> bytes:
    encoded = b64(body, charset) if encoding == "base64" else qp(body, charset)
    mid = f"Message-ID: {message_id.format(n=n)}\n" if message_id else ""
    text = (
        f"From: {address(sender, charset)}\nTo: {MAILBOX}\nSubject: {word(subject, charset)}\n"
        f"Date: Mon, 23 Nov 2026 09:{n % 60:02d}:00 +0800\n{mid}{headers}"
        f"{mailer}MIME-Version: 1.0\n"
        f'Content-Type: {content_type}; charset="{charset}"\n'
        f"Content-Transfer-Encoding: {encoding}\n\n{encoded}"
    )
    return text.replace("\n", "\r\n").encode("utf-8")  # 8-bit only in raw extra headers


def multipart(
    *,
    sender: str,
    subject: str,
    parts: list[str],
    kind: str = "mixed",
    message_id: str = "<{n}@mail.example.cn>",
    headers: str = "",
    charset: str = "utf-8",
    n: int = 0,
) -> bytes:
    boundary = f"----=_Part_{n}_gongdan"
    body = "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n"
    text = (
        f"From: {address(sender, charset)}\nTo: {MAILBOX}\nSubject: {word(subject, charset)}\n"
        f"Date: Mon, 23 Nov 2026 10:{n % 60:02d}:00 +0800\nMessage-ID: {message_id.format(n=n)}\n"
        f'{headers}MIME-Version: 1.0\nContent-Type: multipart/{kind}; boundary="{boundary}"\n\n'
        f"{body}"
    )
    return text.replace("\n", "\r\n").encode("utf-8")  # 8-bit only in raw extra headers


def text_part(body: str, charset: str = "utf-8", subtype: str = "plain") -> str:
    return (
        f'Content-Type: text/{subtype}; charset="{charset}"\n'
        f"Content-Transfer-Encoding: base64\n\n{b64(body, charset)}"
    )


def file_part(
    name: str, data: bytes, ctype: str, *, inline_cid: str = "", charset: str = ""
) -> str:
    encoded_name = word(name, charset) if charset else name
    disposition = "inline" if inline_cid else "attachment"
    cid = f"Content-ID: <{inline_cid}>\n" if inline_cid else ""
    return (
        f'Content-Type: {ctype}; name="{encoded_name}"\n{cid}'
        f'Content-Disposition: {disposition}; filename="{encoded_name}"\n'
        f"Content-Transfer-Encoding: base64\n\n{base64.encodebytes(data).decode('ascii')}"
    )


def alternative(plain: str, markup: str, charset: str = "utf-8", n: int = 0) -> str:
    boundary = f"----=_Alt_{n}"
    return (
        f'Content-Type: multipart/alternative; boundary="{boundary}"\n\n'
        f"--{boundary}\n{text_part(plain, charset)}\n"
        f"--{boundary}\n{text_part(markup, charset, 'html')}\n--{boundary}--"
    )


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

OUTLOOK = "X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnTcbUvPZHq7R0kT5a8q2Xc1w==\n"
FOXMAIL = "X-Mailer: Foxmail 7.2.25.228[cn]\nX-Priority: 3\n"
QQ = "X-QQ-mid: xmsezb3c-0t1700000000tq1z3v3sp\nX-QQ-ORGSender: qq@qq.com\n"
GMAIL = "X-Gm-Message-State: AOJu0Yw\nX-Google-Smtp-Source: AGHT+IE\n"
APPLE = "X-Mailer: Apple Mail (2.3774.500.171.1.1)\n"


def cases() -> list[Case]:
    c: list[Case] = []
    n = iter(range(1, 1000))

    def add(case: Case) -> None:
        c.append(case)

    # --- plain new requests in every charset and client ------------------------------------
    add(
        Case(
            "utf8_plain",
            mail(
                sender="张伟 <zhang.wei@huaxin.example.cn>",
                subject="打印机无法打印",
                body="您好，三楼的打印机无法打印，显示脱机。",
                n=next(n),
            ),
            "ticket",
            title="打印机无法打印",
            body="显示脱机",
        )
    )
    add(
        Case(
            "gbk_foxmail",
            mail(
                sender="李娜 <li.na@huaxin.example.cn>",
                subject="VPN 连不上",
                body="今天早上开始 VPN 一直连不上，提示错误 809。",
                charset="gbk",
                mailer=FOXMAIL,
                n=next(n),
            ),
            "ticket",
            title="VPN 连不上",
            body="错误 809",
        )
    )
    add(
        Case(
            "gb2312_label_gbk_chars",
            mail(
                sender="王芳 <wang.fang@huaxin.example.cn>",
                subject="密码重置：喆",
                body="请帮我重置邮箱密码，用户名 王喆（喆 不在 GB2312 中）。",
                charset="gbk",
                n=next(n),
            )
            .replace(b'charset="gbk"', b'charset="gb2312"')
            .replace(b"?gbk?", b"?gb2312?"),
            "ticket",
            title="密码重置：喆",
            body="王喆",
        )
    )
    add(
        Case(
            "gb18030",
            mail(
                sender="赵强 <zhao.q@huaxin.example.cn>",
                subject="网络中断 𠀀",
                body="机房网络中断，交换机指示灯不亮。𠀀",
                charset="gb18030",
                n=next(n),
            ),
            "ticket",
            title="网络中断",
            body="交换机指示灯",
        )
    )
    add(
        Case(
            "big5",
            mail(
                sender="陳美玲 <chen.ml@tw.example.com>",
                subject="印表機卡紙",
                body="您好，二樓的印表機一直卡紙，請派人處理。",
                charset="big5",
                n=next(n),
            ),
            "ticket",
            title="印表機卡紙",
            body="派人處理",
        )
    )
    add(
        Case(
            "big5_hkscs_name",
            mail(
                sender="何嘉欣 <ho.kayan@hk.example.com>",
                subject="系統登入問題",
                body="無法登入系統，顯示帳號已鎖定。",
                charset="big5hkscs",
                n=next(n),
            )
            .replace(b'charset="big5hkscs"', b'charset="big5"')
            .replace(b"?big5hkscs?", b"?big5?"),
            "ticket",
            title="系統登入問題",
            body="帳號已鎖定",
        )
    )
    add(
        Case(
            "english_outlook",
            mail(
                sender="John Smith <john.smith@globex.example.com>",
                subject="Laptop will not boot",
                body="Hi,\n\nMy laptop shows a black screen after the logo.\n\nThanks,\nJohn",
                mailer=OUTLOOK,
                encoding="quoted-printable",
                n=next(n),
            ),
            "ticket",
            title="Laptop will not boot",
            body="black screen",
        )
    )
    add(
        Case(
            "qq_mail",
            mail(
                sender="=?utf-8?B?5bCP5piO?= <12345678@qq.com>",
                subject="发票开错了",
                body="你好，上个月的发票抬头开错了，请重开。",
                headers=QQ,
                n=next(n),
            ),
            "ticket",
            title="发票开错了",
            body="抬头开错了",
        )
    )
    add(
        Case(
            "gmail_qp",
            mail(
                sender="Mei Lin <mei.lin@gmail.com>",
                subject="账号被锁 account locked",
                body="我的账号被锁了 my account is locked after 5 tries.",
                headers=GMAIL,
                encoding="quoted-printable",
                n=next(n),
            ),
            "ticket",
            title="account locked",
            body="after 5 tries",
        )
    )
    add(
        Case(
            "apple_mail",
            mail(
                sender="刘洋 <liu.yang@icloud.com>",
                subject="Mac 无法连接打印机",
                body="Mac 更新后无法添加打印机。\n\n发自我的 iPhone",
                mailer=APPLE,
                n=next(n),
            ),
            "ticket",
            title="Mac 无法连接打印机",
            body="无法添加打印机",
        )
    )
    add(
        Case(
            "no_message_id",
            mail(
                sender="孙丽 <sun.li@huaxin.example.cn>",
                subject="没有 Message-ID 的邮件",
                body="这封邮件没有 Message-ID。",
                message_id=None,
                n=next(n),
            ),
            "ticket",
            title="没有 Message-ID",
            body="没有 Message-ID",
        )
    )
    add(
        Case(
            "empty_subject",
            mail(
                sender="周杰 <zhou.jie@huaxin.example.cn>",
                subject="",
                body="忘了写主题：会议室投影仪坏了。",
                n=next(n),
            ),
            "ticket",
            title="(no subject)",
            body="投影仪坏了",
        )
    )
    add(
        Case(
            "long_subject",
            mail(
                sender="吴敏 <wu.min@huaxin.example.cn>",
                subject="很长的主题" * 60,
                body="主题超长。",
                n=next(n),
            ),
            "ticket",
            title="很长的主题",
            body="主题超长",
        )
    )
    add(
        Case(
            "html_only",
            mail(
                sender="郑华 <zheng.hua@huaxin.example.cn>",
                subject="HTML 邮件",
                body="<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
                "<p>服务器&nbsp;<b>磁盘已满</b></p><div>请尽快处理&amp;回复</div></body></html>",
                content_type="text/html",
                n=next(n),
            ),
            "ticket",
            title="HTML 邮件",
            body="磁盘已满",
            not_in_body="alert(1)",
        )
    )
    add(
        Case(
            "html_only_gbk",
            mail(
                sender="冯刚 <feng.gang@huaxin.example.cn>",
                subject="HTML GBK",
                body="<p>空调漏水</p><p>在 5 楼</p>",
                charset="gbk",
                content_type="text/html",
                n=next(n),
            ),
            "ticket",
            title="HTML GBK",
            body="空调漏水",
        )
    )
    k = next(n)
    add(
        Case(
            "alternative_outlook",
            multipart(
                sender="陈晨 <chen.chen@huaxin.example.cn>",
                subject="ERP 报表打不开",
                kind="alternative",
                n=k,
                headers=OUTLOOK,
                parts=[
                    text_part("ERP 月度报表打不开，提示超时。"),
                    text_part("<p>ERP 月度报表打不开，<b>提示超时</b>。</p>", subtype="html"),
                ],
            ),
            "ticket",
            title="ERP 报表打不开",
            body="提示超时",
        )
    )
    k = next(n)
    add(
        Case(
            "alternative_gbk_foxmail",
            multipart(
                sender="杨帆 <yang.fan@huaxin.example.cn>",
                subject="电脑蓝屏",
                kind="alternative",
                n=k,
                charset="gbk",
                headers=FOXMAIL,
                parts=[
                    text_part("电脑频繁蓝屏，代码 0x0000007B。", "gbk"),
                    text_part("<div>电脑频繁蓝屏，代码 0x0000007B。</div>", "gbk", "html"),
                ],
            ),
            "ticket",
            title="电脑蓝屏",
            body="0x0000007B",
        )
    )

    # --- attachments -----------------------------------------------------------------------------
    k = next(n)
    add(
        Case(
            "attachment_pdf",
            multipart(
                sender="黄磊 <huang.lei@huaxin.example.cn>",
                subject="合同扫描件",
                n=k,
                parts=[
                    text_part("附件是合同扫描件。"),
                    file_part("contract.pdf", PDF, "application/pdf"),
                ],
            ),
            "ticket",
            title="合同扫描件",
            files=["contract.pdf"],
        )
    )
    k = next(n)
    add(
        Case(
            "attachment_chinese_name",
            multipart(
                sender="林静 <lin.jing@huaxin.example.cn>",
                subject="故障截图",
                n=k,
                parts=[
                    text_part("见截图。"),
                    file_part("故障截图.png", PNG, "image/png", charset="utf-8"),
                ],
            ),
            "ticket",
            title="故障截图",
            files=["故障截图.png"],
        )
    )
    k = next(n)
    add(
        Case(
            "attachment_gbk_name",
            multipart(
                sender="何勇 <he.yong@huaxin.example.cn>",
                subject="报价单",
                n=k,
                charset="gbk",
                parts=[
                    text_part("请查收报价单。", "gbk"),
                    file_part("报价单.pdf", PDF, "application/pdf", charset="gbk"),
                ],
            ),
            "ticket",
            title="报价单",
            files=["报价单.pdf"],
        )
    )
    k = next(n)
    add(
        Case(
            "inline_image_cid",
            multipart(
                sender="高洁 <gao.jie@huaxin.example.cn>",
                subject="内嵌图片",
                kind="related",
                n=k,
                parts=[
                    text_part('<p>如图：<img src="cid:img001@gongdan"></p>', subtype="html"),
                    file_part("image001.png", PNG, "image/png", inline_cid="img001@gongdan"),
                ],
            ),
            "ticket",
            title="内嵌图片",
            body="如图",
            files=["image001.png"],
        )
    )
    k = next(n)
    add(
        Case(
            "winmail_dat",
            multipart(
                sender="Mark Lee <mark.lee@globex.example.com>",
                subject="Quote attached",
                n=k,
                headers=OUTLOOK,
                parts=[
                    text_part("Please see the quote."),
                    file_part(
                        "winmail.dat", b"\x78\x9f\x3e\x22" + b"\x00" * 40, "application/ms-tnef"
                    ),
                ],
            ),
            "ticket",
            title="Quote attached",
            body="winmail.dat",
        )
    )
    k = next(n)
    add(
        Case(
            "refused_exe",
            multipart(
                sender="马超 <ma.chao@huaxin.example.cn>",
                subject="驱动程序",
                n=k,
                parts=[
                    text_part("驱动在附件。"),
                    file_part("driver.exe", b"MZ" + b"\x00" * 60, "application/octet-stream"),
                ],
            ),
            "ticket",
            title="驱动程序",
            body="driver.exe",
        )
    )
    k = next(n)
    add(
        Case(
            "forwarded_eml",
            multipart(
                sender="罗敏 <luo.min@huaxin.example.cn>",
                subject="Fwd: 客户投诉",
                n=k,
                parts=[
                    text_part("转发客户投诉，请处理。"),
                    "Content-Type: message/rfc822\n"
                    'Content-Disposition: attachment; filename="complaint.eml"\n\n'
                    "From: customer@example.com\nSubject: complaint\n\nThe product broke.",
                ],
            ),
            "ticket",
            title="客户投诉",
            body="转发客户投诉",
            files=["complaint.eml"],
        )
    )
    add(
        Case(
            "forward_inline",
            mail(
                sender="宋雨 <song.yu@huaxin.example.cn>",
                subject="转发: 网络故障",
                body="请帮忙看看。\n\n-------- 原始邮件 --------\n"
                "发件人: 张三\n主题: 网络故障\n\n网络断了。",
                n=next(n),
            ),
            "ticket",
            title="网络故障",
            body="原始邮件",
        )
    )

    # --- noise: never a ticket ------------------------------------------------------------------
    add(
        Case(
            "auto_submitted",
            mail(
                sender="李娜 <li.na@huaxin.example.cn>",
                subject="Re: 打印机",
                body="自动回复",
                headers="Auto-Submitted: auto-replied\n",
                n=next(n),
            ),
            "ignored:auto_submitted",
        )
    )
    add(
        Case(
            "auto_reply_subject_cn",
            mail(
                sender="王芳 <wang.fang@huaxin.example.cn>",
                subject="自动回复: 休假中",
                body="我正在休假，12 月 1 日回来。",
                n=next(n),
            ),
            "ignored:autoreply_subject",
        )
    )
    add(
        Case(
            "out_of_office_en",
            mail(
                sender="John Smith <john.smith@globex.example.com>",
                subject="Out of Office: back Monday",
                body="I am away.",
                n=next(n),
            ),
            "ignored:autoreply_subject",
        )
    )
    add(
        Case(
            "precedence_bulk",
            mail(
                sender="news <news@vendor.example.com>",
                subject="本周新闻",
                body="新闻通讯",
                headers="Precedence: bulk\n",
                n=next(n),
            ),
            "ignored:precedence",
        )
    )
    add(
        Case(
            "x_autoreply",
            mail(
                sender="赵强 <zhao.q@huaxin.example.cn>",
                subject="Re: 网络",
                body="收到",
                headers="X-Autoreply: yes\n",
                n=next(n),
            ),
            "ignored:autoreply_header",
        )
    )
    add(
        Case(
            "exchange_suppress",
            mail(
                sender="Auto <auto@globex.example.com>",
                subject="Notice",
                body="x",
                headers="X-Auto-Response-Suppress: All\n",
                n=next(n),
            ),
            "ignored:autoreply_header",
        )
    )
    k = next(n)
    add(
        Case(
            "bounce_dsn",
            multipart(
                sender="MAILER-DAEMON@mail.example.cn",
                subject="Undelivered Mail Returned to Sender",
                kind="report; report-type=delivery-status",
                n=k,
                parts=[
                    text_part("I'm sorry to have to inform you..."),
                    "Content-Type: message/delivery-status\n\n"
                    "Reporting-MTA: dns; mail.example.cn\n",
                ],
            ),
            "ignored:delivery_report",
        )
    )
    add(
        Case(
            "postmaster",
            mail(
                sender="postmaster@huaxin.example.cn",
                subject="退信通知",
                body="投递失败",
                n=next(n),
            ),
            "ignored:delivery_report",
        )
    )
    add(
        Case(
            "qq_bounce_subject",
            mail(
                sender="10000@qq.com",
                subject="退信：无法投递",
                body="投递失败",
                headers=QQ,
                n=next(n),
            ),
            "ignored:autoreply_subject",
        )
    )
    add(
        Case(
            "own_address",
            mail(sender=f"gongdan <{MAILBOX}>", subject="我们自己发的", body="循环", n=next(n)),
            "ignored:own_address",
        )
    )
    add(
        Case(
            "no_sender",
            mail(sender="undisclosed-recipients:;", subject="无发件人", body="x", n=next(n)),
            "ignored:no_sender",
        )
    )
    add(
        Case(
            "gongdan_notification",
            mail(
                sender="helpdesk@other-gongdan.example.com",
                subject="[GD-20261123-0001] 打印机",
                body="另一套工单系统的通知",
                headers="Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n",
                n=next(n),
            ),
            "ignored:auto_submitted",
        )
    )

    # --- replies by subject number (threading by headers is tested with real sent mail) -------
    add(
        Case(
            "reply_foreign_number",
            mail(
                sender="陌生人 <stranger@evil.example.com>",
                subject="Re: [GD-20261123-0001] 打印机",
                body="我不是这张工单的人。",
                n=next(n),
            ),
            "ticket",
            title="打印机",
            body="我不是这张工单的人",
        )
    )
    add(
        Case(
            "signature_trimmed_new",
            mail(
                sender="曹明 <cao.ming@huaxin.example.cn>",
                subject="键盘坏了",
                body="键盘有几个键失灵。\n-- \n曹明\n华信制造 IT 部\n电话 010-12345678",
                n=next(n),
            ),
            "ticket",
            title="键盘坏了",
            body="键盘有几个键失灵",
        )
    )
    add(
        Case(
            "cc_watchers",
            mail(
                sender="邓超 <deng.chao@huaxin.example.cn>",
                subject="会议系统故障",
                body="视频会议系统无声音。",
                headers=f"Cc: 经理 <manager@huaxin.example.cn>, {MAILBOX}\n",
                n=next(n),
            ),
            "ticket",
            title="会议系统故障",
        )
    )
    add(
        Case(
            "mixed_language",
            mail(
                sender="Lily Wang <lily.wang@globex.example.com>",
                subject="SAP 登录 error 403",
                body="登录 SAP 时报 error 403 Forbidden，昨天还好好的。",
                n=next(n),
            ),
            "ticket",
            title="SAP 登录 error 403",
            body="Forbidden",
        )
    )
    add(
        Case(
            "reply_to_header",
            mail(
                sender="系统 <noreply@portal.example.cn>",
                subject="来自网站表单",
                body="客户留言：设备报警。",
                headers="Reply-To: 客户 <real.customer@example.cn>\n",
                n=next(n),
            ),
            "ticket",
            title="来自网站表单",
            body="设备报警",
        )
    )
    return c

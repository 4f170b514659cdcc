"""A small bilingual knowledge base for the demo (``seed_demo``) and the relevance tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from gongdan.accounts.models import User
from gongdan.knowledge import services
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus, Visibility
from gongdan.knowledge.models import Article, Category


@dataclass(frozen=True)
class DemoArticle:
    key: str
    category: str
    tags: tuple[str, ...]
    zh_title: str
    zh_body: str
    en_title: str
    en_body: str


CATEGORIES = {
    "office": ("办公设备", "Office equipment"),
    "accounts": ("账号与网络", "Accounts and network"),
    "mail": ("邮件与协作", "Mail and collaboration"),
}

ARTICLES = [
    DemoArticle(
        "printer",
        "office",
        ("打印机",),
        "打印机无法打印怎么办",
        "1. 检查打印机电源和纸盒，清除**卡纸**。\n"
        "2. 在电脑上打开“设备和打印机”，确认默认打印机正确。\n"
        "3. 重新安装打印机驱动，然后打印测试页。",
        "The printer does not print",
        "1. Check the printer's power and paper tray and clear any **paper jam**.\n"
        "2. Make sure the right printer is the default one.\n"
        "3. Reinstall the printer driver and print a test page.",
    ),
    DemoArticle(
        "password",
        "accounts",
        ("密码", "账号"),
        "忘记密码：如何重置登录密码",
        "在登录页点击“忘记密码”，输入工号和手机号，按短信验证码设置新密码。"
        "新密码至少 12 位，包含字母和数字。账号被锁定时请等待 15 分钟。",
        "Forgot your password? Reset it",
        "On the sign-in page choose “Forgot password”, enter your staff number and mobile "
        "number, and set a new password with the SMS code. Locked accounts unlock after 15 "
        "minutes.",
    ),
    DemoArticle(
        "vpn",
        "accounts",
        ("VPN", "远程办公"),
        "VPN 连不上的排查步骤",
        "在家远程办公时 VPN 连不上：先确认本地网络正常，再检查 VPN 客户端版本；"
        "提示证书过期时重新下载证书。仍然失败请记录错误代码后提交工单。",
        "VPN cannot connect",
        "When the VPN client cannot connect from home, check your own internet first, then the "
        "client version; download the certificate again if it has expired.",
    ),
    DemoArticle(
        "network",
        "accounts",
        ("网络", "Wi-Fi"),
        "办公室网络断开、无法上网",
        "检查网线是否插好、网口指示灯是否亮起；无线网络请连接 Corp-WiFi 并重新输入密码。"
        "整层断网时请联系 IT 值班电话。",
        "No network in the office",
        "Check that the network cable is plugged in and the port light is on; on Wi-Fi join "
        "Corp-WiFi again. If the whole floor is offline, call the IT duty phone.",
    ),
    DemoArticle(
        "outlook",
        "mail",
        ("邮件", "Outlook"),
        "Outlook 收不到邮件",
        "检查收件箱是否已满（超过 50 GB），查看垃圾邮件文件夹，"
        "在 Outlook 中选择“发送/接收所有文件夹”。",
        "Outlook does not receive email",
        "Check whether the mailbox is full (over 50 GB), look in the junk folder, and choose "
        "“Send/Receive All Folders” in Outlook.",
    ),
    DemoArticle(
        "laptop",
        "office",
        ("电脑", "申请"),
        "如何申请新笔记本电脑",
        "在门户提交“设备申请”工单，注明用途和部门负责人；审批通过后 3 个工作日内发放。",
        "How to request a new laptop",
        "Submit an equipment request ticket in the portal naming the purpose and your manager; "
        "laptops are handed out within 3 working days after approval.",
    ),
    DemoArticle(
        "projector",
        "office",
        ("会议室", "投影仪"),
        "会议室投影仪没有画面",
        "确认投影仪已开机并选择 HDMI 输入；笔记本按 Win+P 选择“复制”。",
        "The meeting-room projector shows nothing",
        "Make sure the projector is on and set to the HDMI input; on the laptop press Win+P "
        "and choose Duplicate.",
    ),
    DemoArticle(
        "invoice",
        "mail",
        ("发票", "报销"),
        "电子发票报销流程",
        "在财务系统上传电子发票 PDF，填写费用类型，提交给部门负责人审批。",
        "Claiming expenses with an e-invoice",
        "Upload the e-invoice PDF to the finance system, choose the expense type and send it to "
        "your manager for approval.",
    ),
]


@transaction.atomic
def seed_articles(*, actor: User) -> dict[str, Article]:
    """Create the categories and publish every demo article in Chinese and English.

    Returns the Chinese variants by key. ``actor`` must be a supervisor or an admin.
    """
    categories = {
        key: services.category_save(actor=actor, name=zh, name_en=en, position=i)
        for i, (key, (zh, en)) in enumerate(CATEGORIES.items())
    }
    made: dict[str, Article] = {}
    for spec in ARTICLES:
        base = services.ArticleData(
            title=spec.zh_title,
            body=spec.zh_body,
            category=categories[spec.category],
            tags=spec.tags,
            visibility=Visibility.PUBLIC,
        )
        zh = services.article_create(actor=actor, data=base, language=ArticleLanguage.ZH_HANS)
        base.title, base.body = spec.en_title, spec.en_body
        en = services.article_create(
            actor=actor, data=base, language=ArticleLanguage.EN, variant_of=zh
        )
        for article in (zh, en):
            services.article_transition(actor=actor, article=article, to=ArticleStatus.PUBLISHED)
        made[spec.key] = zh
    return made


def demo_category(key: str) -> Category:
    return Category.objects.get(name=CATEGORIES[key][0])

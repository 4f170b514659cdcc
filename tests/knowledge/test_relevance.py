"""Suggestions find the right article: Chinese, English and mixed queries over the demo set."""

from __future__ import annotations

import pytest

from gongdan.core.testing import World
from gongdan.knowledge import selectors
from tests.knowledge.conftest import Kb

pytestmark = pytest.mark.django_db

CASES = [
    ("打印", "printer"),
    ("打印机卡纸了", "printer"),
    ("密码", "password"),
    ("忘记密码 登录不了", "password"),
    ("网络", "network"),
    ("办公室无法上网", "network"),
    ("VPN 连不上", "vpn"),
    ("在家 VPN 无法连接", "vpn"),
    ("Outlook 收不到邮件", "outlook"),
    ("printer paper jam", "printer"),
    ("reset my password", "password"),
    ("vpn cannot connect from home", "vpn"),
    ("projector no picture", "projector"),
    ("发票报销", "invoice"),
    ("申请笔记本电脑", "laptop"),
]


@pytest.mark.parametrize(("text", "key"), CASES)
def test_expected_article_in_top_five(world: World, kb: Kb, text: str, key: str) -> None:
    found = selectors.article_suggest(user=world.customer, text=text, limit=5)
    groups = [a.group_id for a in found]
    assert kb.demo[key].group_id in groups, [a.title for a in found]

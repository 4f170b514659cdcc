"""Suggestions find the right article: Chinese, English and mixed queries over the demo set."""

from __future__ import annotations

import pytest

from gongdan.knowledge import selectors
from gongdan.testing import World
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


def test_sqlite_keeps_an_index_of_articles_alone_in_step(world: World, kb: Kb, live) -> None:  # type: ignore[no-untyped-def]
    """Suggestions read a small FTS5 index of articles (SQLite): tickets never enter it, and an
    article's edit or removal reaches it."""
    from django.db import connection

    from gongdan.knowledge import services
    from gongdan.knowledge.choices import Visibility
    from gongdan.search.models import SearchDocument

    if connection.vendor != "sqlite":
        pytest.skip("the article index is SQLite's (PostgreSQL filters its one GIN index)")
    with live():
        world.ticket(title="打印机卡纸 这是工单不是文章")

    def indexed(word: str = "打印机") -> set[int]:
        with connection.cursor() as cursor:
            sql = "SELECT rowid FROM search_fts_article WHERE search_fts_article MATCH %s"
            cursor.execute(sql, [word])
            return {row[0] for row in cursor.fetchall()}

    docs = dict(SearchDocument.objects.filter(kind="article").values_list("obj_id", "id"))
    printer = kb.demo["printer"]
    assert docs[printer.pk] in indexed()
    assert not SearchDocument.objects.filter(kind="ticket", id__in=indexed()).exists()

    with live():
        services.article_update(
            actor=world.supervisor,
            article=printer,
            data=services.ArticleData(
                title="复印件扫描说明", body="扫描仪的使用方法。", visibility=Visibility.PUBLIC
            ),
            version=printer.version,
        )
    doc = SearchDocument.objects.get(kind="article", obj_id=printer.pk).pk
    assert doc not in indexed() and doc in indexed("扫描")
    assert printer.pk in [a.pk for a in selectors.article_suggest(user=world.customer, text="扫描")]

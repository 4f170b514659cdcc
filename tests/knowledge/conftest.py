"""Knowledge-base tests: the personas' world plus the bilingual demo articles, indexed through
the outbox (commit hooks run, as in a real request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gongdan.demo.knowledge import seed_articles
from gongdan.knowledge import services
from gongdan.knowledge.choices import ArticleStatus, Visibility
from gongdan.knowledge.models import Article
from gongdan.search import tokenizer
from gongdan.testing import World


@pytest.fixture(autouse=True)
def _fresh_dictionary() -> Iterator[None]:
    tokenizer.invalidate()
    yield
    tokenizer.invalidate()


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Any:
    def capture() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return capture


class Kb:
    """The seeded articles (Chinese variants by key) and a few special ones."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.demo = seed_articles(actor=world.supervisor)
        sup = world.supervisor
        self.internal = self.publish(
            services.ArticleData(
                title="内部：打印机维修备件清单 Printer spare parts",
                body="仅供工程师：打印机备件库存与供应商联系方式。",
                visibility=Visibility.INTERNAL,
            )
        )
        self.acme_only = self.publish(
            services.ArticleData(
                title="艾克米专用打印机配置 Acme printer setup",
                body="艾克米公司打印机的专用驱动与网络打印设置。",
                visibility=Visibility.ORGANIZATIONS,
                organizations=[world.acme],
            )
        )
        self.draft = services.article_create(
            actor=sup,
            data=services.ArticleData(
                title="草稿：打印机新驱动 Printer driver draft",
                body="尚未发布的打印机驱动说明。",
                visibility=Visibility.PUBLIC,
            ),
        )

    def publish(self, data: services.ArticleData) -> Article:
        article = services.article_create(actor=self.world.supervisor, data=data)
        return services.article_transition(
            actor=self.world.supervisor, article=article, to=ArticleStatus.PUBLISHED
        )


@pytest.fixture
def kb(world: World, live: Any) -> Kb:
    with live():
        return Kb(world)

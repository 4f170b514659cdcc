"""Races on PostgreSQL with real threads: WeCom re-deliveries, workers sending one attempt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from gongdan.channels.choices import Vendor
from gongdan.channels.models import ImIdentity, InboundMessage, WebhookDelivery, WecomApp
from gongdan.channels.webhooks import services
from gongdan.testing import run_together
from gongdan.tickets.models import Ticket
from tests.channels.conftest import Server
from tests.channels.test_wecom_callback import AES_KEY_B64, CORP_ID, TOKEN, post, text_message

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_eight_simultaneous_deliveries_of_one_message_make_one_ticket(world) -> None:
    ImIdentity.objects.create(user=world.customer, vendor=Vendor.WECOM, external_id="LiLei")
    WecomApp.objects.create(
        code="desk", name="服务台", corp_id=CORP_ID, token=TOKEN, encoding_aes_key=AES_KEY_B64
    )

    codes = run_together(
        8, lambda i: post(Client(), text_message("LiLei", "会议室投屏坏了", "88001")).status_code
    )

    assert codes == [200] * 8
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.get().outcome == "ticket"


def test_workers_racing_for_one_attempt_send_it_once(world, server: Server) -> None:
    server.responder = lambda seen: (200, {})
    sub, _ = services.webhook_create(
        actor=world.admin, name="ERP", url=f"{server.url}/h", event_types=["ticket.created"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=sub,
        event_id="evt_1",
        event_type="ticket.created",
        body="{}",
        scheduled_at=timezone.now(),
    )

    results = run_together(6, lambda i: services.delivery_attempt(delivery.pk))

    assert sorted(results, key=str) == [None] * 5 + ["succeeded"]
    assert len(server.seen) == 1

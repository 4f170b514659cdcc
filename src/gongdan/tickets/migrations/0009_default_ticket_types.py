"""A fresh install starts with four bilingual ticket types and a few categories for each.

Without a type, ``ticket_create`` answers ``ticket.no_type`` and a new desk cannot take its first
ticket. Only a database that has no ticket type at all gets the set, so an install that already
configured its own types is left alone; admins rename, deactivate or delete them like any other.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (code, name, English name, description, [(category, English category)])
DEFAULT_TYPES = [
    (
        "incident",
        "故障",
        "Incident",
        "服务中断或质量下降 Something stopped working or got worse",
        [("硬件", "Hardware"), ("网络", "Network"), ("软件", "Software")],
    ),
    (
        "request",
        "服务请求",
        "Service request",
        "账号、权限、设备与软件申请 Accounts, access, equipment and software",
        [("账号与权限", "Accounts & access"), ("设备与软件申请", "Equipment & software")],
    ),
    (
        "question",
        "咨询",
        "Question",
        "使用方法与一般咨询 How-to and general questions",
        [("使用咨询", "How-to"), ("其他咨询", "Other questions")],
    ),
    (
        "complaint",
        "投诉",
        "Complaint",
        "对服务或产品不满意 Unhappy with a service or product",
        [("服务投诉", "Service complaints"), ("产品投诉", "Product complaints")],
    ),
]


def add_default_types(apps: Any, schema_editor: Any) -> None:
    ticket_type_model = apps.get_model("tickets", "TicketType")
    category_model = apps.get_model("tickets", "Category")
    if ticket_type_model.objects.exists():
        return
    for order, (code, name, name_en, description, categories) in enumerate(DEFAULT_TYPES, 1):
        ticket_type = ticket_type_model.objects.create(
            code=code, name=name, name_en=name_en, description=description, sort_order=order
        )
        for position, (category, category_en) in enumerate(categories):
            category_model.objects.create(
                name=category,
                name_en=category_en,
                ticket_type=ticket_type,
                sort_order=order * 10 + position,
            )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_channel_webform")]

    operations = [migrations.RunPython(add_default_types, migrations.RunPython.noop)]

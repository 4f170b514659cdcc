"""Mark the logins that signed themselves up before sign-ups were confirmed by mail.

Which existing logins count as proven (the choice, also in docs/architecture.md, "Security"):
- staff (any role but customer): made by an administrator or a script;
- customer logins without a usable password (``mail:…`` and ``web:…`` logins made by mail intake
  and the web form): nobody signs in to them without following a link mailed to the address;
- customer logins with a ``user.created`` audit event: made by staff in the workspace or the API;
- customer logins whose contact belongs to an organization: the old sign-up never placed anyone
  in one, so staff (or a seeding or import script) did.
The rest, customer logins with a usable password whose login name is their own email address or
mobile number, made by no staff member and in no organization, are what ``customer_register``
used to make unchecked: they are marked unproven. Such a login keeps signing in as before; mail and web forms
from its address are no longer filed under it until a password link mailed to the address proves
it (``portal:password_reset``). Reversing the migration drops nothing but the marks.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import F, Q


def mark_unproven(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    created_by_staff = AuditEvent.objects.filter(
        action="user.created", object_type="accounts.User"
    ).values_list("object_id", flat=True)
    staff_made = {int(pk) for pk in created_by_staff if str(pk).isdigit()}
    candidates = (
        User.objects.filter(role="customer")
        .filter(Q(username__iexact=F("email")) | Q(username=F("mobile")))
        .exclude(username="")
        .exclude(password__startswith="!")  # unusable password: a channel login
        .exclude(password="")
        .exclude(contact__organization__isnull=False)
    )
    unproven = [pk for pk in candidates.values_list("pk", flat=True) if pk not in staff_made]
    for start in range(0, len(unproven), 500):
        User.objects.filter(pk__in=unproven[start : start + 500]).update(address_proven=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_address_proven"),
        ("audit", "0001_initial"),
        ("customers", "0002_organization_tier"),
    ]

    operations = [migrations.RunPython(mark_unproven, migrations.RunPython.noop)]

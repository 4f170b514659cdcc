from django.db import models
from django.utils.translation import gettext_lazy as _


class DocKind(models.TextChoices):
    """What a search document stands for (one document per object)."""

    TICKET = "ticket", _("Ticket")
    ORGANIZATION = "organization", _("Organization")
    CONTACT = "contact", _("Contact")
    USER = "user", _("User")
    ARTICLE = "article", _("Knowledge article")


# Kinds only service staff may search; customers search their visible tickets only.
STAFF_ONLY_KINDS = frozenset({DocKind.ORGANIZATION, DocKind.CONTACT, DocKind.USER})

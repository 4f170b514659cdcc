"""Who the service is for: organizations (customer companies) and their contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import mobile_validator


class Organization(models.Model):
    """A customer company. Its contacts submit tickets; its admins see all of its tickets."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email_domains = models.CharField(
        _("email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated domains whose senders belong to this organization."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tier = models.SlugField(
        _("contract tier"),
        max_length=30,
        blank=True,
        help_text=_("For example standard, silver or gold; SLA policies can match on it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person who asks for service. May exist without a login (phone, email intake)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=20, blank=True, validators=[mobile_validator]
    )
    is_org_admin = models.BooleanField(
        _("organization admin"),
        default=False,
        help_text=_("Sees every ticket of the organization in the portal."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["email"], name="customers_contact_email_idx"),
            models.Index(fields=["mobile"], name="customers_contact_mobile_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(mobile=""),
                name="customers_contact_reachable",
                violation_error_message=_("A contact needs an email address or a mobile number."),
            )
        ]

    def __str__(self) -> str:
        return self.name

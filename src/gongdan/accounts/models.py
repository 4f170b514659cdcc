"""People who use gongdan: users with a role, teams (service desks), skills and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import (
    MANAGER_ROLES,
    STAFF_ROLES,
    Availability,
    Language,
    Role,
    TeamKind,
)
from gongdan.core.events import emit

mobile_validator = RegexValidator(
    r"^\+?[0-9]{6,20}$", _("Enter a valid mobile number (digits, optionally starting with +).")
)


class UserManager(DjangoUserManager["User"]):
    """Django's manager, with a superuser that is a gongdan admin.

    ``manage.py createsuperuser`` (and ``User.objects.create_superuser``) would otherwise make a
    user with the default role, a customer, who can open the Django admin but not the desk. The
    superuser gets what ``accounts.services.user_create`` gives every admin: the role, an agent
    profile and the ``user.created`` event (search document).
    """

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        if extra_fields.setdefault("role", Role.ADMIN) != Role.ADMIN:
            raise ValueError("A superuser has the admin role.")
        with transaction.atomic(using=self._db):
            user = super().create_superuser(
                username, (email or "").strip().lower(), password, **extra_fields
            )
            AgentProfile.objects.using(self._db).create(user=user)
            emit("user.created", user=user.pk)
        return user


class User(AbstractUser):
    """Anyone who signs in: staff (admin, supervisor, agent) or a customer.

    A customer user is linked to at most one contact (``customers.Contact.user``), which places
    them in at most one organization.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=20, blank=True, validators=[mobile_validator]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, blank=True, default=""
    )
    address_proven = models.BooleanField(
        _("address proven"),
        default=True,
        help_text=_(
            "Off for a customer who signed up before sign-ups were confirmed by mail: until a "
            "mailed link proves the email address, mail and forms from that address (or mobile "
            "number) are not filed under this login."
        ),
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=~Q(email=""),
                name="accounts_user_email_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="accounts_user_mobile_unique",
                violation_error_message=_("A user with this mobile number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    @property
    def is_staff_member(self) -> bool:
        """Admins, supervisors and agents work tickets; customers only submit and follow them."""
        return self.role in STAFF_ROLES

    @property
    def sees_all_tickets(self) -> bool:
        return self.role in MANAGER_ROLES


class Team(models.Model):
    """A service desk: by region (华东服务台) or by function (IT 运维, 售后维修)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TeamKind.choices, default=TeamKind.FUNCTION
    )
    group = models.CharField(
        _("group label"),
        max_length=50,
        blank=True,
        help_text=_("Desks with the same group are listed together, e.g. 华东 or IT 运维."),
    )
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        User,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), through="Membership", related_name="teams", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An agent's place in a team; an agent may belong to several teams."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                name="accounts_membership_unique",
                violation_error_message=_("This user is already a member of the team."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class Skill(models.Model):
    """Something an agent can do (打印机维修, VPN, SAP); types and categories may require it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """Where an agent is, how much they can carry and whether they are available now."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agent_profile"
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=10,
        validators=[MaxValueValidator(500)],
        help_text=_("How many open tickets, weighted by priority, the agent can carry."),
    )
    availability = models.CharField(
        _("availability"),
        max_length=16,
        choices=Availability.choices,
        default=Availability.OFFLINE,
    )
    location_name = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), through="AgentSkill", blank=True
    )
    # Smart assignment (gongdan.assignment) reads the fields below.
    on_leave_until = models.DateTimeField(
        _("on leave until"),
        null=True,
        blank=True,
        help_text=_("While this moment lies in the future the agent gets no new tickets."),
    )
    seniority = models.PositiveSmallIntegerField(
        _("seniority (years)"), default=0, validators=[MaxValueValidator(60)]
    )
    current_latitude = models.DecimalField(
        _("current latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    current_longitude = models.DecimalField(
        _("current longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    located_at = models.DateTimeField(_("current location reported at"), null=True, blank=True)
    availability_changed_at = models.DateTimeField(
        _("availability changed at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)


class AgentSkill(models.Model):
    """An agent's level (1 = novice … 5 = expert) in one skill."""

    profile = models.ForeignKey(AgentProfile, verbose_name=_("agent"), on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill"],
                name="accounts_agentskill_unique",
                violation_error_message=_("The agent already has this skill."),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5),
                name="accounts_agentskill_level_range",
                violation_error_message=_("A skill level is between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} L{self.level}"


class ApiToken(models.Model):
    """A personal API token: only a SHA-256 of the secret is stored; the prefix finds the row."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DeskSettings(models.Model):
    """The desk itself: its name and logo, and whether the first-run page was dealt with.

    One row (``pk=1``), read through ``accounts.desk.desk_settings()`` and changed through
    ``accounts.desk`` services. The logo is a small image kept in the row (served by
    ``accounts:desk_logo``), so it needs no file storage of its own.
    """

    name = models.CharField(_("desk name"), max_length=100, blank=True)
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True, editable=False)
    logo_version = models.PositiveIntegerField(_("logo version"), default=0, editable=False)
    welcome_done = models.BooleanField(
        _("first-run page done"),
        default=False,
        help_text=_("Set once the first administrator finished or skipped the first-run page."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return self.name or "gongdan"

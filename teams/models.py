import re
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import TeamQuerySet, UserManager
from .roles import Role

_CJK = re.compile(r"[\u3400-\u9fff]")


class Team(models.Model):
    """A node of the company → region → team tree."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        REGION = "region", _("Region")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "teams.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    history = HistoricalRecords()

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class User(AbstractUser):
    # The key of a RoleRecord: a built-in Role or a custom role an admin made (teams.access).
    role = models.CharField(_("role"), max_length=20, default=Role.SALES_REP)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Password hashes and login times are not part of the audit trail.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"]), models.Index(fields=["team", "is_active"])]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names read family name first with no space (李伟); others "Given Family".
        first, last = self.first_name.strip(), self.last_name.strip()
        if _CJK.search(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    @property
    def display_name(self):
        return str(self)

    def get_role_display(self):
        from . import access

        return access.role_name(self.role)


class RoleRecord(models.Model):
    """A role users hold: the eight built-in ones (Role) and those admins make by copying one.
    What it may do is its grants (RoleGrant); where it sits in the organisation (whose records
    it sees, whether it may own customers, which approval step it takes) is its `base`, the
    built-in role it was copied from, or itself."""

    key = models.SlugField(_("key"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=50, unique=True)
    base = models.CharField(_("based on"), max_length=20, choices=Role)

    class Scope(models.TextChoices):
        # The sales records (customers, opportunities, contracts, their numbers) it sees;
        # blank: as its base role. What is shared with a user (协作人) comes on top of each.
        AS_BASE = "", _("As the role it was copied from")
        OWN = "own", _("Own and shared")
        SUBTREE = "subtree", _("Their team's subtree")
        ALL = "all", _("All")

    data_scope = models.CharField(_("data scope"), max_length=10, choices=Scope, blank=True)
    builtin = models.BooleanField(_("built-in"), default=False)
    active = models.BooleanField(_("active"), default=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-builtin", "pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.key


class RoleGrant(models.Model):
    """A capability (a key an app declares through hooks.CAPABILITIES) a role holds."""

    role = models.ForeignKey(
        RoleRecord, verbose_name=_("role"), on_delete=models.CASCADE, related_name="grants"
    )
    capability = models.CharField(_("capability"), max_length=60)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["role", "capability"], name="role_grant_unique")
        ]

    def __str__(self):
        return f"{self.role.key}: {self.capability}"


class KnownCapability(models.Model):
    """Every capability key the built-in roles were given their defaults for: a key seen for
    the first time gets them (teams.access.sync), one seen before keeps what admins made."""

    key = models.CharField(_("key"), max_length=60, unique=True)

    def __str__(self):
        return self.key


class RoleChange(models.Model):
    """One change on the roles page: who gave or took which capability from which role."""

    role = models.ForeignKey(
        RoleRecord, verbose_name=_("role"), on_delete=models.CASCADE, related_name="changes"
    )
    capability = models.CharField(_("capability"), max_length=60)
    granted = models.BooleanField(_("granted"))  # the new state; the old one is its negation
    by = models.ForeignKey(
        User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self):
        return f"{self.role.key}: {self.capability} -> {self.granted}"


class OutboxMessage(models.Model):
    """A Celery task enqueued by `teams.outbox.enqueue`: written in the transaction of the work
    it stands for, published once that commits, or later by the flush while the broker is down.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The flush reads only the rows still waiting, oldest first.
            models.Index(
                fields=["id"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_unpublished",
            ),
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"


# The dates the calendar accepts; a typo such as 0226 or 2206 is refused.
CALENDAR_FIRST_DATE = date(2000, 1, 1)
CALENDAR_LAST_DATE = date(2100, 12, 31)


class CalendarDay(models.Model):
    """An exception to Monday-to-Friday: a public holiday, or a weekend day worked in its
    place (调休上班). `teams.workdays` counts working days with these rows."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=50, help_text=_("For example 国庆节."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date__gte=CALENDAR_FIRST_DATE, date__lte=CALENDAR_LAST_DATE),
                name="calendarday_date_2000_2100",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def is_holiday(self):
        return self.kind == self.Kind.HOLIDAY

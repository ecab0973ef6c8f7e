"""Around the customer list: saved views, and the logs of exports and imports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site import hooks
from crm_site.transitions import StatusChange, Transitions


class SavedView(models.Model):
    """A named filter of a list (the customer list, the pipeline list), for one user. Their
    default view of a list (at most one) opens when they come to the bare list; a shared view
    is offered to their team too."""

    class List(models.TextChoices):
        CUSTOMERS = "customers", _("Customer list")
        OPPORTUNITIES = "opportunities", _("Pipeline list")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    # Which list the view filters; later apps' lists name theirs here (a list is a URL).
    list = models.CharField(_("list"), max_length=20, choices=List, default=List.CUSTOMERS)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)
    is_default = models.BooleanField(_("default view"), default=False)
    shared = models.BooleanField(_("shared with my team"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list", "name"], name="saved_view_unique_name"),
            models.UniqueConstraint(
                fields=["user", "list"],
                condition=models.Q(is_default=True),
                name="saved_view_one_default",
            ),
        ]

    def __str__(self):
        return self.name


class ListColumns(models.Model):
    """The columns a user hides on a list (the column chooser), remembered per user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_name = models.CharField(max_length=30, default="customers")
    hidden = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name"], name="list_columns_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.list_name}"


class ExportLog(models.Model):
    """Customer data leaves only through a logged export: the customer list's, and the other
    lists' that register an `ExportKind` (crm_site/hooks.py, EXPORT_KINDS) under `kind`.

    A small export downloads at once and is logged as done with no file kept. A large one is
    queued: a Celery worker writes `file`, which only its requester downloads until it expires.
    """

    CUSTOMERS = "customers"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    # A small export is created done; a queued one runs once, ends done or failed, and a done
    # one's file expires. A second worker taking over a stale job keeps it running.
    TRANSITIONS = Transitions(
        {
            Status.QUEUED: {Status.RUNNING, Status.FAILED},
            Status.RUNNING: {Status.DONE, Status.FAILED},
            Status.DONE: {Status.EXPIRED},
        }
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # Which list: an ExportKind's key.
    kind = models.CharField(max_length=30, default=CUSTOMERS)
    query = models.CharField(max_length=1000, blank=True)
    # The language the export was asked in: a worker writes the headers in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DONE)
    # Rows matching when the export was asked for; row_count grows as the worker writes.
    total = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the worker writing it last showed signs of life: a second copy of its task finding
    # it running with a recent sign leaves it be; a stale one takes over (the first died).
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="exportlog_user_at")]

    def __str__(self):
        return f"{self.user} · {self.at:%Y-%m-%d %H:%M} · {self.row_count}"

    @property
    def is_done(self):
        return self.status == self.Status.DONE

    @property
    def is_failed(self):
        return self.status == self.Status.FAILED

    @property
    def downloadable(self):
        """Done with its file kept (a small export downloaded at once keeps none)."""
        return self.is_done and bool(self.file)

    @property
    def in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def export_kind(self):
        """The registered ExportKind of this export's list (None for a list no app offers)."""
        return export_kind(self.kind)

    @property
    def title(self):
        kind = self.export_kind
        return kind.title if kind else self.kind

    @property
    def list_url(self):
        kind = self.export_kind
        return kind.list_url(self.query) if kind else ""

    def counted(self, count):
        kind = self.export_kind
        return kind.counted(count) if kind else str(count)

    @property
    def total_counted(self):
        return self.counted(self.total)

    @property
    def rows_counted(self):
        return self.counted(self.row_count)

    @property
    def filename(self):
        kind = self.export_kind
        stamp = timezone.localtime(self.at).strftime("%Y%m%d-%H%M")
        return f"{kind.file_prefix if kind else self.kind}-{stamp}.xlsx"

    @property
    def percent(self):
        return min(100, self.row_count * 100 // self.total) if self.total else 0


class ExportStatusChange(StatusChange):
    """One status change of an export (the worker and the purge write them, `by` empty)."""

    subject = models.ForeignKey(ExportLog, on_delete=models.CASCADE, related_name="status_changes")


class ImportLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    customer_count = models.PositiveIntegerField(default=0)
    contact_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.filename}"


def export_kind(key):
    """The ExportKind registered under `key` (crm_site/hooks.py, EXPORT_KINDS), or None."""
    return next((kind for kind in hooks.get(hooks.EXPORT_KINDS) if kind.key == key), None)

"""Status changes as data: a table of allowed moves, one error, one history row per move.

A model with a status declares its moves next to its choices::

    class Contract(models.Model):
        class Status(models.TextChoices):
            DRAFT = "draft", _("Draft")
            IN_APPROVAL = "in_approval", _("In approval")
            ...

        TRANSITIONS = Transitions(
            {
                Status.DRAFT: {Status.IN_APPROVAL, Status.CANCELLED},
                Status.IN_APPROVAL: {Status.DRAFT, Status.APPROVED},
                ...
            }
        )

and keeps its history in a concrete subclass of `StatusChange` whose foreign key to it is named
`subject` with `related_name="status_changes"`. A service then moves it, inside its
transaction and on a row it locked with `select_for_update()`::

    change_status(contract, Contract.Status.APPROVED, by=user, reason=gettext_noop("Approved"))

`change_status` refuses a move the table does not allow (`InvalidTransition`, whose message the
view shows), writes the field, and records from, to, who, when and why. A reason is stored as
its untranslated text (`gettext_noop`) with the values of its placeholders in `reason_args`, so
each reader sees it in their own language; a person's own words are stored as they are.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy

from .errors import DomainError


class InvalidTransition(DomainError):
    """A status change the model's table does not allow."""

    def __init__(self, old_label, new_label):
        self.old_label, self.new_label = old_label, new_label
        super().__init__(
            gettext("“%(old)s” cannot change to “%(new)s”.") % {"old": old_label, "new": new_label}
        )


class Transitions:
    """The allowed moves of one status field: `{from: {to, …}}`; anything else is refused."""

    def __init__(self, table):
        self._table = {str(old): frozenset(str(new) for new in news) for old, news in table.items()}

    def allowed(self, old):
        """The statuses `old` may change to."""
        return self._table.get(str(old), frozenset())

    def can(self, old, new):
        return str(new) in self.allowed(old)

    def check(self, old, new, *, labels=None):
        """Raise InvalidTransition unless `old` may change to `new`. `labels` maps a status to
        its label for the message (e.g. `dict(Contract.Status.choices)`)."""
        if not self.can(old, new):
            labels = labels or {}
            raise InvalidTransition(str(labels.get(old, old) or "—"), str(labels.get(new, new)))

    def __iter__(self):
        """`(from, to)` pairs, for documentation and tests."""
        for old, news in self._table.items():
            for new in sorted(news):
                yield old, new


class StatusChange(models.Model):
    """One status change: from, to, who, when and why. Subclass it with a foreign key named
    `subject` (`related_name="status_changes"`) to the model whose status it records."""

    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=20, blank=True
    )
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("status change", "by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(pgettext_lazy("status change", "when"), auto_now_add=True)
    # Untranslated text with its arguments (gettext_noop), or a person's own words.
    reason = models.CharField(pgettext_lazy("status change", "why"), max_length=500, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def reason_text(self):
        """The reason in the reader's language."""
        if not self.reason:
            return ""
        text = gettext(self.reason)
        return text % self.reason_args if self.reason_args else text


def change_status(
    obj, new, *, by, reason="", reason_args=None, field="status", also=(), record=None
):
    """Move `obj` (locked by the caller) to status `new` if its model's TRANSITIONS allow it,
    save the field (with the fields named in `also`, which the caller has set), and record the
    change, with `record` giving the history row's own further fields (e.g. a reason code).
    Returns the StatusChange row."""
    old = getattr(obj, field)
    model = type(obj)
    model.TRANSITIONS.check(old, new, labels=dict(model._meta.get_field(field).choices))
    setattr(obj, field, new)
    auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=[field, *also, *auto_now])
    return obj.status_changes.create(
        from_status=old or "",
        to_status=new,
        by=by,
        reason=reason,
        reason_args=reason_args or {},
        **(record or {}),
    )

"""Excel in and out: the import of a checked file, and exports, direct or queued for a worker
(write, and purge when expired)."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site import bulk_insert
from crm_site.transitions import change_status
from teams import outbox
from teams.models import User

from .. import cadence, excel, grading, normalize, validation
from ..errors import CustomerError
from ..filters import CustomerFilter
from ..models import Contact, Customer, ExportLog, GradeChange, GradingSettings, ImportLog
from ..models.lists import export_kind
from ..permissions import can_create_customer, works_with_customers
from .common import _apply_keys, _grade_source, _mark_for_second_check

logger = logging.getLogger(__name__)


@transaction.atomic
def customers_import(*, by, rows, filename=""):
    """Create the customers of a checked import file, each with its first contact: all or
    nothing, in one transaction, in bulk.

    `rows` are `excel.ImportRow`s. A rep imports their own customers; managers and above may
    name owners within their reach. The grade is computed from the annual purchase estimate
    unless the row gives one (then it is a manual grade); an A waits for its second check.
    The next follow-up is due one cadence interval from today. Duplicates (in the file or
    among all customers) refuse the whole file. Returns the ImportLog.
    """
    if not can_create_customer(by):
        raise PermissionDenied
    rows = list(rows)
    if not rows:
        raise CustomerError(_("The file has no customer rows."))
    # Every row again by the rules the reader applied: a file cannot bypass them.
    with validation.enforce():
        for owner in {(row.owner or by).pk: row.owner or by for row in rows}.values():
            validation.owner(by, owner)
        for row in rows:
            fields = row.customer
            if "credit_code" in fields:
                fields["credit_code"] = validation.credit_code(fields["credit_code"])
            validation.amounts(
                budget_min=fields.get("budget_min"),
                budget_max=fields.get("budget_max"),
                annual_purchase_estimate=fields.get("annual_purchase_estimate"),
            )
    duplicates = excel.duplicate_problems(rows)
    if duplicates:
        first = duplicates[0]
        raise CustomerError(
            _("Nothing was imported. Row %(row)s: %(message)s")
            % {"row": first.row, "message": first.message}
        )
    rules_ = GradingSettings.load()
    today = timezone.localdate()
    customers = []
    for row in rows:
        customer = Customer(owner=row.owner or by, created_by=by, **row.customer)
        _apply_keys(customer)
        if row.grade_given:
            customer.grade_source = Customer.GradeSource.MANUAL
        else:
            customer.grade_source = Customer.GradeSource.COMPUTED
            customer.grade = grading.computed_grade(
                amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
            )
        _mark_for_second_check(customer, None, by)
        customer.next_followup_due = cadence.next_due(
            grade=customer.grade, rules=rules_, created=today
        )
        customers.append(customer)
    # COPY on PostgreSQL (bulk_create elsewhere), with each customer's and contact's history.
    reason = gettext_noop("Imported")
    bulk_insert.create(Customer, customers, history_user=by, history_reason=reason)
    contacts = [
        Contact(
            customer=customer,
            is_key=True,
            phone_key=normalize.phone_key(row.contact.get("phone", "")),
            **row.contact,
        )
        for row, customer in zip(rows, customers, strict=True)
        if row.contact
    ]
    bulk_insert.create(Contact, contacts, history_user=by, history_reason=reason)
    through = Customer.tags.through
    bulk_insert.create(
        through,
        [
            through(customer_id=customer.pk, tag_id=tag_id)
            for row, customer in zip(rows, customers, strict=True)
            for tag_id in {tag.pk for tag in row.tags}
        ],
    )
    bulk_insert.create(
        GradeChange,
        [
            GradeChange(
                customer=customer,
                to_grade=customer.grade,
                source=_grade_source(customer),
                reason=reason,
                changed_by=by,
            )
            for customer in customers
        ],
    )
    return ImportLog.objects.create(
        user=by,
        filename=filename[:200],
        customer_count=len(customers),
        contact_count=len(contacts),
    )


@transaction.atomic
def customers_export(*, by, customers, query, out):
    """Write `customers` (the list's filtered queryset) to `out` as .xlsx and log it: customer
    data leaves only through a logged export. Only what `by` may see is written, whatever
    queryset is passed. Returns the number of rows."""
    if not works_with_customers(by):
        raise PermissionDenied
    count = excel.write_customers(customers.visible_to(by), out, viewer=by)
    ExportLog.objects.create(
        user=by,
        query=query[:1000],
        total=count,
        row_count=count,
        finished_at=timezone.now(),
    )
    return count


def customers_export_start(*, by, customers, query, out):
    """Export the list filtered by `query` (`customers`, its queryset): up to
    CUSTOMER_EXPORT_DIRECT_ROWS visible rows are written to `out` now and None is returned;
    a larger export is queued for a worker and its log returned."""
    total = customers.visible_to(by).count()
    if total > settings.CUSTOMER_EXPORT_DIRECT_ROWS:
        return customers_export_queue(by=by, query=query, total=total)
    customers_export(by=by, customers=customers, query=query, out=out)
    return None


def customers_export_queue(*, by, query, total):
    """Queue a large export of the customer list filtered by `query` for a Celery worker."""
    if not works_with_customers(by):
        raise PermissionDenied
    return export_queue(by=by, kind=ExportLog.CUSTOMERS, query=query, total=total)


def export_queue(*, by, kind, query, total):
    """Queue a large export of the `kind` list (an ExportKind's key) filtered by `query` for a
    Celery worker; returns its log. The caller has checked that `by` may export that list.
    The same list and filter already waiting or being written is returned instead of a
    second export (a double click queues one)."""
    if export_kind(kind) is None:
        raise ValueError(f"no ExportKind {kind!r} is registered")
    query = query[:1000]
    with transaction.atomic():
        # One export request of a user at a time decides whether one is already under way.
        User.objects.select_for_update().filter(pk=by.pk).first()
        running = ExportLog.objects.filter(
            user=by,
            kind=kind,
            query=query,
            status__in=[ExportLog.Status.QUEUED, ExportLog.Status.RUNNING],
        ).first()
        if running:
            return running
        log = ExportLog.objects.create(
            user=by,
            kind=kind,
            query=query,
            total=total,
            status=ExportLog.Status.QUEUED,
            language=translation.get_language() or "",
        )
        from ..tasks import export_customers_task

        outbox.enqueue(export_customers_task, log.pk)
    return log


# A worker writes a chunk of EXPORT_CHUNK rows in seconds; this long without one, it is gone.
EXPORT_ALIVE = timedelta(minutes=10)


def customers_export_write(*, log_id):
    """The worker's half of a queued export (of any ExportKind): the rows its requester may
    see now, filtered by the saved query, written to the log's file with the progress on the
    log. A second copy of the task (published twice, or redelivered) does nothing while the
    export is finished or another worker is writing it; it takes over from a worker that
    stopped showing progress EXPORT_ALIVE ago. Returns the number of rows written."""
    with transaction.atomic():
        log = ExportLog.objects.select_for_update().select_related("user").get(pk=log_id)
        now = timezone.now()
        if not log.in_progress:
            return log.row_count
        alive = log.progress_at and log.progress_at > now - EXPORT_ALIVE
        if log.status == ExportLog.Status.RUNNING and alive:
            logger.info("Customer export %s is being written already", log.pk)
            return log.row_count
        # A queued export starts; a running one whose worker went quiet is taken over.
        log.row_count = 0
        log.progress_at = now
        if log.status == ExportLog.Status.QUEUED:
            change_status(log, ExportLog.Status.RUNNING, by=None, also=["row_count", "progress_at"])
        else:
            log.save(update_fields=["row_count", "progress_at"])
    kind = log.export_kind
    if kind is None:
        logger.warning("Export %s: no app offers the %r list any more", log.pk, log.kind)
        _export_failed(log, gettext_noop("This list cannot be exported any more."))
        return 0

    def progress(count):
        ExportLog.objects.filter(pk=log.pk).update(row_count=count, progress_at=timezone.now())

    language = log.language or settings.LANGUAGE_CODE  # the headers' language
    try:
        with tempfile.TemporaryFile() as out, translation.override(language):
            count = kind.write(user=log.user, query=log.query, out=out, progress=progress)
            if count is None:
                logger.warning("Export %s: the user may no longer export it as filtered", log.pk)
                _export_failed(
                    log, gettext_noop("You may no longer export this list as it was filtered.")
                )
                return 0
            out.seek(0)
            _export_done(log, out, count)
    except Exception:
        logger.exception("Export %s failed", log.pk)
        _export_failed(log, gettext_noop("The file could not be written."))
        raise
    return count


def write_customer_export(*, user, query, out, progress):
    """The customer list's ExportKind.write: the customers `user` sees, filtered by `query`."""
    filterset = CustomerFilter.from_query(query, user=user)
    if not works_with_customers(user) or not filterset.is_valid():
        return None
    return excel.write_customers(filterset.qs.visible_to(user), out, progress=progress, viewer=user)


def _export_done(log, out, count):
    """Keep the written file and mark the export done, unless meanwhile it was marked failed
    (or finished by a worker that took it over): a finished export is not written again."""
    with transaction.atomic():
        log = ExportLog.objects.select_for_update().get(pk=log.pk)
        if not ExportLog.TRANSITIONS.can(log.status, ExportLog.Status.DONE):
            logger.warning("Customer export %s is %s already: file dropped", log.pk, log.status)
            return
        log.file.save(log.filename.replace(".xlsx", f"-{log.pk}.xlsx"), File(out), save=False)
        log.row_count = count
        log.finished_at = timezone.now()
        change_status(
            log, ExportLog.Status.DONE, by=None, also=["file", "row_count", "finished_at"]
        )


def _export_failed(log, reason, reason_args=None, *, now=None):
    """Mark a queued or running export failed, with why (untranslated, read in the reader's
    language); one that finished meanwhile stays as it is."""
    with transaction.atomic():
        log = ExportLog.objects.select_for_update().get(pk=log.pk)
        if not ExportLog.TRANSITIONS.can(log.status, ExportLog.Status.FAILED):
            return
        log.finished_at = now or timezone.now()
        change_status(
            log,
            ExportLog.Status.FAILED,
            by=None,
            reason=reason,
            reason_args=reason_args,
            also=["finished_at"],
        )


EXPORT_KEEP = timedelta(hours=24)
EXPORT_STUCK = timedelta(hours=6)


def customers_export_purge(*, now=None):
    """Delete export files older than EXPORT_KEEP (their logs stay, as expired) and mark
    exports no worker finished within EXPORT_STUCK as failed. Returns the files deleted."""
    now = now or timezone.now()
    stuck = ExportLog.objects.filter(
        status__in=[ExportLog.Status.QUEUED, ExportLog.Status.RUNNING], at__lt=now - EXPORT_STUCK
    )
    for log in stuck.only("pk").iterator():
        _export_failed(
            log,
            gettext_noop("No worker finished it within %(hours)s hours."),
            {"hours": int(EXPORT_STUCK.total_seconds() // 3600)},
            now=now,
        )
    deleted = 0
    old = ExportLog.objects.filter(status=ExportLog.Status.DONE, finished_at__lt=now - EXPORT_KEEP)
    for pk in old.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            log = ExportLog.objects.select_for_update().filter(pk=pk).first()
            if log is None or log.status != ExportLog.Status.DONE:
                continue  # another purge expired it meanwhile
            if log.file:
                log.file.delete(save=False)
                deleted += 1
            change_status(
                log,
                ExportLog.Status.EXPIRED,
                by=None,
                reason=gettext_noop("The file was deleted after %(hours)s hours."),
                reason_args={"hours": int(EXPORT_KEEP.total_seconds() // 3600)},
                also=["file"],
            )
    return deleted

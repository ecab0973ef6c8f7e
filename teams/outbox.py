"""The transactional outbox: the one way work is handed to Celery from a request.

`enqueue(task, *args, **kwargs)` writes a row in the caller's transaction, so the task is
recorded if and only if the change that calls for it commits. Once it has, one quick publish
is tried: a connection of its own bounded by OUTBOX_PUBLISH_TIMEOUT_SECONDS, no retries, and
never the result store. Whatever does not get through waits in the table for `flush()`, which
beat runs every minute and `manage.py outbox_flush` runs by hand.

A row can be published twice (a crash between publishing it and marking it published), so
every task enqueued here must be idempotent: a state check or a unique constraint makes a
second run a no-op. The Celery task id is `outbox-<row id>`, the same for both copies.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

FLUSH_BATCH = 500
KEEP_PUBLISHED = timedelta(days=7)


def enqueue(task, *args, **kwargs):
    """Run `task(*args, **kwargs)` on a worker once the caller's transaction commits (nothing
    runs if it rolls back). `task` is a Celery task or its name; the arguments must be JSON
    (ids, ISO dates). Returns at once whatever the broker does; never raises for it."""
    message = OutboxMessage.objects.create(
        task=getattr(task, "name", task), args=list(args), kwargs=kwargs
    )
    transaction.on_commit(lambda: _publish_after_commit(message.pk))
    return message


def _publish_after_commit(pk):
    # The caller's work is committed by now: a failure here must not turn into an error page.
    try:
        _publish([pk])
    except Exception:
        logger.exception("Outbox message %s: not published; the flush will retry it", pk)


def waiting():
    """The rows not published yet, oldest first."""
    return OutboxMessage.objects.filter(published_at__isnull=True).order_by("pk")


def flush(*, batch_size=FLUSH_BATCH):
    """Publish every row still waiting, oldest first, until none is left or the broker fails
    (the rest then wait for the next flush). Returns how many were published."""
    published, after = 0, 0
    while True:
        ids = list(waiting().filter(pk__gt=after).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return published
        count, broker_failed = _publish(ids)
        published += count
        if broker_failed:
            return published
        after = ids[-1]


def purge(*, now=None):
    """Delete the rows published more than KEEP_PUBLISHED ago. Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_PUBLISHED
    deleted, _ = OutboxMessage.objects.filter(published_at__lt=cutoff).delete()
    return deleted


def _publish(ids):
    """Publish the rows of `ids` still waiting, in order, over one connection. Each row is
    locked while it is published, so two flushers never both send it. Stops at the first
    broker error. Returns (published, whether the broker failed)."""
    published = 0
    with _broker_connection() as connection:
        broker_errors = (
            OperationalError,
            *connection.connection_errors,
            *connection.channel_errors,
        )
        for pk in ids:
            with transaction.atomic():
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, published_at__isnull=True)
                    .first()
                )
                if message is None:  # published meanwhile, being published, or rolled back
                    continue
                message.attempts += 1
                try:
                    _send(message, connection)
                except Exception as error:  # noqa: BLE001 - recorded on the row, retried later
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    message.save(update_fields=["attempts", "last_error"])
                    if isinstance(error, broker_errors):
                        logger.warning(
                            "Outbox message %s (%s) waits: the broker did not take it: %s",
                            message.pk,
                            message.task,
                            error,
                        )
                        return published, True
                    logger.exception("Outbox message %s (%s) failed", message.pk, message.task)
                    continue
                message.published_at = timezone.now()
                message.last_error = ""
                message.save(update_fields=["attempts", "last_error", "published_at"])
                published += 1
    return published, False


def _broker_connection():
    """A connection of its own, bounded: connecting and each read give up after
    OUTBOX_PUBLISH_TIMEOUT_SECONDS, with no retry."""
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT_SECONDS
    return current_app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "max_retries": 0,
        },
    )


def _send(message, connection):
    current_app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=f"outbox-{message.pk}",
        connection=connection,
        retry=False,
        # Nobody waits on a result: never subscribe to (or store in) the result store.
        ignore_result=True,
    )

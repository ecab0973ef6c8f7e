"""Celery tasks of the customers app: each re-reads its rows and calls a service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import grading, services


@shared_task
def recompute_cadence_task():
    """Every customer's next follow-up due date after the cadence changed."""
    return services.customers_recompute_cadence()


@shared_task
def grade_review_task(as_of=None):
    """The quarterly grade review, for the quarter that ended before today by default.

    `as_of` is an ISO date string; a second run for the same quarter proposes nothing new.
    """
    day = date.fromisoformat(as_of) if as_of else grading.last_quarter_end(timezone.localdate())
    return services.grade_review_propose(as_of=day)


@shared_task
def export_customers_task(log_id):
    """Write a queued customer export (see services.customers_export_queue)."""
    return services.customers_export_write(log_id=log_id)


@shared_task
def purge_exports_task():
    """Delete expired export files; fail exports no worker finished."""
    return services.customers_export_purge()


@shared_task
def pool_reclaim_task():
    """The pools' automatic reclaim (services/reclaim.py); a second run the same day finds
    nothing more to reclaim."""
    return services.customers_reclaim().summary()

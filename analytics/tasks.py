"""Celery tasks of the analytics app."""

from celery import shared_task

from .services import summaries


@shared_task
def refresh_summaries_task():
    """The KPI summaries of what changed since the last refresh (every few minutes)."""
    return summaries.refresh()


@shared_task
def rebuild_summaries_task():
    """Every KPI summary from scratch (nightly: catches deleted rows and dates edited back)."""
    return summaries.rebuild()

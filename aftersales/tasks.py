"""Celery tasks (the beat runs each daily; each is idempotent and calls a service)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def schedule_revisits_task():
    return services.schedule_revisits(today=timezone.localdate())


@shared_task
def propose_renewals_task():
    return services.propose_renewals(today=timezone.localdate())


@shared_task
def flag_breaches_task():
    return services.flag_breaches()


@shared_task
def apply_regions_task():
    return services.regions_apply()

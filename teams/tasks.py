from celery import shared_task

from . import outbox, services


@shared_task
def clear_expired_sessions_task():
    return services.sessions_clear_expired()


@shared_task
def outbox_flush_task():
    """Publish what requests enqueued while the broker did not answer (beat, every minute)."""
    return outbox.flush()


@shared_task
def outbox_purge_task():
    """Forget outbox rows published more than a week ago."""
    return outbox.purge()

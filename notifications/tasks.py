"""Celery tasks of notifications: each takes ids, re-reads the rows and is safe to run twice."""

from celery import shared_task

from . import channels, webhooks


@shared_task
def send_notification_email_task(notification_id):
    return channels.email_one(notification_id)


@shared_task
def send_digests_task():
    return channels.send_digests()


@shared_task(
    bind=True,
    autoretry_for=(webhooks.WebhookError,),
    max_retries=3,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def post_to_team_task(self, channel_id, notification_id):
    """A robot that fails is retried a few times, then given up; nothing else waits on it."""
    return channels.post_to_team(channel_id, notification_id)


@shared_task
def run_rule_task(name):
    """One reminder rule (a beat entry per rule, or "run now"); safe to run twice."""
    from . import engine

    return engine.run(name).created

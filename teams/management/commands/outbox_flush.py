"""`python manage.py outbox_flush`: publish the Celery tasks the outbox still holds."""

from django.core.management.base import BaseCommand, CommandError

from teams import outbox


class Command(BaseCommand):
    help = (
        "Publish the Celery tasks that requests enqueued while the broker did not answer "
        "(what beat does every minute). Fails while some are still waiting."
    )

    def handle(self, *args, **options):
        published = outbox.flush()
        left = outbox.waiting()
        count = left.count()
        if count:
            error = left.values_list("last_error", flat=True).first()
            raise CommandError(
                f"{published} published; {count} still waiting, the broker did not take "
                f"them: {error}"
            )
        self.stdout.write(self.style.SUCCESS(f"{published} published; none waiting."))

"""The broker down never loses work or hangs a page.

Whether the broker refuses connections or accepts them and never answers, a page that
enqueues work answers at once, saves what it was asked to and says the work is queued; once
the broker answers again the flush publishes the work and a real worker does it.
"""

import io
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, ExportLog, GradingSettings
from teams import outbox
from tests.conftest import broker_at, wait_until
from tests.factories import CustomerFactory

SETTINGS_URL = reverse("customers:grading-settings")
EXPORT_URL = reverse("customers:customer-export")
CADENCE = {
    "a_threshold": "100",
    "b_threshold": "20",
    "a_executive_visit_days": "30",
    "a_routine_contacts": "2",
    "b_contact_days": "14",
    "b_visit_days": "30",
    "c_contact_days": "20",
}
# The request must answer within this, whatever the broker does (about a second of it).
ANSWER_SECONDS = 2


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def flush():
    call_command("outbox_flush", stdout=io.StringIO())


def flush_while_down():
    with pytest.raises(CommandError, match="0 published; 1 still waiting"):
        flush()


def waiting_tasks():
    return [(message.task, message.args) for message in outbox.waiting()]


def test_a_cadence_change_is_saved_at_once_and_recomputed_once_the_broker_is_back(
    worker, unreachable_broker, client, admin_user, rep
):
    customer = CustomerFactory(owner=rep, grade="C", next_followup_due=None)
    client.force_login(admin_user)
    with broker_at(unreachable_broker):
        response, seconds = timed(client.post, SETTINGS_URL, CADENCE)
        assert response.status_code == 302
        assert seconds < ANSWER_SECONDS
        assert GradingSettings.load().c_contact_days == 20
        page = client.get(SETTINGS_URL).content.decode()
        assert "Grading settings saved." in page
        assert "is queued" in page
        assert waiting_tasks() == [("customers.tasks.recompute_cadence_task", [])]
        flush_while_down()
    customer.refresh_from_db()
    assert customer.next_followup_due is None

    flush()
    assert waiting_tasks() == []

    due = timezone.localdate(customer.created_at) + timedelta(days=20)

    def recomputed():
        """the customer's due date was recomputed"""
        return Customer.objects.get(pk=customer.pk).next_followup_due == due

    wait_until(recomputed)


def test_a_large_export_is_queued_at_once_and_written_once_the_broker_is_back(
    worker, unreachable_broker, client, rep, settings
):
    settings.CUSTOMER_EXPORT_DIRECT_ROWS = 2
    CustomerFactory.create_batch(3, owner=rep)
    client.force_login(rep)
    with broker_at(unreachable_broker):
        response, seconds = timed(client.post, EXPORT_URL)
        assert response.status_code == 302
        assert seconds < ANSWER_SECONDS
        log = ExportLog.objects.get()
        assert response["Location"] == reverse("customers:export-detail", args=[log.pk])
        page = client.get(response["Location"]).content.decode()
        assert "Waiting for a worker" in page
        assert 'hx-trigger="every 2s"' in page
        assert waiting_tasks() == [("customers.tasks.export_customers_task", [log.pk])]
        flush_while_down()
    assert ExportLog.objects.get().status == "queued"

    flush()
    assert waiting_tasks() == []

    def written():
        """the worker wrote the export"""
        return ExportLog.objects.get(pk=log.pk).status == ExportLog.Status.DONE

    wait_until(written)
    download = client.get(reverse("customers:export-download", args=[log.pk]))
    assert download.status_code == 200

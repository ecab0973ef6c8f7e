"""An export's status moves as ExportLog.TRANSITIONS allows (queued → running → done or
failed, done → expired), with one history row per change and its reason in the reader's
language: a finished export never runs again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from crm_site.transitions import InvalidTransition, change_status
from customers import services
from customers.models import ExportLog
from customers.services import excel as export_services
from customers.tasks import export_customers_task
from tests.customers.helpers import ask_for_export
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

S = ExportLog.Status
ALLOWED = {
    (S.QUEUED, S.RUNNING),
    (S.QUEUED, S.FAILED),
    (S.RUNNING, S.DONE),
    (S.RUNNING, S.FAILED),
    (S.DONE, S.EXPIRED),
}
MOVES = [(old, new) for old in S for new in S if old != new]


@pytest.fixture(autouse=True)
def direct_rows(settings):
    settings.CUSTOMER_EXPORT_DIRECT_ROWS = 2


@pytest.fixture
def queued(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    return ExportLog.objects.get()


def history(log):
    return [(c.from_status, c.to_status) for c in log.status_changes.order_by("at", "pk")]


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_the_table_allows_these_moves_only(rep, old, new):
    log = ExportLog.objects.create(user=rep, status=old)
    if (old, new) in ALLOWED:
        change_status(log, new, by=None)
        assert ExportLog.objects.get(pk=log.pk).status == new
        assert history(log) == [(old, new)]
    else:
        with pytest.raises(InvalidTransition):
            change_status(log, new, by=None)
        assert ExportLog.objects.get(pk=log.pk).status == old
        assert not log.status_changes.exists()


def test_the_worker_records_each_step(queued):
    assert export_customers_task(queued.pk) == 3
    assert history(queued) == [(S.QUEUED, S.RUNNING), (S.RUNNING, S.DONE)]
    assert all(change.by is None for change in queued.status_changes.all())


def test_a_done_export_is_not_run_again(queued, monkeypatch):
    export_customers_task(queued.pk)
    monkeypatch.setattr(export_services.excel, "write_customers", pytest.fail)
    assert export_customers_task(queued.pk) == 3
    queued.refresh_from_db()
    assert queued.status == S.DONE
    assert len(history(queued)) == 2


def test_a_worker_finishing_after_the_export_was_failed_keeps_it_failed(
    queued, media_root, monkeypatch
):
    """The purge gave up on a slow worker: the worker's late file is not kept."""

    def slow_write(customers, out, progress, viewer=None):
        ExportLog.objects.filter(pk=queued.pk).update(
            at=timezone.now() - export_services.EXPORT_STUCK - timedelta(minutes=1)
        )
        services.customers_export_purge()
        out.write(b"rows")
        return 3

    monkeypatch.setattr(export_services.excel, "write_customers", slow_write)
    export_customers_task(queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.file.name) == (S.FAILED, "")
    assert history(queued) == [(S.QUEUED, S.RUNNING), (S.RUNNING, S.FAILED)]
    assert not list(media_root.rglob("*.xlsx"))


def test_the_reasons_are_read_in_the_readers_language(queued, rep):
    stuck_at = timezone.now() - timedelta(hours=7)
    ExportLog.objects.filter(pk=queued.pk).update(at=stuck_at)
    done = ExportLog.objects.create(user=rep, status=S.QUEUED, query="o=name")
    export_customers_task(done.pk)
    ExportLog.objects.filter(pk=done.pk).update(finished_at=timezone.now() - timedelta(hours=25))

    services.customers_export_purge()

    failed = queued.status_changes.get()
    expired = done.status_changes.get(to_status=S.EXPIRED)
    assert failed.reason_text == "No worker finished it within 6 hours."
    assert expired.reason_text == "The file was deleted after 24 hours."
    with translation.override("zh-hans"):
        assert failed.reason_text == "6 小时内没有后台任务完成它。"
        assert expired.reason_text == "文件已在 24 小时后删除。"


def test_the_export_page_tells_its_requester_why_it_failed(queued, client, rep):
    ExportLog.objects.filter(pk=queued.pk).update(at=timezone.now() - timedelta(hours=7))
    services.customers_export_purge()
    url = reverse("customers:export-detail", args=[queued.pk])
    page = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "6 小时内没有后台任务完成它。" in page
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "No worker finished it within 6 hours." in english

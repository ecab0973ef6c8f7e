"""Large exports: queued for a Celery worker, followed on their own page, downloaded by their
requester only, deleted after a day."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from customers import excel, services
from customers.excel import writer
from customers.models import ExportLog
from customers.tasks import export_customers_task, purge_exports_task
from teams import outbox
from teams.models import OutboxMessage, Role
from tests.conftest import wait_until
from tests.customers.helpers import ask_for_export, download
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-export")


@pytest.fixture(autouse=True)
def direct_rows(settings):
    """Exports of more than two rows are queued here."""
    settings.CUSTOMER_EXPORT_DIRECT_ROWS = 2


def workbook_names(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return sorted(row[0] for row in rows[1:])


def test_a_large_export_is_queued_and_the_user_follows_it(
    client, rep, sent_tasks, django_capture_on_commit_callbacks
):
    CustomerFactory.create_batch(3, owner=rep, grade="A")
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{URL}?grade=A&page=3")
    log = ExportLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:export-detail", args=[log.pk])
    assert (log.user, log.query, log.status, log.total) == (rep, "grade=A", "queued", 3)
    assert OutboxMessage.objects.get(published_at=None).args == [log.pk]
    assert sent_tasks == []
    for callback in callbacks:  # the request's transaction committed
        callback()
    assert sent_tasks == [(export_customers_task.name, [log.pk], {})]

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'hx-trigger="every 2s"' in page.content  # the status polls itself
    assert b"<progress" in page.content
    assert b"0 of 3 rows written" in page.content


def test_a_small_export_still_downloads_at_once(client, rep):
    CustomerFactory.create_batch(2, owner=rep)
    response, enqueued = ask_for_export(client, rep)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert enqueued == []
    log = ExportLog.objects.get()
    assert (log.status, log.total, log.row_count, log.file.name) == ("done", 2, 2, "")


def test_pressing_export_twice_queues_one_export(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    first, enqueued = ask_for_export(client, rep)
    second, enqueued_again = ask_for_export(client, rep)
    assert first["Location"] == second["Location"]
    assert ExportLog.objects.count() == 1
    assert (len(enqueued), enqueued_again) == (1, [])
    third, _ = ask_for_export(client, rep, "o=name")  # another query is another export
    assert third["Location"] != first["Location"]


def test_the_worker_writes_the_file_the_requester_downloads(client, rep, media_root):
    CustomerFactory(name="甲公司", owner=rep, grade="A")
    CustomerFactory(name="乙公司", owner=rep, grade="A")
    CustomerFactory(name="丙公司", owner=rep, grade="A")
    CustomerFactory(name="丁公司", owner=rep, grade="C")
    ask_for_export(client, rep, "grade=A")
    log = ExportLog.objects.get()
    assert download(client, log).status_code == 404  # not written yet

    assert export_customers_task(log.pk) == 3

    log.refresh_from_db()
    assert (log.status, log.row_count) == ("done", 3)
    assert log.finished_at is not None
    assert (media_root / log.file.name).is_file()
    response = download(client, log)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert workbook_names(b"".join(response.streaming_content)) == ["丙公司", "乙公司", "甲公司"]

    page = client.get(reverse("customers:export-detail", args=[log.pk]))
    assert b"every 2s" not in page.content  # finished: no more polling
    assert reverse("customers:export-download", args=[log.pk]).encode() in page.content


def test_the_worker_reports_progress_a_chunk_at_a_time(client, rep, monkeypatch):
    monkeypatch.setattr(writer, "EXPORT_CHUNK", 2)
    CustomerFactory.create_batch(5, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    seen = []
    real_write = excel.write_customers

    def watching(customers, out, progress=None, viewer=None):
        def recorder(count):
            progress(count)
            seen.append(ExportLog.objects.get(pk=log.pk).row_count)

        return real_write(customers, out, progress=recorder, viewer=viewer)

    monkeypatch.setattr(excel, "write_customers", watching)
    export_customers_task(log.pk)
    assert seen == [2, 4]


def test_the_worker_writes_what_the_requester_sees_when_it_runs(client, rep, other_rep):
    mine = CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    mine[0].owner = other_rep  # handed over before the worker got to it
    mine[0].save()
    log = ExportLog.objects.get()
    assert export_customers_task(log.pk) == 2


def test_a_redelivered_task_of_a_finished_export_writes_nothing_new(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    export_customers_task(log.pk)
    log.refresh_from_db()
    first_file = log.file.name
    CustomerFactory(owner=rep)
    assert export_customers_task(log.pk) == 3
    log.refresh_from_db()
    assert (log.file.name, log.row_count) == (first_file, 3)


def test_a_second_copy_of_the_task_leaves_an_export_another_worker_is_writing(
    client, rep, monkeypatch
):
    """The outbox may publish a task twice: the copy that finds the export being written
    (progress shown lately) does nothing."""
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    ExportLog.objects.filter(pk=log.pk).update(
        status="running", row_count=2, progress_at=timezone.now() - timedelta(minutes=5)
    )
    write = mock.Mock()
    monkeypatch.setattr(excel, "write_customers", write)
    assert export_customers_task(log.pk) == 2
    write.assert_not_called()
    log.refresh_from_db()
    assert (log.status, log.row_count, log.file.name) == ("running", 2, "")


def test_a_copy_of_the_task_takes_over_from_a_worker_that_died_writing(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    ExportLog.objects.filter(pk=log.pk).update(
        status="running", row_count=2, progress_at=timezone.now() - timedelta(minutes=11)
    )
    assert export_customers_task(log.pk) == 3
    log.refresh_from_db()
    assert (log.status, log.row_count) == ("done", 3)
    assert log.file.name


def test_a_requester_who_may_no_longer_export_gets_a_failed_export(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    rep.role = Role.LEGAL
    rep.save()
    log = ExportLog.objects.get()
    assert export_customers_task(log.pk) == 0
    log.refresh_from_db()
    assert (log.status, log.file.name) == ("failed", "")


def test_a_filter_that_no_longer_applies_fails_the_export(client, manager, rep, other_rep):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, manager, f"owner={rep.pk}")
    rep.team = other_rep.team  # moved out of the manager's team: no longer an owner choice
    rep.save()
    log = ExportLog.objects.get()
    export_customers_task(log.pk)
    log.refresh_from_db()
    assert log.status == "failed"
    page = client.get(reverse("customers:export-detail", args=[log.pk]))
    assert b"could not be written" in page.content


def test_a_crash_while_writing_marks_the_export_failed(client, rep, monkeypatch):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    monkeypatch.setattr(excel, "write_customers", mock.Mock(side_effect=OSError("disk full")))
    log = ExportLog.objects.get()
    with pytest.raises(OSError, match="disk full"):
        export_customers_task(log.pk)
    log.refresh_from_db()
    assert log.status == "failed"


def test_the_status_partial_is_what_htmx_polls(client, rep):
    CustomerFactory.create_batch(3, owner=rep)
    response, _ = ask_for_export(client, rep)
    page = client.get(response["Location"], headers={"HX-Request": "true"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.lstrip().startswith('<div class="card shadow-sm export-status" id="export-status"')
    assert "<nav" not in html


def test_files_are_deleted_after_a_day_and_stuck_exports_fail(client, rep, media_root):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    old = ExportLog.objects.get()
    export_customers_task(old.pk)
    ask_for_export(client, rep, "o=name")
    stuck = ExportLog.objects.get(query="o=name")
    old.refresh_from_db()
    path = media_root / old.file.name
    ExportLog.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    ExportLog.objects.filter(pk=stuck.pk).update(at=timezone.now() - timedelta(hours=7))

    assert purge_exports_task() == 1

    old.refresh_from_db()
    stuck.refresh_from_db()
    assert not path.exists()
    assert (old.status, old.file.name, old.row_count) == ("expired", "", 3)  # the log stays
    assert stuck.status == "failed"
    assert download(client, old).status_code == 404
    page = client.get(reverse("customers:export-detail", args=[old.pk]))
    assert b"deleted after 24 hours" in page.content


def test_a_fresh_file_is_kept(client, rep, media_root):
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    export_customers_task(log.pk)
    assert services.customers_export_purge() == 0
    log.refresh_from_db()
    assert log.status == "done"
    assert download(client, log).status_code == 200


def test_my_exports_lists_my_own_in_a_constant_number_of_queries(
    client, rep, other_rep, django_assert_num_queries
):
    ExportLog.objects.create(user=other_rep, query="grade=C", total=7, row_count=7)
    for total in (5, 9):
        ExportLog.objects.create(user=rep, query="grade=A", total=total, status="queued")
    client.force_login(rep)
    # Session, the user with their team (the navbar), the exports.
    with django_assert_num_queries(3):
        response = client.get(reverse("customers:export-list"))
    exports = list(response.context["exports"])
    assert [log.total for log in exports] == [9, 5]
    ExportLog.objects.bulk_create([ExportLog(user=rep, total=n, status="done") for n in range(20)])
    with django_assert_num_queries(3):
        client.get(reverse("customers:export-list"))


def test_a_real_worker_writes_a_queued_export(worker, client, rep, media_root):
    """The whole path on the configured broker: the request's commit publishes the task, a
    worker process writes the file this process then serves."""
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    assert not outbox.waiting().exists()  # published when the request committed

    def written():
        """the worker wrote the export"""
        return ExportLog.objects.get(pk=log.pk).status == ExportLog.Status.DONE

    wait_until(written)
    response = download(client, log)
    assert response.status_code == 200
    assert len(workbook_names(b"".join(response.streaming_content))) == 3

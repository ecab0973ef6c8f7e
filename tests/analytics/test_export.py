"""The analysis table export (template 8): the dashboard's figures as .xlsx, logged,
formula-safe, and only the reader's scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics.models import AnalyticsExport
from tests.analytics.databases import READS

from .kpi_data import build

pytestmark = pytest.mark.django_db(databases=READS)

URL = reverse("analytics:analysis-export")
MARCH = {"period": "month", "month": "2025-03", "cut": "region"}


@pytest.fixture
def data(rep, other_rep, director):
    return build(rep, other_rep, director)


def _book(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_director_exports_the_analysis_table(client, data, director):
    client.force_login(director)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    book = _book(response)
    table = book.worksheets[0]
    sales = next(table.iter_rows(min_row=7, max_row=7, values_only=True))  # the first KPI
    assert sales[1:6] == (400000.0, 339000.0, pytest.approx(0.8475), 113000.0, pytest.approx(2.0))
    assert book.worksheets[1].max_row == 3  # the header, east and south
    log = AnalyticsExport.objects.get(user=director, kind=AnalyticsExport.Kind.ANALYSIS)
    assert log.params["start"] == "2025-03-01" and log.params["cut"] == ["region"]
    assert log.row_count > 20


def test_a_rep_exports_only_their_own_figures(client, data, rep, other_rep):
    rep.first_name, rep.last_name = "=HYPERLINK(", ""
    rep.save()
    client.force_login(rep)
    book = _book(client.get(URL, MARCH))
    ranking = [row for row in book.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert len(ranking) == 1
    assert ranking[0][1].startswith("'=")  # a formula is written as text
    sales = next(book.worksheets[0].iter_rows(min_row=7, max_row=7, values_only=True))
    assert sales[2] == 113000.0


def test_who_reads_no_figures_cannot_export(client, legal):
    client.force_login(legal)
    assert client.get(URL).status_code == 403

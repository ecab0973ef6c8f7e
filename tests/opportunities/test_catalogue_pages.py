"""The catalogue pages: only directors and admins (MANAGES_CATALOGUE) open them; the list
filters, create and edit go through services.catalogue (a taken code, a bad price: a
message, nothing saved), deactivation, and the .xlsx import (all or nothing, each problem
listed with its row) and export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opportunities.models import Product
from tests.factories import ProductFactory

from .test_catalogue import GOOD, upload

pytestmark = pytest.mark.django_db

PAGES = ["product-list", "product-create", "product-import", "product-export"]
EXPECTED = {
    "director": 200,
    "admin_user": 200,
    "rep": 403,
    "manager": 403,
    "general_manager": 403,
    "legal": 403,
    "delivery": 403,
    "aftersales": 403,
}


@pytest.mark.parametrize("role", EXPECTED)
def test_catalogue_pages_per_role(request, client, role):
    product = ProductFactory()
    client.force_login(request.getfixturevalue(role))
    for name in PAGES:
        assert client.get(reverse(f"opportunities:{name}")).status_code == EXPECTED[role], name
    edit = reverse("opportunities:product-update", args=[product.pk])
    assert client.get(edit).status_code == EXPECTED[role]
    assert client.post(edit, {"code": "X"}).status_code == EXPECTED[role]


def form_data(**overrides):
    return {
        "code": "CRM-PRO",
        "name": "CRM 专业版",
        "category": "软件",
        "unit": "套",
        "list_price": "22600.00",
        "unit_cost": "8000",
        "vat_rate": "13",
        "description": "",
        "is_active": "on",
        **overrides,
    }


def test_director_creates_edits_and_deactivates_a_product(client, director):
    client.force_login(director)
    response = client.post(reverse("opportunities:product-create"), form_data())
    assert response.status_code == 302
    product = Product.objects.get(code="CRM-PRO")
    assert product.list_price == Decimal("22600.00") and product.is_active
    edit = reverse("opportunities:product-update", args=[product.pk])
    client.post(edit, form_data(list_price="20000", is_active=""))
    product.refresh_from_db()
    assert product.list_price == Decimal("20000.00") and not product.is_active


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"code": "crm-std"}, "The code crm-std is taken."),
        ({"list_price": "10.005"}, "more than two decimals"),
        ({"list_price": "-5"}, "cannot be negative"),
        ({"vat_rate": "17"}, "Select a valid choice"),
    ],
)
def test_bad_product_input_changes_nothing(client, director, overrides, message):
    ProductFactory(code="CRM-STD")
    client.force_login(director)
    response = client.post(reverse("opportunities:product-create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Product.objects.count() == 1


def test_the_list_filters(client, director):
    ProductFactory(code="A-1", name="CRM 标准版", category="软件")
    ProductFactory(code="B-1", name="实施服务", category="服务", inactive=True)
    client.force_login(director)
    listed = client.get(reverse("opportunities:product-list"), {"category": "服务"})
    assert [p.code for p in listed.context["products"]] == ["B-1"]
    listed = client.get(reverse("opportunities:product-list"), {"active": "1", "q": "crm"})
    assert [p.code for p in listed.context["products"]] == ["A-1"]


def test_the_list_runs_the_same_queries_at_1_and_50_products(
    client, director, django_assert_num_queries
):
    ProductFactory()
    client.force_login(director)
    client.get(reverse("opportunities:product-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("opportunities:product-list"))
    for _ in range(49):
        ProductFactory()
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("opportunities:product-list"))
    assert len(response.context["products"]) == 50


def test_import_lists_each_problem_and_imports_nothing(client, director):
    client.force_login(director)
    bad = [*GOOD, ["BAD", "坏行", "软件", "套", "12.345", 1, "13%", "是", ""]]
    response = client.post(reverse("opportunities:product-import"), {"file": upload(bad)})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [p.row for p in problems] == [5]
    assert "Nothing was imported" in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(reverse("opportunities:product-import"), {"file": upload(GOOD)})
    assert response.status_code == 302
    assert Product.objects.count() == 3


def test_export_is_the_filtered_catalogue(client, director):
    ProductFactory(code="A-1", category="软件")
    ProductFactory(code="B-1", category="服务")
    client.force_login(director)
    response = client.get(reverse("opportunities:product-export"), {"category": "服务"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["B-1"]

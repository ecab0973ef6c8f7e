"""The product catalogue a director or admin keeps, its .xlsx import (all or nothing, read by
the customers import's bounded reader) and export (formula-safe, importable again)."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from opportunities.errors import ImportRefused, InvalidInput
from opportunities.excel import HEADERS
from opportunities.models import Product
from opportunities.services import catalogue as services
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def upload(rows, headers=HEADERS, name="产品.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


GOOD = [
    ["CRM-STD", "CRM 标准版", "软件", "套", 11300, 4000, "13%", "是", ""],
    ["IMPL", "实施服务", "服务", "人天", "1,590.00", 800, 0.06, "是", "按人天计"],
    ["HW-01", "扫码枪", "硬件", "台", 565.5, 300, 13, "否", ""],
]


@pytest.mark.parametrize("role_fixture", ["director", "admin_user"])
def test_director_and_admin_import_a_catalogue(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    result = services.products_import_file(by=user, upload=upload(GOOD))
    assert (result.created, result.updated) == (3, 0)
    impl = Product.objects.get(code="IMPL")
    assert (impl.list_price, impl.vat_rate, impl.unit) == (D("1590.00"), "6", "人天")
    hardware = Product.objects.get(code="HW-01")
    assert (hardware.list_price, hardware.is_active) == (D("565.50"), False)
    assert impl.history.first().history_user == user


@pytest.mark.parametrize("role_fixture", ["rep", "manager", "general_manager", "legal"])
def test_others_do_not_touch_the_catalogue(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.products_import_file(by=user, upload=upload(GOOD))
    with pytest.raises(PermissionDenied):
        services.product_create(by=user, code="X", name="X", unit="套", list_price="1")
    assert not Product.objects.exists()


def test_a_known_code_updates_the_product(director):
    ProductFactory(code="CRM-STD", list_price=D("9999.00"))
    result = services.products_import_file(by=director, upload=upload(GOOD))
    assert (result.created, result.updated) == (2, 1)
    assert Product.objects.get(code="CRM-STD").list_price == D("11300.00")


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["BAD", "坏行", "", "套", 12.345, 1, "13%", "是", ""], "E · 含税单价(元)", "two decimals"),
        (["BAD", "坏行", "", "套", -5, 1, "13%", "是", ""], "E · 含税单价(元)", "negative"),
        (["BAD", "坏行", "", "套", 10, 1, "17%", "是", ""], "G · 税率", "13%, 9%, 6% or 0%"),
        (["BAD", "", "", "套", 10, 1, "13%", "是", ""], "B · 产品名称", "Required"),
        (["BAD", "坏行", "", "套", "十元", 1, "13%", "是", ""], "E · 含税单价(元)", "not a number"),
        (["CRM-STD", "重复", "", "套", 10, 1, "13%", "是", ""], "A · 产品编码", "also on row 2"),
    ],
)
def test_one_bad_row_refuses_the_whole_file(director, bad_row, column, message):
    ProductFactory(code="KEEP", list_price=D("100.00"))
    with pytest.raises(ImportRefused) as refused:
        services.products_import_file(by=director, upload=upload([*GOOD, bad_row]))
    problems = refused.value.problems
    assert [(p.row, p.column) for p in problems] == [(5, column)]
    assert message in problems[0].message
    assert "Nothing was imported" in str(refused.value)
    assert list(Product.objects.values_list("code", flat=True)) == ["KEEP"]


def test_a_file_that_is_not_a_workbook_is_refused(director):
    with pytest.raises(ImportRefused, match="not an Excel workbook"):
        services.products_import_file(
            by=director, upload=SimpleUploadedFile("产品.xlsx", b"code,name\nA,B\n")
        )
    assert not Product.objects.exists()


def test_missing_headers_are_named(director):
    with pytest.raises(ImportRefused, match="含税单价"):
        services.products_import_file(
            by=director, upload=upload([["A", "B", "套"]], headers=["产品编码", "产品名称", "单位"])
        )


def test_the_export_imports_back_and_is_formula_safe(director):
    ProductFactory(code="P1", name='=HYPERLINK("http://evil")', list_price=D("10.50"))
    ProductFactory(code="P2", name="+1 服务", vat_rate="6", inactive=True)
    out = io.BytesIO()
    assert services.products_export(by=director, out=out) == 2
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[2][1] == "'+1 服务"
    assert (rows[2][6], rows[2][7]) == ("6%", "否")

    Product.objects.all().update(list_price=D("1.00"))
    result = services.products_import_file(
        by=director, upload=SimpleUploadedFile("back.xlsx", out.getvalue())
    )
    assert (result.created, result.updated) == (0, 2)
    assert Product.objects.get(code="P1").list_price == D("10.50")
    assert Product.objects.get(code="P1").name == '=HYPERLINK("http://evil")'


def test_product_create_checks_its_values(director):
    with pytest.raises(InvalidInput) as raised:
        services.product_create(
            by=director, code=" ", name="X", unit="套", list_price="1.005", vat_rate="17"
        )
    assert set(raised.value.errors) == {"code", "list_price", "vat_rate"}
    ProductFactory(code="ABC")
    with pytest.raises(InvalidInput, match="taken"):
        services.product_create(by=director, code="abc", name="X", unit="套", list_price="1")
    assert Product.objects.count() == 1

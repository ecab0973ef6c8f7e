"""Importing customers from Excel: every row is checked first, and it is all or nothing."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crm_site import bulk_insert
from customers import excel, services
from customers.forms import CustomerImportForm
from customers.models import Contact, Customer, GradeChange, ImportLog, Tag
from tests.customers.helpers import good_row, xlsx
from tests.factories import ContactFactory, CustomerFactory, IndustryFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-import")


def upload(client, user, file):
    client.force_login(user)
    return client.post(URL, {"file": file})


def problems(response):
    return [(p.row, p.column.split(" · ")[-1], p.message) for p in response.context["problems"]]


@pytest.fixture
def industry(db):
    return IndustryFactory(name="制造业")


# --- the happy path --------------------------------------------------------------------------


def test_a_good_file_imports_customers_and_their_first_contacts(client, rep, industry):
    tag = TagFactory(name="新品采购", dimension=Tag.Dimension.NEED)
    rows = [good_row(1, 标签="新品采购"), good_row(2, 客户等级="B"), good_row(3)]
    rows[2]["年采购额预估(万元)"] = 150  # computed A: waits for the second check

    response = upload(client, rep, xlsx(rows))

    assert response.status_code == 302
    assert response.url == reverse("customers:customer-list")
    imported = {c.name: c for c in Customer.objects.select_related("industry")}
    assert len(imported) == 3
    first = imported["导入测试1号机械有限公司"]
    assert first.owner == rep
    assert first.created_by == rep
    assert first.industry == industry
    assert first.employee_band == Customer.EmployeeBand.MEDIUM
    assert first.region == Customer.Region.EAST
    assert first.lead_source == Customer.LeadSource.EXHIBITION
    assert (first.budget_min, first.budget_max) == (Decimal("10.00"), Decimal("30.00"))
    assert first.expected_purchase_date == date(2026, 9, 30)
    assert first.name_key == "导入测试1号机械"
    assert first.phone_key == "02150000001"
    assert list(first.tags.all()) == [tag]
    assert first.grade == "B" and first.grade_source == Customer.GradeSource.COMPUTED
    assert first.next_followup_due == timezone.localdate() + timedelta(days=14)
    assert imported["导入测试2号机械有限公司"].grade_source == Customer.GradeSource.MANUAL
    third = imported["导入测试3号机械有限公司"]
    assert third.grade == "A" and third.second_check == Customer.SecondCheck.PENDING
    contact = Contact.objects.get(customer=first)
    assert (contact.name, contact.title, contact.is_key) == ("王1", "采购经理", True)
    assert contact.decision_role == Contact.DecisionRole.DECISION_MAKER
    assert contact.phone_key == "13900000001"
    assert GradeChange.objects.filter(customer__in=imported.values()).count() == 3
    log = ImportLog.objects.get()
    assert (log.user, log.filename, log.customer_count, log.contact_count) == (
        rep,
        "customers.xlsx",
        3,
        3,
    )
    assert first.history.get().history_user == rep


def test_the_success_message_counts_what_was_imported(client, rep, industry):
    response = client.get(URL)  # anonymous: to the login page
    assert response.status_code == 302
    upload(client, rep, xlsx([good_row(1), good_row(2)]))
    page = client.get(reverse("customers:customer-list"))
    assert "2 customers were imported (with 2 contacts)." in page.content.decode()


def test_choice_columns_take_chinese_labels_and_codes(client, rep, industry):
    rows = [
        good_row(1, 员工规模="50-199人", 区域="south", 线索来源="referral", 决策角色="technical"),
        good_row(
            2,
            员工规模="lt50",
            区域="华北",
            线索来源="转介绍",
            决策角色="使用人",
            客户状态="潜在客户",
        ),
    ]
    assert upload(client, rep, xlsx(rows)).status_code == 302
    first, second = Customer.objects.order_by("name")
    assert (first.employee_band, first.region, first.lead_source) == ("50_199", "south", "referral")
    assert (second.employee_band, second.region, second.status) == ("lt50", "north", "prospect")
    assert second.contacts.get().decision_role == "user"


def test_a_manager_gives_imported_customers_to_reps_of_their_team(client, manager, rep, industry):
    rows = [good_row(1, **{"负责人(用户名)": "rep"}), good_row(2)]
    assert upload(client, manager, xlsx(rows)).status_code == 302
    owners = dict(Customer.objects.values_list("name", "owner__username"))
    assert owners == {"导入测试1号机械有限公司": "rep", "导入测试2号机械有限公司": "manager"}


def test_the_template_has_the_chinese_headers_and_a_sheet_of_allowed_values(client, rep, industry):
    client.force_login(rep)
    response = client.get(reverse("customers:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers[:3] == ["客户名称", "统一社会信用代码", "行业"]
    assert {"预算下限(万元)", "客户等级", "负责人(用户名)", "联系人姓名", "决策角色"} <= set(
        headers
    )
    guide = {row[0]: row[2] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert "展会" in guide["线索来源"]
    assert "制造业" in guide["行业"]


# --- all or nothing --------------------------------------------------------------------------


def test_any_bad_row_imports_nothing_and_lists_row_column_and_message(client, rep, industry):
    rows = [
        good_row(1),
        good_row(2, 客户等级="D"),
        good_row(3, 客户名称=None),
        good_row(4, 电话="not a phone"),
        good_row(5, 行业="占星术"),
        good_row(6, 预计采购时间="next spring"),
        good_row(7, 联系人邮箱="wang-at-example"),
        good_row(8, 统一社会信用代码="123"),
        good_row(9, **{"预算下限(万元)": 50, "预算上限(万元)": 10}),
        good_row(10, 区域="火星"),
    ]
    response = upload(client, rep, xlsx(rows))

    assert response.status_code == 200
    assert Customer.objects.count() == 0
    assert Contact.objects.count() == 0
    assert ImportLog.objects.count() == 0
    found = problems(response)
    assert [row for row, _column, _message in found] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    by_row = {row: (column, message) for row, column, message in found}
    assert by_row[3] == ("客户等级", "“D” is not a grade: use A, B or C.")
    assert by_row[4][0] == "客户名称" and "Required" in by_row[4][1]
    assert by_row[5] == ("电话", "“not a phone” is not a phone number.")
    assert by_row[6][0] == "行业" and "Unknown industry “占星术”" in by_row[6][1]
    assert by_row[7][0] == "预计采购时间" and "2026-06-30" in by_row[7][1]
    assert by_row[8][0] == "联系人邮箱"
    assert by_row[9][0] == "统一社会信用代码"
    assert by_row[10][0] == "预算上限(万元)"
    assert by_row[11][0] == "区域" and "华东" in by_row[11][1]
    page = response.content.decode()
    assert "Nothing was imported: the file has 9 problems." in page
    assert "R · 客户等级" in page  # columns are named by their letter in the file too


def test_a_file_without_the_template_headers_is_refused(client, rep):
    response = upload(client, rep, xlsx([{"名称": "某公司"}], headers=["名称"]))
    assert response.status_code == 200
    assert "the column 客户名称 is missing" in problems(response)[0][2]
    assert Customer.objects.count() == 0


def test_an_empty_file_is_refused(client, rep):
    response = upload(client, rep, xlsx([]))
    assert problems(response) == [(None, "", "The file has no customer rows.")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("customers.xlsx", "客户名称,电话\n某公司,021-12345678\n".encode()),  # a renamed .csv
        ("customers.xlsx", b"just some text"),  # a renamed .txt
        ("customers.csv", "客户名称\n某公司\n".encode()),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),  # Excel 97-2003
        ("archive.xlsx", b"PK\x03\x04" + b"\0" * 100),  # zip magic, but no workbook
    ],
)
def test_content_that_is_not_an_xlsx_workbook_is_refused(client, rep, name, content):
    response = upload(client, rep, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert "This is not an Excel workbook (.xlsx)." in response.content.decode()
    assert Customer.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(rep):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    file = SimpleUploadedFile("report.xlsx", buffer.getvalue())
    form = CustomerImportForm(data={}, files={"file": file}, user=rep)
    assert not form.is_valid()
    assert "This is not an Excel workbook" in form.errors["file"][0]


def test_a_file_over_10_mb_is_refused(client, rep):
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))
    response = upload(client, rep, big)
    assert response.status_code == 200
    assert "The file is 10.0 MB; at most 10 MB can be imported at once." in (
        response.content.decode()
    )
    assert Customer.objects.count() == 0


# --- duplicates ------------------------------------------------------------------------------


def test_the_same_company_twice_in_the_file_is_reported(client, rep, industry):
    rows = [
        good_row(1),
        good_row(2, 客户名称="导入测试1号机械"),  # the same name without the legal form
        good_row(3, 统一社会信用代码="91310000ma1k000001"),  # row 1's code, lower case
        good_row(4, 电话="(021) 5000-0001"),  # row 1's phone, written differently
    ]
    response = upload(client, rep, xlsx(rows))
    assert Customer.objects.count() == 0
    assert problems(response) == [
        (3, "客户名称", "The same company as row 2."),
        (4, "统一社会信用代码", "The same company as row 2."),
        (5, "电话", "The same company as row 2."),
    ]


def test_a_company_already_in_the_crm_is_reported_with_its_name_and_owner_only(
    client, rep, other_rep, industry
):
    theirs = CustomerFactory(name="上海某某精密机械股份有限公司", owner=other_rep)
    ContactFactory(customer=CustomerFactory(owner=other_rep), phone="139 0000 0002")
    rows = [
        good_row(1, 客户名称="上海某某精密机械有限公司"),
        good_row(2, 电话="13900000002"),
        good_row(3, 统一社会信用代码=None, 电话=None),
    ]
    response = upload(client, rep, xlsx(rows))
    assert Customer.objects.count() == 2
    found = problems(response)
    assert found[0] == (
        2,
        "客户名称",
        f"Already in the CRM: “{theirs.name}” (owner: {other_rep}).",
    )
    assert found[1][:2] == (3, "电话")
    assert str(other_rep) in found[1][2]
    assert len(found) == 2
    assert theirs.phone not in response.content.decode()


# --- who may import what ---------------------------------------------------------------------


def test_a_rep_cannot_give_customers_to_someone_else(client, rep, other_rep, manager, industry):
    rows = [
        good_row(1, **{"负责人(用户名)": "rep"}),
        good_row(2, **{"负责人(用户名)": "other_rep"}),
        good_row(3, **{"负责人(用户名)": "manager"}),
    ]
    response = upload(client, rep, xlsx(rows))
    assert Customer.objects.count() == 0
    assert [(row, column) for row, column, _ in problems(response)] == [
        (3, "负责人(用户名)"),
        (4, "负责人(用户名)"),
    ]
    assert "“other_rep” is not a user you may give customers to." in problems(response)[0][2]


def test_a_manager_cannot_give_customers_outside_their_teams(client, manager, other_rep, industry):
    response = upload(client, manager, xlsx([good_row(1, **{"负责人(用户名)": "other_rep"})]))
    assert Customer.objects.count() == 0
    assert problems(response)[0][1] == "负责人(用户名)"


def test_the_service_checks_the_owner_again(rep, other_rep, industry):
    row = excel.ImportRow(
        row=2, customer={"name": "绕过表单有限公司"}, contact=None, owner=other_rep
    )
    with pytest.raises(PermissionDenied):
        services.customers_import(by=rep, rows=[row])
    assert Customer.objects.count() == 0


def test_the_service_refuses_duplicates_again(rep, industry):
    CustomerFactory(name="已存在有限公司")
    row = excel.ImportRow(row=2, customer={"name": "已存在"}, contact=None)
    with pytest.raises(services.CustomerError, match="Nothing was imported"):
        services.customers_import(by=rep, rows=[row])
    assert Customer.objects.count() == 1


def test_excel_dates_numbers_and_yes_no_are_read(client, director, industry):
    rows = [
        good_row(
            1,
            预计采购时间=date(2026, 12, 1),
            战略客户="是",
            电话=2150000001,
            **{"年采购额预估(万元)": "1,200.5"},
        ),
        good_row(2, 预计采购时间="2027-03", 战略客户="否", 客户等级="c"),
    ]
    assert upload(client, director, xlsx(rows)).status_code == 302
    first, second = Customer.objects.order_by("name")
    assert first.expected_purchase_date == date(2026, 12, 1)
    assert first.strategic and first.grade == "A"
    assert first.annual_purchase_estimate == Decimal("1200.50")
    assert first.phone == "2150000001"
    assert second.expected_purchase_date == date(2027, 3, 1)
    assert (second.strategic, second.grade) == (False, "C")


def test_without_copy_the_import_falls_back_to_bulk_create(client, rep, industry, monkeypatch):
    monkeypatch.setattr(bulk_insert, "use_copy", lambda: False)  # as on SQLite
    assert upload(client, rep, xlsx([good_row(1), good_row(2, 标签=None)])).status_code == 302
    customer = Customer.objects.get(name="导入测试1号机械有限公司")
    assert customer.contacts.get().name == "王1"
    assert customer.history.get().history_user == rep
    assert customer.contacts.get().history.get().history_change_reason == "Imported"
    assert GradeChange.objects.count() == 2


def test_imported_contacts_keep_a_history_too(client, rep, industry):
    upload(client, rep, xlsx([good_row(1)]))
    record = Contact.objects.get().history.get()
    assert (record.history_type, record.history_user) == ("+", rep)


def test_a_file_that_unpacks_to_too_much_is_refused(client, rep, industry, monkeypatch):
    monkeypatch.setattr("customers.xlsx.limits.MAX_UNPACKED", 1000)  # a zip bomb, cheaply
    response = upload(client, rep, xlsx([good_row(1)]))
    assert "unpacks to far more data than a customer list" in response.content.decode()
    assert Customer.objects.count() == 0

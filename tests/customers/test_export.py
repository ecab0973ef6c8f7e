"""Exporting the customer list: only what the user sees, filtered as on the list, formulas
neutralised, every export logged."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from customers import excel, services
from customers.excel import writer
from customers.models import Customer, CustomerShare, ExportLog, Tag
from tests.customers.helpers import export, good_row, xlsx
from tests.factories import ContactFactory, CustomerFactory, IndustryFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-export")


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    # The test client reads English: the headers come back to the file format's Chinese.
    chinese = {en: zh for zh, en in writer.EXPORT_COLUMNS}
    header = [chinese.get(text, text) for text in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def names(response):
    return sorted(row["客户名称"] for row in sheet_rows(response))


def test_a_rep_exports_only_their_own_and_shared_customers(client, rep, other_rep, manager):
    CustomerFactory(name="我的客户", owner=rep)
    shared = CustomerFactory(name="同事共享的客户", owner=other_rep)
    CustomerShare.objects.create(customer=shared, user=rep)
    CustomerFactory(name="别人的客户", owner=other_rep)
    CustomerFactory(name="经理的客户", owner=manager)
    assert names(export(client, rep)) == ["同事共享的客户", "我的客户"]


def test_a_manager_exports_their_team_and_a_director_everything(
    client, rep, other_rep, manager, director
):
    CustomerFactory(name="组员的客户", owner=rep)
    CustomerFactory(name="经理的客户", owner=manager)
    CustomerFactory(name="别组的客户", owner=other_rep)
    assert names(export(client, manager)) == ["组员的客户", "经理的客户"]
    assert names(export(client, director)) == ["别组的客户", "组员的客户", "经理的客户"]


def test_the_export_holds_the_template_columns_and_the_key_contact(client, rep):
    tag = TagFactory(name="新品采购", dimension=Tag.Dimension.NEED)
    customer = CustomerFactory(
        name="上海精密机械有限公司",
        owner=rep,
        grade="B",
        region=Customer.Region.SOUTH,
        lead_source=Customer.LeadSource.REFERRAL,
        tags=[tag],
    )
    ContactFactory(customer=customer, name="王伟", title="采购经理", is_key=True)
    [row] = sheet_rows(export(client, rep))
    assert row["客户名称"] == "上海精密机械有限公司"
    assert row["区域"] == "华南"
    assert row["线索来源"] == "转介绍"
    assert row["客户等级"] == "B"
    assert row["标签"] == "新品采购"
    assert row["负责人(用户名)"] == "rep"
    assert (row["联系人姓名"], row["联系人职务"]) == ("王伟", "采购经理")
    assert row["下次跟进日期"].date() == customer.next_followup_due


@pytest.mark.parametrize("text", ["=1+1", "+86 138 0000 0000", "-3", "@SUM(A1:A2)", "\tx"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(client, rep, text):
    customer = CustomerFactory(name=text, owner=rep, notes=text, address=text)
    ContactFactory(customer=customer, name=text, title=text)
    response = export(client, rep)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    header = writer.EXPORT_HEADERS  # the English client's headers, in the same order
    for column in ("客户名称", "注册地址", "备注", "联系人姓名", "联系人职务"):
        cell = sheet.cell(row=2, column=header.index(column) + 1)
        assert cell.value == "'" + text, column
        assert cell.data_type == "s", column  # text, never a formula


def test_safe_cell_leaves_ordinary_values_alone():
    assert excel.safe_cell("上海精密") == "上海精密"
    assert excel.safe_cell("A=B") == "A=B"
    assert excel.safe_cell(12) == 12
    assert excel.safe_cell(None) is None
    assert excel.safe_cell("\rx") == "'\rx"  # (a workbook read back turns \r into \n)
    assert excel.safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'


def test_each_export_is_logged_with_who_the_filter_and_the_row_count(client, rep):
    CustomerFactory.create_batch(3, owner=rep, grade="A")
    CustomerFactory(owner=rep, grade="C")
    response = export(client, rep, {"grade": "A"})
    assert len(sheet_rows(response)) == 3
    log = ExportLog.objects.get()
    assert (log.user, log.query, log.row_count) == (rep, "grade=A", 3)


def test_the_list_filters_are_respected(client, rep):
    need = TagFactory(name="服务续费", dimension=Tag.Dimension.NEED)
    CustomerFactory(name="逾期A客户", owner=rep, grade="A", overdue=True, tags=[need])
    CustomerFactory(name="正常A客户", owner=rep, grade="A")
    CustomerFactory(name="逾期C客户", owner=rep, grade="C", overdue=True)
    assert names(export(client, rep, {"grade": "A", "overdue": "true"})) == ["逾期A客户"]
    assert names(export(client, rep, {"tag_need": str(need.pk)})) == ["逾期A客户"]
    assert names(export(client, rep, {"q": "正常"})) == ["正常A客户"]


def test_the_owner_filter_cannot_reach_another_reps_customers(client, rep, other_rep):
    CustomerFactory(name="别人的客户", owner=other_rep)
    response = export(client, rep, {"owner": str(other_rep.pk)})
    assert response.status_code == 302  # not an owner the rep may choose: nothing leaves
    assert ExportLog.objects.count() == 0


def test_bad_filters_export_nothing(client, rep):
    CustomerFactory(owner=rep)
    response = export(client, rep, {"followup_from": "2026-05-01", "followup_to": "2026-04-01"})
    assert response.status_code == 302
    assert ExportLog.objects.count() == 0


def test_the_service_writes_only_what_the_user_sees(rep, other_rep):
    CustomerFactory(name="别人的客户", owner=other_rep)
    out = io.BytesIO()
    count = services.customers_export(by=rep, customers=Customer.objects.all(), query="", out=out)
    assert count == 0
    assert ExportLog.objects.get().row_count == 0


def test_a_get_exports_nothing(client, rep):
    """An export is logged, so a link prefetched or crawled never makes one."""
    CustomerFactory(owner=rep)
    client.force_login(rep)
    assert client.get(URL).status_code == 405
    assert ExportLog.objects.count() == 0


def test_the_export_reads_in_chunks_with_a_constant_number_of_queries(
    client, rep, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(writer, "EXPORT_CHUNK", 10)
    for _ in range(25):
        ContactFactory(customer=CustomerFactory(owner=rep))
    client.force_login(rep)
    # Session, user, then per chunk of 10: customers, contacts, tags (three chunks).
    with django_assert_max_num_queries(20):
        response = client.post(URL)
    assert len(sheet_rows(response)) == 25


# --- the file as people open it (issue 9 point 10) ----------------------------------------


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_freezes_its_header_row_and_sizes_its_columns(client, rep):
    CustomerFactory(name="上海精密机械有限公司", owner=rep)
    sheet = _workbook(export(client, rep)).worksheets[0]
    assert sheet.freeze_panes == "B2"  # the header row and the customer's name stay in view
    widths = {
        zh: sheet.column_dimensions[get_column_letter(i)].width
        for i, zh in enumerate(writer.EXPORT_HEADERS, start=1)
    }
    assert widths["客户名称"] >= 30
    assert widths["注册地址"] >= 30
    assert all(width >= 10 for width in widths.values())
    assert sheet["A1"].font.bold


def test_the_export_headers_follow_the_users_language(client, rep):
    CustomerFactory(owner=rep)
    client.force_login(rep)
    english = _workbook(client.post(URL)).worksheets[0]
    assert [c.value for c in english[1]][:3] == [
        "Customer name",
        "Unified social credit code",
        "Industry",
    ]
    chinese_client = Client(headers={"accept-language": "zh-hans"})
    chinese = _workbook(export(chinese_client, rep)).worksheets[0]
    assert [c.value for c in chinese[1]][:3] == ["客户名称", "统一社会信用代码", "行业"]


def test_the_import_reads_english_headers_as_well(client, rep):
    """The import template keeps its Chinese headers and also reads the English ones an
    English export writes."""
    IndustryFactory(name="制造业")
    english = {column.header: column.english for column in excel.COLUMNS}
    row = {english[header]: value for header, value in good_row(1).items()}
    client.force_login(rep)
    response = client.post(
        reverse("customers:customer-import"),
        {"file": xlsx([row], headers=[english[h] for h in excel.HEADERS])},
    )
    assert response.status_code == 302
    assert Customer.objects.get().name == "导入测试1号机械有限公司"


def test_a_queued_export_is_written_in_the_language_it_was_asked_in(rep, settings):
    from django.utils import translation

    CustomerFactory(owner=rep)
    with translation.override("en"):
        log = services.customers_export_queue(by=rep, query="", total=1)
    assert log.language == "en"
    with translation.override("zh-hans"):
        services.customers_export_write(log_id=log.pk)
    log.refresh_from_db()
    sheet = load_workbook(log.file.open("rb")).worksheets[0]
    assert sheet["A1"].value == "Customer name"


def test_the_list_says_when_a_direct_download_starts(client, rep):
    client.force_login(rep)
    html = client.get(reverse("customers:customer-list")).content.decode()
    assert 'data-export-notice="#export-notice"' in html
    assert 'id="export-notice" role="status"' in html
    assert "will download in a moment" in html
    assert 'aria-label="Export to Excel"' in html

"""What an import file holds: every upload answers quickly in bounded memory, formulas are read
from their saved results or reported, and odd but real workbooks read as Excel shows them.

The files are written part by part (tests/customers/workbooks.py), the bombs to a temporary
folder, as an attacker or a script would write them.
"""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from customers import excel, xlsx
from customers.models import Customer
from customers.xlsx import limits
from tests.factories import IndustryFactory

from . import workbooks
from .workbooks import (
    CHINESE_DATE_STYLE,
    CUSTOM_DATE_STYLE,
    DATE_STYLE,
    MEMORY,
    SECONDS,
    Error,
    Formula,
    Raw,
    Shared,
    Styled,
    check,
    header_and,
)

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-import")


@pytest.fixture
def industry(db):
    return IndustryFactory(name="制造业")


def good(n=1, **extra):
    return {"客户名称": f"文件测试{n}号机械有限公司", "电话": f"021-6{n:07d}", **extra}


def refused(answer, words):
    """Refused as a whole, saying `words`, nothing kept, within the bounds."""
    assert not answer.valid
    assert words in answer.error
    assert answer.rows == []
    assert answer.seconds < SECONDS
    assert answer.peak < MEMORY
    return True


# --- point 1: bombs --------------------------------------------------------------------------


def test_a_sheet_of_290_mb_of_blank_rows_is_refused_at_once(tmp_path, rep, industry):
    # The file: under 2 MB, no <dimension>, a sheet that unpacks to 290 MB. openpyxl
    # scanned it to open it and the reader walked millions of blank rows (134 s, 634 MB).
    path = tmp_path / "bomb.xlsx"
    sheet = workbooks.blank_rows_sheet(header_and(good()), 290 * 2**20)
    workbooks.write(path, workbooks.parts(sheet, styles=None), level=1)
    assert path.stat().st_size < 2 * 2**20

    answer = check(rep, path)

    assert refused(answer, "The first sheet unpacks to more than 64 MB")
    assert Customer.objects.count() == 0


def test_blank_rows_count_against_the_rows_scanned(tmp_path, rep, industry):
    # The same shape under every size limit: a good row, then blank rows without numbers.
    path = tmp_path / "blank.xlsx"
    sheet = workbooks.blank_rows_sheet(header_and(good()), 60_000 * 21)
    workbooks.write(path, workbooks.parts(sheet, styles=None))

    answer = check(rep, path)

    assert refused(answer, "The sheet goes past row 50,000 (blank rows count too)")


def test_a_gap_in_row_numbers_counts_as_rows_scanned(rep, industry):
    content = workbooks.xlsx(header_and(good()) + [None] * 49_998 + [["迟到的客户有限公司"]])
    assert refused(check(rep, content), "The sheet goes past row 50,000")
    content = workbooks.xlsx(header_and(good()) + [None] * 49_997 + [["最后一行有限公司"]])
    assert check(rep, content).valid  # row 50,000 itself is read


def test_a_table_of_texts_of_100_mb_is_refused_at_once(tmp_path, rep, industry):
    # The other file: a shared-strings part of 100 MB (45 s and 986 MB before).
    path = tmp_path / "strings.xlsx"
    sheet = workbooks.sheet_xml([excel.HEADERS, [Shared(0)]])
    workbooks.write(
        path, workbooks.parts(sheet, strings=workbooks.many_strings(100 * 2**20)), level=1
    )
    assert path.stat().st_size < 2 * 2**20

    answer = check(rep, path)

    assert refused(answer, "The workbook's table of texts unpacks to more than 32 MB")


def test_a_table_of_texts_is_bounded_by_its_count(rep, industry, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1000)
    strings = ["文件测试1号机械有限公司", *(f"文本{n}" for n in range(1000))]
    content = workbooks.xlsx([excel.HEADERS, [Shared(0)]], strings=strings)
    assert refused(check(rep, content), "table of texts holds more than 1,000 entries")


def test_a_part_whose_declared_size_lies_is_bounded_by_what_it_unpacks(rep, industry):
    # The zip's directory says the sheet is 2 KB; it unpacks to 40 MB of blank rows.
    buffer = io.BytesIO()
    sheet = workbooks.blank_rows_sheet(header_and(good()), 40 * 2**20)
    workbooks.write(buffer, workbooks.parts(b"".join(sheet), styles=None))
    content = _declare_size(buffer.getvalue(), "xl/worksheets/sheet1.xml", 2048)

    # zipfile stops at the declared size, and the sheet's checksum then fails.
    assert refused(check(rep, content), "This workbook is damaged")


def _declare_size(content, name, size):
    """The same zip, its central directory declaring `size` bytes for member `name`."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
        offset = info.header_offset
    at = content.rfind(b"PK\x01\x02", 0, content.rfind(name.encode()))
    data = bytearray(content)
    assert int.from_bytes(data[at + 42 : at + 46], "little") == offset
    data[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(data)


# --- point 1: each bound names itself ------------------------------------------------------


def test_a_value_beyond_the_last_column_read_is_refused(rep, industry):
    content = workbooks.xlsx([excel.HEADERS, ["越界有限公司"] + [None] * 99 + ["x"]])
    assert refused(check(rep, content), "Cell CW2 has a value beyond column CV")
    # Empty formatted cells that far right are not values.
    content = workbooks.xlsx([excel.HEADERS, ["不越界有限公司"] + [None] * 99 + [Styled(None, 1)]])
    assert check(rep, content).valid


def test_cells_are_bounded_empty_ones_included(rep, industry, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    rows = [excel.HEADERS, ["单元格有限公司"] + [Styled(None, 1)] * 80]
    assert refused(check(rep, workbooks.xlsx(rows)), "The sheet holds more than 100 cells")


def test_a_cell_longer_than_excel_allows_is_refused(rep, industry):
    long_text = "长" * (limits.MAX_CELL_CHARS + 1)
    inline = workbooks.xlsx([excel.HEADERS, ["长文本有限公司"] + [None] * 22 + [long_text]])
    assert refused(check(rep, inline), "A cell holds more than 32,767 characters")
    shared = workbooks.xlsx([excel.HEADERS, [Shared(0)]], strings=[long_text])
    assert refused(check(rep, shared), "A cell holds more than 32,767 characters")


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("MAX_SHEET_BYTES", "The first sheet unpacks to more than 0 MB"),
        ("MAX_STRINGS_BYTES", "The workbook's table of texts unpacks to more than 0 MB"),
        ("MAX_STYLES_BYTES", "The workbook's cell formats unpack to more than 0 MB"),
        ("MAX_INDEX_BYTES", "A part of the workbook ([Content_Types].xml) unpacks to more"),
    ],
)
def test_each_part_is_bounded_by_its_size(rep, industry, monkeypatch, limit, words):
    monkeypatch.setattr(limits, limit, 200)
    content = workbooks.xlsx(header_and(good()), strings=["a" * 300])
    assert refused(check(rep, content), words)


def test_xml_elements_are_bounded(rep, industry, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 50)
    content = workbooks.xlsx(header_and(good()))
    assert refused(check(rep, content), "The file holds more than 50 XML elements")


def test_a_giant_tag_or_comment_is_refused(rep, industry):
    sheet = workbooks.sheet_xml(header_and(good()))
    sheet = sheet.replace("<sheetData>", "<!--" + "x" * (2 * 2**20) + "--><sheetData>")
    content = _write(workbooks.parts(sheet))
    assert refused(check(rep, content), "a single XML tag or comment larger than 1 MB")


def test_a_zip_of_too_many_parts_is_refused(rep, industry):
    content = workbooks.parts(workbooks.sheet_xml(header_and(good())))
    content.update({f"xl/media/pad{n}.txt": b"" for n in range(limits.MAX_PARTS)})
    assert refused(check(rep, _write(content)), "more than 2,000 parts")


def test_entities_are_never_expanded(rep, industry):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    sheet = workbooks.sheet_xml(header_and(good(1, 备注="&lol2;")))
    sheet = laughs + sheet.split("?>", 1)[1].replace("&amp;lol2;", "&lol2;")
    assert refused(check(rep, _write(workbooks.parts(sheet))), "This workbook is damaged")


def _write(content):
    buffer = io.BytesIO()
    workbooks.write(buffer, content)
    return buffer.getvalue()


# --- point 2: formulas -----------------------------------------------------------------------


def test_a_row_of_formulas_without_saved_results_is_reported_not_skipped(rep, industry):
    # As a script writes it: the second customer's cells are formulas with no cached value.
    # It used to read as an empty row: one customer imported and not a word about the other.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(excel.HEADERS)
    sheet.append([good(1).get(h) for h in excel.HEADERS])
    sheet.append(['="公式"&"测试有限公司"'] + [None] * 8 + ["=A2"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    answer = check(rep, buffer.getvalue())

    assert not answer.valid
    assert answer.problem_at(3) == [
        ("客户名称", FORMULA_MESSAGE),
        ("电话", FORMULA_MESSAGE),
    ]
    assert Customer.objects.count() == 0


FORMULA_MESSAGE = (
    "A formula without a saved result: formulas are not imported; paste values "
    "(Paste Special › Values)."
)


def test_a_formula_with_a_saved_result_is_imported_from_it(client, rep, industry):
    row = good(
        1,
        客户名称=Formula('"公式"&"结果有限公司"', cached="公式结果有限公司"),
        **{"预算下限(万元)": Formula("5*2", cached=10), "备注": Formula('IF(A1="","","")', "")},
    )
    content = workbooks.xlsx(header_and(row))
    assert check(rep, content).valid
    client.force_login(rep)
    client.post(URL, {"file": _upload(content)})
    customer = Customer.objects.get()
    assert customer.name == "公式结果有限公司"
    assert customer.budget_min == Decimal("10.00")
    assert customer.notes == ""  # a formula whose result is empty text is an empty cell


def _upload(content):
    return SimpleUploadedFile("customers.xlsx", content, content_type=excel.XLSX_CONTENT_TYPE)


def test_an_excel_error_is_reported_typed_or_as_a_formula_result(rep, industry):
    rows = header_and(
        good(1, 电话=Error("#N/A")),
        good(2, 电话=Formula("1/0", cached=None)),
        good(3, 客户名称=Formula("VLOOKUP(1,X:X,2)", cached=Error("#REF!"))),
    )
    answer = check(rep, workbooks.xlsx(rows))
    assert answer.problem_at(2) == [
        ("电话", "The cell shows the Excel error #N/A; correct it or clear the cell.")
    ]
    assert answer.problem_at(3) == [("电话", FORMULA_MESSAGE)]
    assert answer.problem_at(4)[0][0] == "客户名称"


def test_a_row_with_anything_in_it_is_never_skipped(rep, industry):
    # Something only in a column the template does not have, even a formula: reported.
    rows = header_and(good(1)) + [[None] * 30 + ["附注"], [None] * 31 + [Formula("1+1")]]
    answer = check(rep, workbooks.xlsx(rows))
    assert [p.row for p in answer.problems] == [3, 4]
    assert all("Required" in p.message for p in answer.problems)


# --- odd but real workbooks --------------------------------------------------------------


def test_values_of_every_cell_type_are_read_as_excel_shows_them(client, rep, industry):
    rows = header_and(
        good(1, 战略客户=True, 预计采购时间=Styled(46295, DATE_STYLE)),  # 2026-09-30
        good(2, 战略客户=False, 预计采购时间=Styled(46295.0, CUSTOM_DATE_STYLE)),
        good(3, 预计采购时间=Styled(46295, CHINESE_DATE_STYLE), **{"客户名称": Shared(0)}),
        good(4, 预计采购时间=46295, **{"年采购额预估(万元)": Styled(12.5, 3)}),
    )
    content = workbooks.xlsx(rows, strings=["共享文本有限公司"])
    client.force_login(rep)
    response = client.post(URL, {"file": _upload(content)})
    assert response.status_code == 302
    customers = {c.name: c for c in Customer.objects.all()}
    assert customers["文件测试1号机械有限公司"].strategic is True
    assert customers["文件测试2号机械有限公司"].strategic is False
    assert {c.expected_purchase_date for c in customers.values()} == {date(2026, 9, 30)}
    assert customers["文件测试4号机械有限公司"].annual_purchase_estimate == Decimal("12.50")
    assert "共享文本有限公司" in customers


def test_rich_text_is_read_without_its_reading_guide(rep, industry):
    strings = (
        f'<?xml version="1.0"?><sst xmlns="{workbooks.MAIN_NS}"><si><r><t>富文本</t></r>'
        "<r><rPr><b/></rPr><t>有限公司</t></r><rPh sb='0' eb='1'><t>ふりがな</t></rPh></si></sst>"
    )
    sheet = workbooks.sheet_xml([excel.HEADERS, [Shared(0)]])
    with xlsx.Book(io.BytesIO(_write(workbooks.parts(sheet, strings=strings)))) as book:
        assert list(book.rows())[1] == (2, ["富文本有限公司"])


def test_dates_of_a_1904_workbook_and_iso_dates(rep, industry):
    iso = Raw('<c r="{ref}" t="d"><v>2026-09-30T00:00:00</v></c>')
    sheet = workbooks.sheet_xml([["日期"], [Styled(44833, DATE_STYLE), iso]])
    content = _write(workbooks.parts(sheet, workbook_extra='<workbookPr date1904="1"/>'))
    with xlsx.Book(io.BytesIO(content)) as book:
        (_number, values) = list(book.rows())[1]
    assert values[0].date() == date(2026, 9, 30)
    assert values[1].date() == date(2026, 9, 30)


def test_merged_cells_keep_their_value_in_the_top_left_cell(rep, industry):
    rows = header_and(good(1), {"电话": "021-60000009"}, good(3))
    after = '<mergeCells count="2"><mergeCell ref="A2:A3"/><mergeCell ref="C4:D4"/></mergeCells>'
    content = _write(workbooks.parts(workbooks.sheet_xml(rows, after=after)))
    answer = check(rep, content)
    assert [(p.row, p.column.split(" · ")[-1]) for p in answer.problems] == [(3, "客户名称")]


@pytest.mark.parametrize(
    "name",
    ["客户 名单 (2026)", "It's & <odd>", "'quoted'", "x" * 60, "Sheet1", "历史!数据"],
)
def test_the_first_sheet_is_read_whatever_its_name(rep, industry, name):
    content = workbooks.xlsx(header_and(good()), sheet_name=name)
    assert check(rep, content).valid


def test_the_first_worksheet_is_read_when_a_chart_comes_first(rep, industry):
    content = workbooks.parts(workbooks.sheet_xml(header_and(good())))
    content["xl/workbook.xml"] = content["xl/workbook.xml"].replace(
        "<sheets>", '<sheets><sheet name="图表" sheetId="9" r:id="rId9"/>'
    )
    content["xl/_rels/workbook.xml.rels"] = content["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rId9" Type="{workbooks.REL_NS}/chartsheet" '
        'Target="chartsheets/sheet1.xml"/></Relationships>',
    )
    assert check(rep, _write(content)).valid


def test_prefixed_namespaces_read_the_same(rep, industry):
    sheet = workbooks.sheet_xml(header_and(good()))
    sheet = sheet.replace(f'xmlns="{workbooks.MAIN_NS}"', f'xmlns:x="{workbooks.MAIN_NS}"')
    for tag in ("worksheet", "dimension", "sheetData", "row", "c", "is", "t"):
        sheet = sheet.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
        sheet = sheet.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
    assert check(rep, _write(workbooks.parts(sheet))).valid


def test_a_macro_enabled_workbook_is_read_for_its_values_only(rep, industry):
    content = workbooks.parts(workbooks.sheet_xml(header_and(good())), main_type=MACRO_MAIN)
    content["xl/vbaProject.bin"] = b"\0" * 1000  # never opened
    assert check(rep, _write(content), name="renamed.xlsx").valid


MACRO_MAIN = workbooks.MACRO_MAIN


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("binary", "This is not an Excel workbook (.xlsx)."),
        ("no sheets", "This workbook has no worksheet to read"),
        ("sheet part missing", "This workbook has no worksheet to read"),
        ("broken xml", "This workbook is damaged"),
        ("bad cell reference", "This workbook is damaged"),
        ("shared string out of range", "This workbook is damaged"),
        ("rows out of order", "This workbook is damaged"),
    ],
)
def test_workbooks_that_cannot_be_read_are_refused_with_the_reason(rep, industry, damage, words):
    content = workbooks.parts(workbooks.sheet_xml(header_and(good())), strings=["x"])
    if damage == "binary":  # an .xlsb renamed
        content["[Content_Types].xml"] = content["[Content_Types].xml"].replace(
            workbooks.SHEET_MAIN, "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
        )
    elif damage == "no sheets":
        content["xl/workbook.xml"] = content["xl/workbook.xml"].split("<sheets>")[0] + (
            "<sheets/></workbook>"
        )
    elif damage == "sheet part missing":
        del content["xl/worksheets/sheet1.xml"]
    elif damage == "broken xml":
        content["xl/worksheets/sheet1.xml"] = content["xl/worksheets/sheet1.xml"][:-40]
    elif damage == "bad cell reference":
        content["xl/worksheets/sheet1.xml"] = content["xl/worksheets/sheet1.xml"].replace(
            'r="A2"', 'r="2A"'
        )
    elif damage == "shared string out of range":
        content["xl/worksheets/sheet1.xml"] = workbooks.sheet_xml([excel.HEADERS, [Shared(5)]])
    elif damage == "rows out of order":
        content["xl/worksheets/sheet1.xml"] = workbooks.sheet_xml(header_and(good())).replace(
            '<row r="2">', '<row r="1">'
        )
    assert refused(check(rep, _write(content)), words)


def test_a_password_protected_workbook_is_named_as_such(rep):
    # Excel and WPS encrypt an .xlsx into an OLE container holding an EncryptedPackage.
    ole = workbooks_ole(["EncryptionInfo", "EncryptedPackage"])
    assert refused(check(rep, ole), "This workbook is protected with a password")
    old_xls = workbooks_ole(["Workbook", "SummaryInformation"])
    assert refused(check(rep, old_xls, name="old.xlsx"), "This is not an Excel workbook")


def workbooks_ole(streams):
    """An OLE compound file's first bytes and directory names, as far as the reader looks."""
    names = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in streams)
    return xlsx.OLE_MAGIC + b"\0" * 504 + names + b"\0" * 4096

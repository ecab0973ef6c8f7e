#!/usr/bin/env python
"""Time an Excel import of N customers through the real form and service.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_import.py --rows 10000

Builds a valid file in memory (one customer and its first contact per row, its text in a
shared-string table as Excel and WPS save it; `--inline-strings` keeps openpyxl's inline
text, as scripts and our own export write it), then times the checking (CustomerImportForm: open,
read every row, look up duplicates among all customers) and the import
(services.customers_import) against the configured database. Everything runs in one
transaction that is rolled back, so the database is left as it was. The target is 10,000
rows in at most 20 seconds.
"""

import argparse
import io
import os
import re
import sys
import time
import uuid
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every SQL query in memory

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from customers import excel, services  # noqa: E402
from customers.forms import CustomerImportForm  # noqa: E402
from customers.models import Industry  # noqa: E402
from teams.models import Role, User  # noqa: E402

TARGET_SECONDS = 20
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REGIONS = ["华东", "华南", "华北", "华中", "西南"]
SOURCES = ["展会", "转介绍", "线上咨询", "陌拜", "合作伙伴", "市场活动"]
BANDS = ["50人以下", "50-199人", "200-999人", "1000人及以上"]
ROLES = ["决策人", "技术把关人", "使用人"]


def build_file(rows, run):
    """A valid import file of `rows` customers whose names, codes and phones are new.

    A normal (not write-only) workbook, like a file saved by Excel or WPS: it records the
    sheet's dimensions, which openpyxl's read-only mode reads first.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    sheet.append(excel.HEADERS)
    for n in range(rows):
        values = {
            "客户名称": f"基准{run}测试{n:06d}号科技有限公司",
            "统一社会信用代码": f"9{n % 10}{310000 + n % 600000:06d}B{run[:3].upper()}{n:06d}",
            "行业": "制造业",
            "员工规模": BANDS[n % len(BANDS)],
            "区域": REGIONS[n % len(REGIONS)],
            "注册地址": f"上海市浦东新区张江路{n}号",
            "主营业务": "工业自动化设备",
            "法定代表人": "张三",
            "电话": f"0{int(run[:6], 16) % 900 + 100}-{n:08d}",
            "线索来源": SOURCES[n % len(SOURCES)],
            "初步需求": "产线升级",
            "预算下限(万元)": 10 + n % 50,
            "预算上限(万元)": 80 + n % 50,
            "预计采购时间": "2026-09-30",
            "年采购额预估(万元)": n % 160,
            "联系人姓名": f"联系人{n}",
            "联系人职务": "采购经理",
            "联系人电话": f"1{int(run[:6], 16) % 90 + 10}{n:08d}",
            "联系人邮箱": f"buyer{n}@example.com",
            "决策角色": ROLES[n % len(ROLES)],
        }
        sheet.append([values.get(header) for header in excel.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_excel_saves_it(content):
    """openpyxl writes every text inline in the sheet; Excel and WPS keep one table of
    shared strings that cells point into. Rewrite the file that way, as a user's file is."""
    source = zipfile.ZipFile(io.BytesIO(content))
    strings, index = [], {}

    def shared(match):
        text = match.group(1)  # already XML-escaped
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f't="s"><v>{index[text]}</v>'

    sheet = re.sub(
        r't="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is>',
        shared,
        source.read("xl/worksheets/sheet1.xml").decode(),
    )
    table = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>"
    )
    types = (
        source.read("[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    rels = (
        source.read("xl/_rels/workbook.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        )
    )
    replaced = {
        "xl/worksheets/sheet1.xml": sheet,
        "[Content_Types].xml": types,
        "xl/_rels/workbook.xml.rels": rels,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replaced.get(name) or source.read(name))
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--inline-strings",
        action="store_true",
        help="Keep openpyxl's inline strings (as in a file written by a script, or by our "
        "own export) instead of Excel's shared strings.",
    )
    args = parser.parse_args()

    run = uuid.uuid4().hex
    started = time.perf_counter()
    content = build_file(args.rows, run)
    if not args.inline_strings:
        content = as_excel_saves_it(content)
    built = time.perf_counter() - started
    kind = "inline strings" if args.inline_strings else "shared strings, as Excel saves it"
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        f"file: {args.rows:,} rows, {len(content) / 1024 / 1024:.1f} MB ({kind}), "
        f"built in {built:.1f} s"
    )

    with transaction.atomic():
        importer = User.objects.create(
            username=f"bench_import_{run[:8]}", role=Role.SALES_REP, first_name="Bench"
        )
        Industry.objects.get_or_create(name="制造业")
        upload = SimpleUploadedFile("bench.xlsx", content, content_type=excel.XLSX_CONTENT_TYPE)

        started = time.perf_counter()
        form = CustomerImportForm(data={}, files={"file": upload}, user=importer)
        if not form.is_valid():
            for problem in form.problems[:10]:
                print("problem:", problem)
            raise SystemExit(f"the file was refused: {form.errors.as_text()}")
        checked = time.perf_counter() - started

        started = time.perf_counter()
        log = services.customers_import(by=importer, rows=form.rows, filename="bench.xlsx")
        imported = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the database as it was

    total = checked + imported
    print(f"check (form: open, read, validate, duplicates): {checked:6.2f} s")
    print(
        f"import (service: {log.customer_count:,} customers, {log.contact_count:,} contacts): "
        f"{imported:6.2f} s"
    )
    verdict = "OK" if total <= TARGET_SECONDS or args.rows != 10_000 else "TOO SLOW"
    print(f"total: {total:.2f} s for {args.rows:,} rows (target ≤ {TARGET_SECONDS} s) {verdict}")


if __name__ == "__main__":
    main()

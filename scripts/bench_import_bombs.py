#!/usr/bin/env python
"""Time and peak memory of checking hostile and awkward import files.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_import_bombs.py

Builds, in a temporary folder, the files of issue 7:
  - a sheet of blank rows without <dimension> that unpacks to 290 MB (the file: under 1 MB),
    and one of 60 MB, under the sheet's size bound;
  - a shared-strings part that unpacks to 100 MB (the file: a few hundred KB);
  - a two-row file whose second row is formulas without cached values (as a script writes it);
and, for comparison, files just under the bounds of customers/xlsx/limits.py (shared strings,
cells) and a valid file of 20,000 customers, the most an import takes;
then checks each through the import form (CustomerImportForm: open, read, validate, look up
duplicates) in a child process of its own, and prints the wall time, the peak resident memory
above the child's baseline (VmHWM after resetting it through /proc/self/clear_refs) and what
the form answered.
Nothing is written: each child works in a transaction that is rolled back.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every SQL query in memory

CHILD_TIMEOUT = 900


def child(path):
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from customers.forms import CustomerImportForm
    from customers.models import Industry
    from teams.models import Role, User
    from tests.customers.workbooks import Peak

    content = Path(path).read_bytes()
    with transaction.atomic():
        user = User.objects.create(username="bench_bombs", role=Role.SALES_REP)
        Industry.objects.get_or_create(name="制造业")
        upload = SimpleUploadedFile(Path(path).name, content)
        form = CustomerImportForm(data={}, files={"file": upload}, user=user)
        CustomerImportForm(data={}, files={}, user=user).is_valid()  # imports, first queries
        with Peak() as peak:
            valid = form.is_valid()
        transaction.set_rollback(True)
    seconds, peak_mb = peak.seconds, peak.bytes / 2**20
    if valid:
        answer = f"accepted: {len(form.rows)} row(s)"
    else:
        messages = [str(m) for m in form.errors.get("file", [])]
        messages += [f"row {p.row} {p.column}: {p.message}" for p in form.problems[:3]]
        answer = "refused: " + " | ".join(messages)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "answer": answer}))


def build(folder, only=None):
    from openpyxl import Workbook

    from customers import excel
    from tests.customers import workbooks

    good = {
        "客户名称": "炸弹测试机械有限公司",
        "行业": "制造业",
        "电话": "021-55550001",
        "联系人姓名": "王一",
    }
    files = {}

    path = folder / "blank_rows_290mb.xlsx"
    sheet = workbooks.blank_rows_sheet(workbooks.header_and(good), 290 * 2**20)
    workbooks.write(path, workbooks.parts(sheet, styles=None))
    files["blank rows: sheet unpacks to 290 MB, no <dimension>"] = path

    path = folder / "blank_rows_60mb.xlsx"
    sheet = workbooks.blank_rows_sheet(workbooks.header_and(good), 60 * 2**20)
    workbooks.write(path, workbooks.parts(sheet, styles=None))
    files["blank rows: sheet unpacks to 60 MB, under the size bound"] = path

    path = folder / "shared_strings_100mb.xlsx"
    sheet = workbooks.sheet_xml(
        [excel.HEADERS, [workbooks.Shared(0), None, None, None, None, None, None, None, None]]
    )
    workbooks.write(path, workbooks.parts(sheet, strings=workbooks.many_strings(100 * 2**20)))
    files["shared strings: part unpacks to 100 MB"] = path

    path = folder / "formulas_without_values.xlsx"
    workbook = Workbook()  # as a script writes it: formulas, no cached values
    sheet = workbook.active
    sheet.append(excel.HEADERS)
    sheet.append([good.get(h) for h in excel.HEADERS])
    sheet.append(['="公式"&"测试有限公司"', None, None, None, None, None, None, None, None, "=A2"])
    workbook.save(path)
    files["formulas without cached values (2 rows)"] = path

    path = folder / "strings_at_the_bound.xlsx"
    sheet = workbooks.sheet_xml([excel.HEADERS, [workbooks.Shared(0)]])
    strings = workbooks.numbered_strings(599_999)
    workbooks.write(path, workbooks.parts(sheet, strings=strings))
    files["at the bounds: 599,999 shared strings, 1 customer"] = path

    path = folder / "cells_at_the_bound.xlsx"
    sheet = workbooks.styled_blank_rows(workbooks.header_and(good), 39_990, 20)
    workbooks.write(path, workbooks.parts(sheet))
    files["at the bounds: 39,990 rows of 20 empty formatted cells, 1 customer"] = path

    path = folder / "valid_20000_rows.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(excel.HEADERS)
    for n in range(20_000):
        values = {
            "客户名称": f"基准测试{n:06d}号科技有限公司",
            "行业": "制造业",
            "区域": "华东",
            "注册地址": f"上海市浦东新区张江路{n}号",
            "电话": f"021-{n:08d}",
            "线索来源": "展会",
            "预算下限(万元)": 10 + n % 50,
            "预算上限(万元)": 80 + n % 50,
            "预计采购时间": "2026-09-30",
            "年采购额预估(万元)": n % 160,
            "联系人姓名": f"联系人{n}",
            "联系人电话": f"139{n:08d}",
            "联系人邮箱": f"buyer{n}@example.com",
        }
        sheet.append([values.get(h) for h in excel.HEADERS])
    workbook.save(path)
    files["valid: 20,000 customers"] = path
    return {label: path for label, path in files.items() if not only or only in label}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="check only the files whose label contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    import django

    django.setup()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        files = build(Path(tmp), args.only)
        print(f"built {len(files)} files in {time.perf_counter() - started:.0f} s")
        for label, path in files.items():
            unpacked = _unpacked(path)
            print(
                f"\n{label}\n  file {path.stat().st_size / 1024:,.0f} KB, unpacks to "
                f"{unpacked / 2**20:,.0f} MB"
            )
            started = time.perf_counter()
            try:
                done = subprocess.run(  # noqa: S603 - this interpreter, this script
                    [sys.executable, __file__, "--child", str(path)],
                    capture_output=True,
                    text=True,
                    timeout=CHILD_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                print(f"  still running after {CHILD_TIMEOUT} s: stopped")
                continue
            lines = done.stdout.strip().splitlines()
            if done.returncode or not lines:
                print(f"  the child failed ({done.returncode}): {done.stderr[-2000:]}")
                continue
            result = json.loads(lines[-1])
            print(f"  {result['seconds']:7.2f} s  {result['peak_mb']:7.1f} MB above baseline")
            print(f"  {result['answer'][:300]}")


def _unpacked(path):
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


if __name__ == "__main__":
    main()

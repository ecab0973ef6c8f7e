"""Hand-made .xlsx files for the import tests and scripts/bench_import_bombs.py, and how the
import form answers them.

openpyxl writes only well-behaved workbooks; these are written part by part so that a test
can hold exactly what Excel, WPS, a script or an attacker puts in a file: formulas with and
without cached values, shared and inline strings, blank rows and gaps in row numbers, number
formats, and parts that unpack to hundreds of megabytes from a file of a few hundred KB
(streamed to disk, so building a bomb does not need its unpacked size in memory).
"""

import io
import time
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from customers import excel
from customers.forms import CustomerImportForm

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@dataclass(frozen=True)
class Formula:
    """A formula cell; `cached` is the value Excel saved with it (None: a script wrote it)."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class Shared:
    """A cell pointing into the shared-strings table."""

    index: int


@dataclass(frozen=True)
class Styled:
    """A value with a style: an index into styles.xml's cellXfs (dates need a date format)."""

    value: object
    style: int


@dataclass(frozen=True)
class Error:
    """An Excel error value such as #N/A."""

    code: str


@dataclass(frozen=True)
class Raw:
    """A <c> element as written, `{ref}` standing for its reference."""

    xml: str


def _text(text):
    return f'<t xml:space="preserve">{escape(text)}</t>'


def cell(ref, value):
    """One <c> element; None writes nothing."""
    style = ""
    if isinstance(value, Styled):
        style = f' s="{value.style}"'
        value = value.value
    if value is None:
        return f'<c r="{ref}"{style}/>' if style else ""
    if isinstance(value, Formula):
        formula = f"<f>{escape(value.text)}</f>"
        cached = value.cached
        if cached is None:
            return f'<c r="{ref}"{style}>{formula}</c>'
        if isinstance(cached, str):
            return f'<c r="{ref}"{style} t="str">{formula}<v>{escape(cached)}</v></c>'
        if isinstance(cached, bool):
            return f'<c r="{ref}"{style} t="b">{formula}<v>{int(cached)}</v></c>'
        if isinstance(cached, Error):
            return f'<c r="{ref}"{style} t="e">{formula}<v>{escape(cached.code)}</v></c>'
        return f'<c r="{ref}"{style}>{formula}<v>{cached}</v></c>'
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, Shared):
        return f'<c r="{ref}"{style} t="s"><v>{value.index}</v></c>'
    if isinstance(value, Error):
        return f'<c r="{ref}"{style} t="e"><v>{escape(value.code)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is>{_text(str(value))}</is></c>'


def row(number, values):
    cells = "".join(cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, 1))
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows, *, start=1, dimension=True, after=""):
    """A worksheet of `rows` (lists of cell values) from row `start`; `after` goes after
    sheetData (merged cells, for instance)."""
    body = "".join(row(n, values) for n, values in enumerate(rows, start) if values is not None)
    width = max((len(values) for values in rows if values), default=1)
    last = start + max(len(rows) - 1, 0)
    dim = f'<dimension ref="A1:{get_column_letter(width)}{last}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}" '
        f'xmlns:r="{REL_NS}">{dim}<sheetData>{body}</sheetData>{after}</worksheet>'
    )


def strings_xml(strings):
    items = "".join(f"<si>{_text(s)}</si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">{items}</sst>'


# cellXfs 0: General; 1: a built-in date (14); 2: a custom date format; 3: a custom number
# format that is not a date; 4: the Chinese built-in date 31 (yyyy年m月d日).
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd;@"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00_ "/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
    '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/>'
    '<xf numFmtId="31" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
DATE_STYLE, CUSTOM_DATE_STYLE, AMOUNT_STYLE, CHINESE_DATE_STYLE = 1, 2, 3, 4


def parts(
    sheet,
    *,
    strings=None,
    styles=STYLES,
    sheet_name="客户",
    main_type=SHEET_MAIN,
    workbook_extra="",
):
    """{part name: content} of a one-sheet workbook; `sheet` and `strings` may be str, bytes
    or an iterable of bytes chunks (written as they come)."""
    overrides = [("/xl/workbook.xml", main_type)]
    overrides.append(
        (
            "/xl/worksheets/sheet1.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        )
    )
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    content = {}
    if isinstance(strings, list | tuple):
        strings = strings_xml(strings)
    if strings is not None:
        overrides.append(
            (
                "/xl/sharedStrings.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
            )
        )
        rels.append(("rId2", "sharedStrings", "sharedStrings.xml"))
        content["xl/sharedStrings.xml"] = strings
    if styles is not None:
        styles_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
        overrides.append(("/xl/styles.xml", styles_type))
        rels.append(("rId3", "styles", "styles.xml"))
        content["xl/styles.xml"] = styles
    types = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    content["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{types}</Types>'
    )
    content["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    content["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
        f'xmlns:r="{REL_NS}">{workbook_extra}<sheets><sheet name={quoteattr(sheet_name)} '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    content["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        + "".join(
            f'<Relationship Id="{i}" Type="{REL_NS}/{kind}" Target="{target}"/>'
            for i, kind, target in rels
        )
        + "</Relationships>"
    )
    content["xl/worksheets/sheet1.xml"] = sheet
    return content


def write(target, content, level=9):
    """Write {part name: content} as a zip to a path or a binary file."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in content.items():
            if isinstance(data, str | bytes):
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in data:
                    member.write(chunk)


def xlsx(rows, **options):
    """The bytes of a one-sheet workbook holding `rows` from row 1."""
    buffer = io.BytesIO()
    write(buffer, parts(sheet_xml(rows), **options))
    return buffer.getvalue()


def header_and(*rows):
    """The template's header row followed by `rows` (dicts of header → value)."""
    return [excel.HEADERS, *([r.get(h) for h in excel.HEADERS] for r in rows)]


# --- bombs -------------------------------------------------------------------------------


def blank_rows_sheet(first_rows, unpacked):
    """Chunks of a sheet with no <dimension>: `first_rows`, then blank rows (a styled empty
    cell each, no row numbers, as some writers save them) up to `unpacked` bytes."""
    head = sheet_xml(first_rows, dimension=False).split("</sheetData>")[0].encode()
    yield head
    blank = b'<row><c s="0"/></row>'
    chunk = blank * 50_000
    written = len(head)
    while written < unpacked:
        yield chunk
        written += len(chunk)
    yield b"</sheetData></worksheet>"


def styled_blank_rows(first_rows, rows, width):
    """Chunks of a sheet: `first_rows`, then `rows` rows of `width` empty formatted cells."""
    yield sheet_xml(first_rows).split("</sheetData>")[0].encode()
    start = len(first_rows) + 1
    for chunk_start in range(start, start + rows, 1000):
        numbers = range(chunk_start, min(chunk_start + 1000, start + rows))
        yield "".join(
            f'<row r="{n}">'
            + "".join(f'<c r="{get_column_letter(i)}{n}" s="1"/>' for i in range(1, width + 1))
            + "</row>"
            for n in numbers
        ).encode()
    yield b"</sheetData></worksheet>"


def numbered_strings(count):
    """Chunks of a shared-strings part of `count` different short texts."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">'.encode()
    for start in range(0, count, 10_000):
        numbers = range(start, min(start + 10_000, count))
        yield "".join(f"<si><t>文本{n}</t></si>" for n in numbers).encode()
    yield b"</sst>"


def many_strings(unpacked):
    """Chunks of a shared-strings part of short strings up to `unpacked` bytes."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">'.encode()
    yield head
    written = len(head)
    chunk = "".join(f"<si><t>客户{i % 8}</t></si>" for i in range(40_000)).encode()
    while written < unpacked:
        yield chunk
        written += len(chunk)
    yield b"</sst>"


# --- the form's answer -------------------------------------------------------------------

SECONDS = 10  # "a few seconds", with room for a busy CI machine
MEMORY = 200 * 1024 * 1024  # above the baseline


@dataclass
class Answer:
    valid: bool
    error: str
    problems: list
    rows: list
    seconds: float
    peak: int

    def problem_at(self, row):
        return [(p.column.split(" · ")[-1], p.message) for p in self.problems if p.row == row]


def _status(field):
    """A line of /proc/self/status (VmRSS, VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise OSError(f"no {field} in /proc/self/status")


class Peak:
    """The wall time of a block and its peak resident memory above the memory at its start:
    Linux's VmHWM after resetting it through /proc/self/clear_refs. Where that cannot be
    reset, tracemalloc's peak (Python's, zlib's and expat's allocations), which slows
    the block down several times."""

    def __enter__(self):
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.baseline = _status("VmRSS")
            self.traced = False
        except OSError:
            tracemalloc.start()
            self.traced = True
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        if self.traced:
            self.bytes = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        else:
            self.bytes = _status("VmHWM") - self.baseline


def check(user, content, name="customers.xlsx"):
    """The import form's answer to a file, with its time and peak memory."""
    if not isinstance(content, bytes):
        content = content.read_bytes()
    upload = SimpleUploadedFile(name, content, content_type=excel.XLSX_CONTENT_TYPE)
    form = CustomerImportForm(data={}, files={"file": upload}, user=user)
    with Peak() as peak:
        valid = form.is_valid()
    error = " ".join(form.errors.get("file", []))
    return Answer(valid, error, form.problems, form.rows, peak.seconds, peak.bytes)

"""What the reader takes from each part of a workbook, as expat reports it: the index (content
types, relationships, the workbook's sheets), which cell formats are dates, the table of texts,
and the rows of the sheet. Each handler gets start(name, attrs), end(name) and, for text,
data(text), names without their namespace; a bound raises LimitReached."""

import posixpath
from array import array
from datetime import datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

from . import limits


class Stop(Exception):
    """Everything needed from a part has been read."""


# --- values that are not plain cell values -------------------------------------------------


class Uncomputed:
    """A formula saved without its result (as scripts write them): there is no value."""

    __slots__ = ()

    def __repr__(self):
        return "Uncomputed()"

    def __str__(self):
        return ""


UNCOMPUTED = Uncomputed()


class ErrorValue(str):
    """An Excel error such as #N/A or #DIV/0!, typed in or the saved result of a formula."""

    __slots__ = ()


# Built-in number formats that are dates: openpyxl's, and the East Asian ones Chinese Excel
# saves without defining them (27-36, 50-58: 年月日 and the like).
DATE_FORMAT_IDS = frozenset(
    [i for i, code in BUILTIN_FORMATS.items() if is_date_format(code)]
    + [*range(27, 37), *range(50, 59)]
)


def attr(attrs, local):
    """An attribute by local name, whatever its prefix (r:id, or another prefix)."""
    for key, value in attrs.items():
        if key == local or key.endswith(":" + local):
            return value
    return None


# --- the parts -------------------------------------------------------------------------------


class Part:
    """The handler of one part. Expat calls start(name, attrs), end(name) and data(text) with
    names as written (x:row where a prefix is used); `left` is what remains of the file's
    budget of XML elements. The sheet and the table of texts inline `spend` and `local`:
    they see a million elements."""

    left = 0

    def __init__(self):
        self.names = {}

    def local(self, name):
        """x:row → row, remembered: a part uses a handful of names."""
        local = self.names[name] = name.rpartition(":")[2]
        return local

    def spend(self):
        self.left -= 1
        if self.left < 0:
            raise limits.too_many("elements", limits.MAX_XML_ELEMENTS)

    def start(self, name, attrs):
        self.spend()
        self.open(self.names.get(name) or self.local(name), attrs)

    def end(self, name):
        self.close(self.names.get(name) or self.local(name))

    def open(self, name, attrs):
        pass

    def close(self, name):
        pass

    def data(self, text):
        pass


class ContentTypes(Part):
    def __init__(self):
        super().__init__()
        self.defaults, self.overrides = {}, {}

    def open(self, name, attrs):
        if name == "Default":
            self.defaults[(attrs.get("Extension") or "").lower()] = attrs.get("ContentType")
        elif name == "Override":
            part = (attrs.get("PartName") or "").lower().lstrip("/")
            self.overrides[part] = attrs.get("ContentType")

    def type_of(self, path):
        path = path.lower()
        return self.overrides.get(path) or self.defaults.get(posixpath.splitext(path)[1][1:])


class Rels(Part):
    def __init__(self):
        super().__init__()
        self.items = []

    def open(self, name, attrs):
        if name == "Relationship":
            kind = (attrs.get("Type") or "").rpartition("/")[2]
            external = attrs.get("TargetMode") == "External"
            self.items.append((attrs.get("Id"), kind, attrs.get("Target"), external))


class WorkbookIndex(Part):
    def __init__(self):
        super().__init__()
        self.sheet_ids, self.date1904 = [], False

    def open(self, name, attrs):
        if name == "workbookPr":
            self.date1904 = (attrs.get("date1904") or "").lower() in {"1", "true"}
        elif name == "sheet":
            self.sheet_ids.append(attr(attrs, "id"))

    def close(self, name):
        if name == "sheets":
            raise Stop


class Styles(Part):
    """Which cell formats (cellXfs, by index) show numbers as dates."""

    def __init__(self):
        super().__init__()
        self.custom_dates = set()
        self.dates = bytearray()
        self.in_cell_xfs = False

    def open(self, name, attrs):
        if name == "numFmt":
            code = attrs.get("formatCode") or ""
            if len(code) <= 1000 and is_date_format(code):
                self.custom_dates.add(attrs.get("numFmtId"))
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            number_format = attrs.get("numFmtId") or "0"
            is_date = number_format in self.custom_dates or (
                number_format.isdigit()
                and len(number_format) < 6
                and int(number_format) in DATE_FORMAT_IDS
            )
            self.dates.append(is_date)

    def close(self, name):
        if name == "cellXfs":
            raise Stop


class SharedStrings(Part):
    """The table of texts as one UTF-8 buffer and the offset where each entry starts."""

    def __init__(self):
        super().__init__()
        self.buffer = bytearray()
        self.offsets = array("Q", [0])
        self.chars = 0
        self.in_text = False
        self.in_phonetic = False
        self.max_count, self.max_chars = limits.MAX_SHARED_STRINGS, limits.MAX_CELL_CHARS

    def __len__(self):
        return len(self.offsets) - 1

    def __getitem__(self, index):
        return self.buffer[self.offsets[index] : self.offsets[index + 1]].decode()

    def start(self, name, attrs):
        self.left -= 1
        if self.left < 0:
            raise limits.too_many("elements", limits.MAX_XML_ELEMENTS)
        name = self.names.get(name) or self.local(name)
        if name == "t":
            self.in_text = not self.in_phonetic
        elif name == "si":
            self.chars = 0
            if len(self.offsets) > self.max_count:
                raise limits.too_many("shared_strings", self.max_count)
        elif name == "rPh":  # a reading guide (furigana), not part of the text
            self.in_phonetic = True

    def end(self, name):
        name = self.names.get(name) or self.local(name)
        if name == "t":
            self.in_text = False
        elif name == "si":
            self.offsets.append(len(self.buffer))
        elif name == "rPh":
            self.in_phonetic = False

    def data(self, text):
        if self.in_text:
            self.chars += len(text)
            if self.chars > self.max_chars:
                raise limits.too_many("cell_chars", self.max_chars)
            self.buffer += text.encode()


class SheetReader(Part):
    """The rows of a worksheet; `ready` holds the finished rows that hold a value, as
    (number, values) with values indexed by column from 0.

    A cell's column is worked out from its reference only when it holds a value: most cells
    of a hostile file are empty."""

    def __init__(self, strings, dates, epoch):
        super().__init__()
        self.strings, self.dates, self.epoch = strings, dates, epoch
        self.ready = []
        self.number = 0  # the current row's number in Excel
        self.values = None  # {column: value} of the current row; None outside a row
        self.cells = 0
        self.ref = None  # the current cell's reference (A1), or None
        self.column = -1  # the current cell's column from 0; None: not worked out yet
        self.kind = self.style = None
        self.formula = False
        self.pieces = None  # the text of <v> or <is> so far; None when the cell has neither
        self.capture = False
        self.in_phonetic = False
        self.chars = 0
        self.max_cells, self.max_chars = limits.MAX_CELLS, limits.MAX_CELL_CHARS

    def start(self, name, attrs):
        self.left -= 1
        if self.left < 0:
            raise limits.too_many("elements", limits.MAX_XML_ELEMENTS)
        name = self.names.get(name) or self.local(name)
        if name == "c":
            if self.values is None:
                raise ValueError("a cell outside a row")
            self.cells += 1
            if self.cells > self.max_cells:
                raise limits.too_many("cells", self.max_cells)
            ref = attrs.get("r")
            self.column = None if ref else self._column() + 1
            self.ref = ref
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.formula = False
            self.pieces = None
        elif name == "v":
            self.pieces = []
            self.capture = True
            self.chars = 0
        elif name == "row":
            self._start_row(attrs.get("r"))
        elif name == "f":
            self.formula = True
        elif name == "is":
            self.pieces = []
            self.chars = 0
        elif name == "t":
            self.capture = self.pieces is not None and not self.in_phonetic
        elif name == "rPh":
            self.in_phonetic = True

    def data(self, text):
        if self.capture:
            self.chars += len(text)
            if self.chars > self.max_chars:
                raise limits.too_many("cell_chars", self.max_chars)
            self.pieces.append(text)

    def end(self, name):
        name = self.names.get(name) or self.local(name)
        if name == "c":
            if self.pieces is not None or self.formula:
                self._end_cell()
        elif name == "v" or name == "t":
            self.capture = False
        elif name == "row":
            self._end_row()
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "sheetData":
            raise Stop  # merged cells, formats and the rest are not needed

    def _start_row(self, ref):
        number = int(ref) if ref else self.number + 1
        if number <= self.number:
            raise ValueError("rows out of order")
        if number > limits.MAX_ROWS_SCANNED:
            raise limits.too_many("rows_scanned", limits.MAX_ROWS_SCANNED)
        self.number = number
        self.values = {}
        self.ref, self.column = None, -1

    def _end_row(self):
        if self.values:
            row = [None] * (max(self.values) + 1)
            for column, value in self.values.items():
                row[column] = value
            self.ready.append((self.number, row))
        self.values = None

    def _column(self):
        if self.column is None:
            self.column = column_index_from_string(self.ref.rstrip("0123456789")) - 1
        return self.column

    def _end_cell(self):
        text = None if self.pieces is None else "".join(self.pieces)
        kind = self.kind or "n"
        if self.formula and (text is None or (text == "" and kind != "str")):
            value = UNCOMPUTED
        elif not text:
            return
        elif kind == "s":
            value = self.strings[int(text)]
        elif kind == "str" or kind == "inlineStr":
            value = text
        elif kind == "b":
            value = text.strip() in {"1", "true"}
        elif kind == "e":
            value = ErrorValue(text.strip())
        elif kind == "d":
            value = _iso_date(text)
        else:
            value = self._number(text)
        if value == "":
            return
        column = self._column()
        if column >= limits.MAX_COLUMNS:
            raise limits.too_many(
                "columns",
                limits.MAX_COLUMNS,
                cell=f"{get_column_letter(column + 1)}{self.number}",
                last=get_column_letter(limits.MAX_COLUMNS),
            )
        self.values[column] = value

    def _number(self, text):
        try:
            number = int(text)
        except ValueError:
            number = float(text)
        style = self.style
        if style and style.isdigit() and int(style) < len(self.dates) and self.dates[int(style)]:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number


def _iso_date(text):
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return text

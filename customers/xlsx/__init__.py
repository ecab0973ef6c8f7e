"""A bounded reader of uploaded .xlsx workbooks: the first worksheet's values, row by row.

openpyxl still writes our files but no longer reads uploads: in read-only mode it reads the
whole table of shared strings into Python objects before the first row, scans a sheet without
<dimension> end to end to open it, and (with data_only) cannot tell a formula without a saved
result from an empty cell. This reader streams each part through expat, counts the bytes it
really unpacks, the rows it scans (blank ones included), the columns, cells, texts and XML
elements, and stops at the first bound of `limits` with a message that names it. The table of
texts is kept as one UTF-8 buffer with offsets, not one Python object per entry.
"""

from .limits import (
    MAX_BYTES,
    MAX_ROWS,
    Damaged,
    Encrypted,
    LimitReached,
    NoSheet,
    NotAWorkbook,
    Refused,
    TooLargeUnpacked,
)
from .parts import UNCOMPUTED, ErrorValue, Uncomputed
from .reader import OLE_MAGIC, Book

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "OLE_MAGIC",
    "UNCOMPUTED",
    "Book",
    "Damaged",
    "Encrypted",
    "ErrorValue",
    "LimitReached",
    "NoSheet",
    "NotAWorkbook",
    "Refused",
    "TooLargeUnpacked",
    "Uncomputed",
]

"""Excel in and out: the import template (客户信息登记表, template 1), reading and checking an
uploaded file, and writing the customer list.

The file format is the users' own: Chinese column headers, one row per customer with its
first contact. Choice columns take the Chinese label or the code. Reading never writes:
`parse_workbook` returns the rows and every problem found (row, column, message); the form
refuses the file when there is any, and `services.customers_import` writes the rows. The file
itself is read by `xlsx`, within its bounds.

columns.py holds the format, reader.py reads a file, duplicates.py finds companies twice or
already in the CRM, writer.py writes the template and the export; the names call sites use
are importable from here.
"""

from .columns import COLUMNS, HEADERS, XLSX_CONTENT_TYPE, Column, ImportRow, Problem
from .duplicates import duplicate_problems
from .reader import open_workbook, parse_workbook
from .writer import FORMULA_STARTS, safe_cell, template_workbook, write_customers

__all__ = [
    "COLUMNS",
    "FORMULA_STARTS",
    "HEADERS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportRow",
    "Problem",
    "duplicate_problems",
    "open_workbook",
    "parse_workbook",
    "safe_cell",
    "template_workbook",
    "write_customers",
]

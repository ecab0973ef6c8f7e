"""Every bound on an import upload, with the message that names it, and what a refused file
raises. Reading stops at the first bound reached; the whole file is refused."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_ROWS = 20_000  # customers in one file
MAX_ROWS_SCANNED = 50_000  # rows read, blank rows and gaps in row numbers included
MAX_COLUMNS = 100  # the template has 29; a value further right is refused
MAX_CELLS = 800_000  # <c> elements of the sheet, empty formatted ones included
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHARED_STRINGS = 600_000  # entries of the table of texts: 20,000 rows x 29 columns fit
# Across every part read; this bounds the parsing time (expat calls Python for each one).
# 20,000 rows of 29 different texts saved by Excel need 2.3 million.
MAX_XML_ELEMENTS = 2_500_000
MAX_TOKEN_BYTES = 1024 * 1024  # one tag or comment, which expat holds whole
MAX_PARTS = 2_000  # zip members; a workbook has a few dozen
MAX_UNPACKED = 100 * 1024 * 1024  # the parts read, together
# What each part really unpacks to. 20,000 customers with 20 columns filled: a 23 MB sheet
# with inline text (as openpyxl and scripts write it), or a 13 MB sheet and 5 MB of shared
# strings (as Excel and WPS save it).
MAX_SHEET_BYTES = 64 * 1024 * 1024
MAX_STRINGS_BYTES = 32 * 1024 * 1024
MAX_STYLES_BYTES = 16 * 1024 * 1024  # Excel's 64,000 cell formats fit
MAX_INDEX_BYTES = 4 * 1024 * 1024  # content types, relationships, workbook.xml

# The parts read, by kind.
SHEET, STRINGS, STYLES, INDEX = "sheet", "strings", "styles", "index"


def part_limit(kind):
    return {
        SHEET: MAX_SHEET_BYTES,
        STRINGS: MAX_STRINGS_BYTES,
        STYLES: MAX_STYLES_BYTES,
        INDEX: MAX_INDEX_BYTES,
    }[kind]


MESSAGES = {
    "rows_scanned": gettext_lazy(
        "The sheet goes past row %(max)s (blank rows count too); at most %(max)s rows are "
        "read. Delete the empty rows below your customers, or split the file."
    ),
    "columns": gettext_lazy(
        "Cell %(cell)s has a value beyond column %(last)s; at most %(max)s columns are read. "
        "Delete the columns to the right of the template's."
    ),
    "cells": gettext_lazy(
        "The sheet holds more than %(max)s cells (empty formatted cells count too). Copy your "
        "rows into the template and upload that file."
    ),
    "cell_chars": gettext_lazy(
        "A cell holds more than %(max)s characters, more than Excel allows in one cell."
    ),
    "shared_strings": gettext_lazy(
        "The workbook's table of texts holds more than %(max)s entries. Copy your rows into "
        "the template and upload that file."
    ),
    "elements": gettext_lazy(
        "The file holds more than %(max)s XML elements (cells, text runs, formats); a "
        "customer list needs far fewer. Copy your rows into the template and upload that file."
    ),
    "token": gettext_lazy(
        "The file holds a single XML tag or comment larger than %(max)s MB, which Excel and "
        "WPS never write. It was refused."
    ),
    "parts": gettext_lazy(
        "The file is made of more than %(max)s parts; a workbook has a few dozen. It was refused."
    ),
    SHEET: gettext_lazy(
        "The first sheet unpacks to more than %(max)s MB; a customer list needs far less. "
        "Copy your rows into the template and upload that file."
    ),
    STRINGS: gettext_lazy(
        "The workbook's table of texts unpacks to more than %(max)s MB; a customer list needs "
        "far less. Copy your rows into the template and upload that file."
    ),
    STYLES: gettext_lazy(
        "The workbook's cell formats unpack to more than %(max)s MB. Copy your rows into the "
        "template and upload that file."
    ),
    INDEX: gettext_lazy(
        "A part of the workbook (%(part)s) unpacks to more than %(max)s MB. It was refused."
    ),
}


class Refused(Exception):
    """The file cannot be read; `message` tells the user why."""

    def __init__(self, message=None):
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self):
        raise NotImplementedError


class NotAWorkbook(Refused):
    def default_message(self):
        return _(
            "This is not an Excel workbook (.xlsx). In Excel or WPS, save the file as "
            "“Excel workbook (*.xlsx)”: CSV, text and old .xls files cannot be imported."
        )


class Encrypted(Refused):
    def default_message(self):
        return _(
            "This workbook is protected with a password, so it cannot be read. Open it in "
            "Excel or WPS, remove the password and save it again."
        )


class Damaged(Refused):
    def default_message(self):
        return _(
            "This workbook is damaged and cannot be read. Open it in Excel or WPS, save "
            "it again and upload it once more."
        )


class NoSheet(Refused):
    def default_message(self):
        return _(
            "This workbook has no worksheet to read (its first sheet is missing or is a "
            "chart). Put your customers on the first sheet and save it again."
        )


class TooLargeUnpacked(Refused):
    """A small file that unpacks to far more than any real customer list (a zip bomb)."""

    def default_message(self):
        return _("This file unpacks to far more data than a customer list; it was refused.")


class LimitReached(Refused):
    """A bound was reached; reading stopped there. `bound` is a key of MESSAGES."""

    def __init__(self, bound, **params):
        self.bound = bound
        super().__init__(str(MESSAGES[bound]) % params)


def too_many(bound, limit, **params):
    """LimitReached for a count: `limit` is shown as 1,000,000."""
    return LimitReached(bound, max=f"{limit:,}", **params)


def too_large(bound, limit, **params):
    """LimitReached for a size: `limit` bytes are shown in MB."""
    return LimitReached(bound, max=f"{limit / 1024 / 1024:,.0f}", **params)

"""Opening an upload and reading its parts within the bounds of `limits`.

Each part is inflated through a stream that counts the bytes it really unpacks against the
part's limit and the file's (Python's zipfile also stops at a member's declared size and then
fails its CRC, so a size that lies reads as a damaged file), and parsed by expat as it comes,
a chunk at a time: no part is ever held whole in memory.
"""

import contextlib
import posixpath
import struct
import zipfile
from xml.parsers import expat

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from . import limits, parts
from .limits import INDEX, SHEET, STRINGS, STYLES, Damaged, Encrypted, NoSheet, NotAWorkbook

READ_CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, or an encrypted .xlsx
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
WORKBOOK_TYPES = {  # .xlsx, .xlsm (macros are never run: only cell values are read), templates
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}


def _check_kind(upload):
    """A zip, or the reason it is not one: an old .xls, or an .xlsx that Excel or WPS
    encrypted with a password into an OLE container holding an EncryptedPackage."""
    upload.seek(0)
    head = upload.read(8)
    if head == OLE_MAGIC:
        upload.seek(0)
        tail = b""
        while chunk := upload.read(READ_CHUNK):
            if ENCRYPTED_STREAM in tail + chunk:
                raise Encrypted
            tail = chunk[-len(ENCRYPTED_STREAM) :]
        raise NotAWorkbook
    if head[:4] != ZIP_MAGIC:
        raise NotAWorkbook


def _check_directory(upload):
    """Refuse a zip whose directory declares more than MAX_PARTS members, from its end record
    (or the Zip64 one that zipfile would use instead), before zipfile loads that directory
    as one object per member."""
    upload.seek(0, 2)
    upload.seek(max(0, upload.tell() - 22 - 65535))
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise NotAWorkbook
    entries, directory = struct.unpack_from("<HL", tail, at + 10)
    if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":  # a Zip64 locator
        record = tail[max(0, at - 76) : at - 20]  # where zipfile reads the Zip64 record
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise NotAWorkbook
        entries, directory = struct.unpack_from("<QQ", record, 32)
    if entries > limits.MAX_PARTS or directory > limits.MAX_PARTS * 1024:
        raise limits.too_many("parts", limits.MAX_PARTS)


@contextlib.contextmanager
def _reading():
    """What a damaged file raises while it is read, turned into the user's reason."""
    try:
        yield
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError, LookupError):
        raise Damaged from None
    except (NotImplementedError, RuntimeError):  # a compression or encryption zipfile lacks
        raise NotAWorkbook from None


class _CappedStream:
    """A zip member, read counting the bytes really inflated against the part's limit and
    the budget of the whole file."""

    def __init__(self, book, info, kind):
        self.book, self.kind, self.name = book, kind, info.filename
        self.limit = limits.part_limit(kind)
        if info.flag_bits & 0x1:
            raise Encrypted
        if info.file_size > self.limit:
            raise self.too_large()
        if book.unpacked + info.file_size > limits.MAX_UNPACKED:
            raise limits.TooLargeUnpacked
        self.raw = book.archive.open(info)
        self.count = 0

    def too_large(self):
        return limits.too_large(self.kind, self.limit, part=self.name)

    def read(self):
        data = self.raw.read(READ_CHUNK)
        self.count += len(data)
        self.book.unpacked += len(data)
        if self.count > self.limit:
            raise self.too_large()
        if self.book.unpacked > limits.MAX_UNPACKED:
            raise limits.TooLargeUnpacked
        return data

    def close(self):
        self.raw.close()


class Book:
    """An opened upload (use it in a `with`): `rows()` yields the first worksheet's rows."""

    def __init__(self, upload):
        _check_kind(upload)
        _check_directory(upload)
        try:
            self.archive = zipfile.ZipFile(upload)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise NotAWorkbook from None
        # Part names are case-insensitive in a package.
        self.members = {info.filename.lower(): info for info in self.archive.infolist()}
        self.unpacked = 0
        self.elements = 0
        self.epoch = CALENDAR_WINDOWS_1900
        try:
            with _reading():
                self._find_parts()
        except BaseException:
            self.archive.close()
            raise

    def close(self):
        self.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def rows(self):
        """(row number, values) for each row of the first worksheet that holds a value;
        values, by column from 0, are str, int, float, bool, datetime, ErrorValue,
        UNCOMPUTED or None."""
        with _reading():
            styles = parts.Styles()
            if self.styles_part and self._member(self.styles_part):
                self._read_whole(self.styles_part, STYLES, styles)
            strings = parts.SharedStrings()
            if self.strings_part and self._member(self.strings_part):
                self._read_whole(self.strings_part, STRINGS, strings, text=True)
            sheet = parts.SheetReader(strings, styles.dates, self.epoch)
            for _chunk in self._parse(self.sheet, SHEET, sheet, text=True):
                yield from sheet.ready
                sheet.ready.clear()

    # One part through expat

    def _member(self, name):
        return self.members.get(name.lower().lstrip("/"))

    def _parse(self, name, kind, handler, text=False):
        """Feed part `name` to `handler` a chunk at a time, yielding after each chunk."""
        info = self._member(name)
        if info is None:
            raise KeyError(name)
        stream = _CappedStream(self, info, kind)
        # No namespace processing: names come as written, which expat can intern.
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = READ_CHUNK

        def doctype(*args):
            raise Damaged  # a workbook never has one, so no entity is ever expanded

        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.StartDoctypeDeclHandler = doctype
        if text:
            parser.CharacterDataHandler = handler.data
        handler.left = limits.MAX_XML_ELEMENTS - self.elements
        fed = 0
        try:
            while chunk := stream.read():
                parser.Parse(chunk, False)
                fed += len(chunk)
                # Expat holds a tag or comment whole until it ends: bound what it holds.
                if fed - parser.CurrentByteIndex > limits.MAX_TOKEN_BYTES:
                    raise limits.too_large("token", limits.MAX_TOKEN_BYTES)
                yield
            parser.Parse(b"", True)
            yield
        except parts.Stop:
            yield
        finally:
            stream.close()
            self.elements = limits.MAX_XML_ELEMENTS - handler.left

    def _read_whole(self, name, kind, handler, text=False):
        for _chunk in self._parse(name, kind, handler, text):
            pass
        return handler

    # The index: which parts hold the first worksheet, its texts and its formats

    def _relationships(self, owner):
        folder, base = posixpath.split(owner)
        rels = self._read_whole(
            posixpath.join(folder, "_rels", base + ".rels"), INDEX, parts.Rels()
        )
        found = []
        for rid, kind, target, external in rels.items:
            if external or not target:
                continue
            path = target if target.startswith("/") else posixpath.join(folder, target)
            found.append((rid, kind, posixpath.normpath(path).lstrip("/")))
        return found

    def _find_parts(self):
        try:
            types = self._read_whole("[Content_Types].xml", INDEX, parts.ContentTypes())
            roots = self._relationships("")
            main = next((path for _id, kind, path in roots if kind == "officeDocument"), None)
            if main is None or types.type_of(main) not in WORKBOOK_TYPES:
                raise NotAWorkbook
            workbook = self._read_whole(main, INDEX, parts.WorkbookIndex())
            rels = self._relationships(main)
        except KeyError:  # a part the package must have is missing
            raise NotAWorkbook from None
        if workbook.date1904:
            self.epoch = CALENDAR_MAC_1904
        worksheets = {rid: path for rid, kind, path in rels if kind == "worksheet"}
        # The first worksheet in the workbook's order, whatever its name (a chart is skipped).
        self.sheet = next((worksheets[r] for r in workbook.sheet_ids if r in worksheets), None)
        if self.sheet is None or self._member(self.sheet) is None:
            raise NoSheet
        self.strings_part = next((p for _id, k, p in rels if k == "sharedStrings"), None)
        self.styles_part = next((p for _id, k, p in rels if k == "styles"), None)

"""Each rule of contracts once, for the services, forms and imports: the header fields, the
type and size of an attachment read from its bytes, a payment plan that adds up, a payment
that fits what is owed.

Money is Decimal to the fen; nothing here is float."""

import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opportunities.validation import to_decimal, validate_money

from .errors import InvalidInput

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ZERO = Decimal("0.00")

# Magic numbers of the types a contract file may be; DOCX and XLSX are zip packages told
# apart by the part that only they have.
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
_ZIP = b"PK\x03\x04"
_OFFICE_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"))
ALLOWED_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
_EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "jpg": {"jpg", "jpeg"},
    "png": {"png"},
}


def sniff_file_type(head, whole=None):
    """The type ("pdf", "docx", …) the bytes are, or None. `head` is the start of the file;
    `whole` (a seekable binary file) is opened as a zip to tell DOCX from XLSX."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP) and whole is not None:
        try:
            whole.seek(0)
            with zipfile.ZipFile(whole) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            whole.seek(0)
        if "[Content_Types].xml" in names:
            for part, kind in _OFFICE_PARTS:
                if part in names:
                    return kind
    return None


def check_attachment(upload):
    """The type of an uploaded file (a Django File), or ValidationError: too large, empty, a
    type not allowed, or a name that says another type than the content."""
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; at most 20 MB are accepted.")
            % {"size": f"{size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    stream = upload.file if hasattr(upload, "file") else upload
    kind = sniff_file_type(head, stream)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (.docx), Excel (.xlsx), JPG or PNG file.")
            % {"name": upload.name},
            code="file_type",
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in _EXTENSIONS[kind]:
        raise ValidationError(
            _("“%(name)s” is named as another type than its content (%(kind)s).")
            % {"name": upload.name, "kind": kind.upper()},
            code="file_name",
        )
    return kind


def check_header(values):
    """Errors of a contract's header fields ({field: [messages]}); `values` holds what is
    given (an update may give only some)."""
    errors = {}
    for field in ("title", "payment_terms", "key_terms", "signing_entity"):
        if field in values and not str(values[field] or "").strip():
            errors[field] = [_("This field is required.")]
    start, end = values.get("start_date"), values.get("end_date")
    if "start_date" in values and start is None:
        errors["start_date"] = [_("Enter the date the term starts.")]
    if "end_date" in values and end is None:
        errors["end_date"] = [_("Enter the date the term ends.")]
    if start and end and end < start:
        errors["end_date"] = [_("The term cannot end before it starts.")]
    delivery = values.get("delivery_date")
    if delivery and start and delivery < start:
        errors["delivery_date"] = [_("The delivery date is before the term starts.")]
    credit = values.get("credit_days")
    if credit is not None and (not isinstance(credit, int) or not 0 <= credit <= 3650):
        errors["credit_days"] = [_("The credit period is a number of days from 0 to 3650.")]
    return errors


def money_value(value, field):
    """`value` as a Decimal amount above zero, or InvalidInput on `field`."""
    try:
        number = to_decimal(value)
        validate_money(number)
    except ValidationError as error:
        raise InvalidInput({field: error.messages}) from None
    if number <= 0:
        raise InvalidInput({field: [_("The amount must be more than 0.")]})
    return number


def check_plan(amounts, contract_amount):
    """The instalments' amounts must add up exactly to the contract amount; the message shows
    the difference."""
    total = sum(amounts, ZERO)
    if total != contract_amount:
        difference = contract_amount - total
        raise InvalidInput(
            {
                "instalments": [
                    _(
                        "The instalments add up to %(total)s yuan, the contract amount is "
                        "%(amount)s yuan: %(difference)s yuan %(which)s."
                    )
                    % {
                        "total": f"{total:,.2f}",
                        "amount": f"{contract_amount:,.2f}",
                        "difference": f"{abs(difference):,.2f}",
                        "which": pgettext("payment plan", "missing")
                        if difference > 0
                        else pgettext("payment plan", "too many"),
                    }
                ]
            }
        )


def check_payment(*, amount, outstanding):
    if amount > outstanding:
        raise InvalidInput(
            {
                "amount": [
                    _("%(amount)s yuan is more than the %(owed)s yuan still owed on it.")
                    % {"amount": f"{amount:,.2f}", "owed": f"{outstanding:,.2f}"}
                ]
            }
        )

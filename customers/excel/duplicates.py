"""The same company twice in a file, or already in the CRM (by name, credit code or phone)."""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..models import Contact, Customer
from .columns import Problem


def _chunks(values, size=5000):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(model, name, values):
    """`name IN values` (on PostgreSQL one array parameter, not thousands of them)."""
    if connection.vendor != "postgresql":
        return [Q(**{f"{name}__in": chunk}) for chunk in _chunks(values)]
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"
    # The column comes from the model and is quoted; the values are one parameter.
    sql = f"{column} = ANY(%s)"
    return [RawSQL(sql, [list(values)], output_field=BooleanField())]  # noqa: S611


def existing_duplicates(rows):
    """{(key kind, key): existing customer} among ALL customers, in a few queries."""
    wanted = {"name_key": set(), "credit_code": set(), "phone_key": set()}
    for row in rows:
        for kind, key in row.keys.items():
            if key:
                wanted[kind].add(key)
    found = {}
    fields = ("name", "name_key", "credit_code", "phone_key", "owner")
    for kind, keys in wanted.items():
        for condition in _among(Customer, kind, keys) if keys else []:
            customers = Customer.objects.filter(condition)
            for customer in customers.select_related("owner").only(
                *fields, "owner__username", "owner__first_name", "owner__last_name"
            ):
                found.setdefault((kind, getattr(customer, kind)), customer)
    phones = wanted["phone_key"]
    for condition in _among(Contact, "phone_key", phones) if phones else []:
        contacts = Contact.objects.filter(condition).select_related("customer__owner")
        for contact in contacts.only(
            "phone_key",
            "customer__name",
            "customer__owner__username",
            "customer__owner__first_name",
            "customer__owner__last_name",
        ):
            found.setdefault(("phone_key", contact.phone_key), contact.customer)
    return found


KEY_COLUMNS = {"name_key": "客户名称", "credit_code": "统一社会信用代码", "phone_key": "电话"}


def duplicate_problems(rows, *, column_of=None):
    """The same company twice in the file, or already in the CRM (its name and owner only)."""
    column_of = column_of or (lambda header: None)
    problems = []
    seen = {}
    existing = existing_duplicates(rows)
    for row in rows:
        for kind, key in row.keys.items():
            if not key:
                continue
            header = KEY_COLUMNS[kind]
            index = column_of(header)
            column = f"{get_column_letter(index + 1)} · {header}" if index is not None else header
            if (kind, key) in existing:
                customer = existing[(kind, key)]
                problems.append(
                    Problem(
                        row.row,
                        column,
                        _("Already in the CRM: “%(name)s” (owner: %(owner)s).")
                        % {"name": customer.name, "owner": customer.owner},
                    )
                )
                break
            if (kind, key) in seen:
                problems.append(
                    Problem(
                        row.row,
                        column,
                        _("The same company as row %(row)d.") % {"row": seen[(kind, key)]},
                    )
                )
                break
        for kind, key in row.keys.items():
            if key:
                seen.setdefault((kind, key), row.row)
    return problems

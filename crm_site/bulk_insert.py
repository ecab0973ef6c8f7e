"""Writing rows by the thousand: PostgreSQL COPY where we can, `bulk_create` elsewhere.

The Excel import and the volume data insert thousands of rows at once. `bulk_create` spends
most of its time in Django preparing each value of each object; COPY ... FROM STDIN (psycopg's
`cursor.copy()`) hands plain values to PostgreSQL and is several times faster. Ids are taken
from the table's sequence first, so related rows can be written in the same breath. On
other databases the same calls fall back to `bulk_create` (and simple_history's bulk history).
Shared by every app's imports and volume data.
"""

from functools import partial

from django.db import connection
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

BATCH = 1000
# Values of these fields go to COPY as they are; any other field is prepared by Django.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def use_copy():
    return connection.vendor == "postgresql"


def auto_now_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def allocate_ids(model, count):
    """`count` new primary keys from the table's sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _preparer(field):
    if field.get_internal_type() in PLAIN_TYPES:
        return None
    return partial(field.get_db_prep_save, connection=connection)


def copy_rows(model, fields, rows):
    """COPY `rows` (lists of values in the order of `fields`) into the model's table.

    Plain values (str, and so TextChoices members, numbers, Decimal, dates, None) go as they
    are; psycopg adapts them. Fields of other types are prepared by Django first.
    """
    preparers = [(i, p) for i, p in enumerate(map(_preparer, fields)) if p is not None]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            for i, prepare in preparers:
                row[i] = prepare(row[i])
            copy.write_row(row)


def create(model, objs, *, history_user=None, history_reason=""):
    """Insert new instances of `model` (their primary keys are set) and, for a model that
    keeps history, one "created" historical record each, by `history_user`."""
    if not objs:
        return objs
    now = timezone.now()
    for field in auto_now_fields(model):
        for obj in objs:
            if getattr(obj, field.attname) is None:
                setattr(obj, field.attname, now)
    try:
        history = get_history_manager_for_model(model)
    except NotHistoricalModelError:
        history = None
    if not use_copy():
        model.objects.bulk_create(objs, batch_size=BATCH)
        if history is not None:
            history.bulk_history_create(
                objs,
                batch_size=BATCH,
                default_user=history_user,
                default_change_reason=history_reason,
                default_date=now,
            )
        return objs
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    fields = model._meta.concrete_fields
    copy_rows(model, fields, ([getattr(obj, f.attname) for f in fields] for obj in objs))
    if history is not None:
        extra = {
            "history_date": now,
            "history_user_id": getattr(history_user, "pk", None),
            "history_change_reason": history_reason,
            "history_type": "+",
        }
        historical = history.model
        fields = [f for f in historical._meta.concrete_fields if not f.primary_key]

        def value(obj, name):
            return extra[name] if name in extra else getattr(obj, name)

        copy_rows(historical, fields, ([value(o, f.attname) for f in fields] for o in objs))
    return objs

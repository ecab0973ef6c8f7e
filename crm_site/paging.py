"""Pages of a long list whose cost does not grow with the table: a capped count and keyset
paging.

- The count stops at `cap` (10,000): past it a page says "10,000+" instead of paying a full
  `COUNT(*)` (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`).
- "Next" and "Previous" carry a cursor, the sort key of the last (first) row shown, and the
  next page is read from there through the sort's index (`WHERE key < cursor ORDER BY key
  LIMIT n`), so page 4,000 costs what page 2 does. The page number in the link is only a
  label.
- A bare `?page=n` (a bookmark, a saved link, "back to this page" after a bulk action) still
  works by OFFSET, within the counted pages: at most `cap` rows are skipped, and a page past
  the end shows the last one.

The queryset's ordering must end with a unique column (the primary key) and name its columns
plainly (`"-updated_at"`) or as `F(column).asc/desc(nulls_last=True)` for a column that may be
empty. Two queries: the count and the rows (one more row than shown, to know there is a next
page); only the count when there is nothing to show.
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, OrderBy, Q

CAP = 10_000
AFTER, BEFORE, PAGE = "after", "before", "page"


@dataclass(frozen=True)
class Key:
    name: str
    descending: bool
    nulls_last: bool
    nullable: bool

    def reversed(self):
        return Key(self.name, not self.descending, not self.nulls_last, self.nullable)

    def order(self):
        if not self.nullable:
            return f"-{self.name}" if self.descending else self.name
        column = F(self.name)
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return column.desc(**nulls) if self.descending else column.asc(**nulls)

    def beyond(self, value):
        """Rows strictly after `value` in this key's order (None: no such row)."""
        if value is None:
            return None if self.nulls_last else Q(**{f"{self.name}__isnull": False})
        q = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_last:
            q |= Q(**{f"{self.name}__isnull": True})
        return q

    def from_here(self, value):
        """Rows at or after `value`: the bound that lets the index start there."""
        if value is None:
            return Q(**{f"{self.name}__isnull": True}) if self.nulls_last else Q()
        q = Q(**{f"{self.name}__{'lte' if self.descending else 'gte'}": value})
        if self.nullable and self.nulls_last:
            q |= Q(**{f"{self.name}__isnull": True})
        return q

    def equal(self, value):
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def sort_keys(queryset):
    """The queryset's ordering as keys; it must end with the primary key."""
    model, keys = queryset.model, []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            name, descending, nulls_last = item.lstrip("-"), item.startswith("-"), None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = bool(item.nulls_last)
        else:
            raise ValueError(f"keyset paging cannot follow the ordering {item!r}")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.null and nulls_last is None:
            raise ValueError(f"say where the empty values of {name} sort (nulls_last)")
        keys.append(Key(field.attname, descending, bool(nulls_last), field.null))
    if not keys or keys[-1].name != model._meta.pk.attname:
        raise ValueError("keyset paging needs the ordering to end with the primary key")
    return keys


def _after(keys, values):
    """Rows after `values` in the order of `keys`: (k1 beyond v1) or (k1 = v1 and k2 beyond v2)…"""
    q, same = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value)
        if beyond is not None:
            q |= same & beyond
        same &= key.equal(value)
    return keys[0].from_here(values[0]) & q


def encode_cursor(row, keys):
    values = []
    for key in keys:
        value = getattr(row, key.name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Decimal):  # an amount: exact, as text
            value = str(value)
        values.append(value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(text, keys, model):
    """The cursor's values, or None when it is not one of ours (a mangled link)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        fields = {field.attname: field for field in model._meta.concrete_fields}
        return [
            None if value is None else fields[key.name].to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError):
        return None


class CappedPaginator:
    """What the template reads of the list as a whole: how many rows (up to the cap)."""

    def __init__(self, queryset, per_page, cap=CAP):
        self.per_page, self.cap = per_page, cap
        found = queryset.order_by()[: cap + 1].count()
        self.capped = found > cap
        self.count = min(found, cap)
        self.num_pages = max(math.ceil(self.count / per_page), 1)


@dataclass
class Page:
    object_list: list
    number: int
    paginator: CappedPaginator
    has_next: bool
    has_previous: bool
    next_query: str = ""
    previous_query: str = ""

    def has_other_pages(self):
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def paginate(queryset, params, per_page, cap=CAP):
    """The page of `queryset` that the query `params` (a QueryDict) asks for."""
    keys = sort_keys(queryset)
    paginator = CappedPaginator(queryset, per_page, cap)
    number = _page_number(params.get(PAGE))
    after = before = None
    if params.get(AFTER):
        after = decode_cursor(params[AFTER], keys, queryset.model)
    elif params.get(BEFORE):
        before = decode_cursor(params[BEFORE], keys, queryset.model)

    if paginator.count == 0:
        rows, has_next, has_previous, number = [], False, False, 1
    elif after is not None:
        rows = list(queryset.filter(_after(keys, after))[: per_page + 1])
        has_next, has_previous = len(rows) > per_page, True
        rows, number = rows[:per_page], max(number, 2)
    elif before is not None:
        back = [key.reversed() for key in keys]
        rows = list(
            queryset.filter(_after(back, before)).order_by(*(k.order() for k in back))[
                : per_page + 1
            ]
        )
        has_previous = len(rows) > per_page
        rows, has_next = rows[:per_page][::-1], True
        number = max(number, 2) if has_previous else 1
    else:
        number = min(number, paginator.num_pages)
        start = (number - 1) * per_page
        window = queryset
        if start:
            # Skip by id alone (an index-only scan), then read the page's rows: computed
            # columns (a subquery per row) are not computed for the skipped rows.
            window = queryset.filter(pk__in=queryset.values("pk")[start : start + per_page + 1])
        rows = list(window[: per_page + 1])
        has_next, has_previous = len(rows) > per_page, number > 1
        rows = rows[:per_page]

    page = Page(rows, number, paginator, has_next and bool(rows), has_previous)
    base = params.copy()
    for name in (PAGE, AFTER, BEFORE):
        base.pop(name, None)
    if page.has_next:
        page.next_query = _query(base, number + 1, AFTER, encode_cursor(rows[-1], keys))
    if page.has_previous:
        if number - 1 == 1:
            page.previous_query = _query(base, 1)
        elif rows:
            page.previous_query = _query(base, number - 1, BEFORE, encode_cursor(rows[0], keys))
        else:
            page.previous_query = _query(base, paginator.num_pages)
    return page


def _page_number(text):
    try:
        return max(int(text), 1)
    except (TypeError, ValueError):
        return 1


def _query(base, number, cursor_name=None, cursor=None):
    query = base.copy()
    query[PAGE] = str(number)
    if cursor_name:
        query[cursor_name] = cursor
    return query.urlencode()

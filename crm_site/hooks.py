"""Where the apps meet: one registry of hooks (like Wagtail's `hooks.register`).

Arrows point one way (teams ← customers ← opportunities ← contracts ← delivery/aftersales), so
an earlier app never imports a later one. A later app shows itself on an earlier app's pages,
and moves its rows along with a customer, by registering functions here. Each app keeps its
registrations in its own `hooks.py`, imported by its `AppConfig.ready()`::

    from crm_site import hooks

    @hooks.register(hooks.CUSTOMER_SECTIONS, order=120)
    def open_opportunities(*, customer, user):
        if not user.has_perm("opportunities.work_with_opportunities"):
            return None
        rows = list(Opportunity.objects.visible_to(user).filter(customer=customer).open())
        return hooks.Section("opportunities/sections/customer.html", context={"rows": rows})

Every hook takes keyword arguments only and runs a constant number of queries, whatever the
number of rows (the pages pin their query counts). The hooks and their functions:

- `NAV_ITEMS` `fn(*, user) -> NavItem | None`: an area in the navbar and on the home page,
  or None for a user who may not use it. Home is 0, the apps' areas 100-899, admin 900+.
- `HOME_PANELS` `fn(*, user) -> Panel | None`: a card on the home page.
- `HOME_GREETING` `fn(*, user) -> str | None`: one sentence under the home page's greeting
  saying what `user` does in the app (so the greeting names only what exists, and grows
  as later apps arrive). No query beyond the user's own row.
- `CUSTOMER_SECTIONS` `fn(*, customer, user) -> Section | None`: a part of the customer page
  (customers' own use order 10-99; later apps from 100).
- `OPPORTUNITY_ACTIONS` `fn(*, opportunity, user) -> Action | None`: a button a later stage
  puts on the opportunity page (e.g. the contract made from its accepted quote).
- `OPPORTUNITY_ORIGINS` `fn(*, opportunity, user) -> Action | None`: where a later stage
  made the opportunity (an after-sales record or complaint, a contract's renewal), linked
  beside its source on the opportunity page when `user` may read that record. One query at
  most (none for an opportunity it cannot have made).
- `CUSTOMER_TIMELINE` `fn(*, customer, user) -> iterable of Event`: its events on the
  customer's timeline (sorted by time, so the order does not matter).
- `CUSTOMER_LIST_COLUMNS` `fn(*, user) -> ListColumn | None`: a column a later app adds to
  the customer list, offered in its column chooser (`key`: the chooser's name; shown unless
  the user hides it). `annotate(queryset)` adds what the cell reads to the rows' query as
  SELECT-list subqueries (run for the page's 25 rows only, no query of its own), called only
  while the column shows; `template` renders the cell (a `<td>`) with `customer` and
  `column` (its `label` is the phone layout's `data-label`).
- `CUSTOMER_LIST_FILTERS` `fn(*, user) -> ListFilter | None`: a filter on the customer list
  (and so in its saved views, chips and exports): `field` a form field (its label is the
  filter's; a select shows with the list's other selects), `apply(queryset, value)` narrows
  the customers, called only with a value, adding no query (a subquery).
- `CUSTOMER_MERGE` `fn(*, keep, merge, by, dry_run) -> Moved | None`: move the app's rows of
  `merge` to `keep`; with `dry_run`, only count what would move (the confirm page). The merge
  refuses to delete `merge` while any row still points at it, so every relation to Customer
  needs a hook.
- `CUSTOMER_HANDOVER` `fn(*, customer_ids, from_user, to_user, by, dry_run) -> Moved | None`:
  客户交接: move `from_user`'s open work on these customers to `to_user`; with `dry_run`,
  count it (`to_user` may then be None: the handover page counts before one is chosen).
- `USER_HOLDINGS` `fn(*, user) -> Holding | None`: records of one kind a user owns, for
  the user administration (an inactive user who still owns records is flagged, and
  deactivating offers the handover). `count` is an expression counting the records of the
  row's user (`OuterRef("pk")`, a SELECT-list subquery: no query of its own);
  `handover_url_name` a page (no arguments) taking `?from=<user id>&deactivate=1` that hands
  them over and then deactivates the user, shown to `user` only when they may use it ("" else).
- `CUSTOMER_PURCHASES` `fn(*, customer_ids, start, end) -> {customer_id: Decimal}`: purchases
  in 万元 between the dates, for ABC grading; the sources are summed.
- `CUSTOMER_POOL_BLOCKERS` `fn(*, customer_ids) -> {customer_id: reason}`: the customers that
  may not go back to a pool (公海), neither returned by hand nor reclaimed, with a reason in
  the reader's language (an open opportunity, a contract in approval or delivery).
- `CUSTOMER_SIGNINGS` `fn(*, start, end) -> QuerySet | None`: the ids of the customers
  (one `customer_id` column, a lazy subquery) with a contract signed from `start` to `end`
  inclusive (`start` None: since ever): the customer list's active and churned filters and the
  KPI dashboard count customers with it.
- `CUSTOMER_RECENT_WINS` `fn(*, customer_ids, since) -> {customer_id: datetime}`: when each
  customer last won a deal, for wins since `since`: the pools' reclaim counts from it.
- `REMINDER_RULES` a `ReminderRule(name, label, fn)`: a reminder rule of the app that owns
  its records; `fn(*, now, thresholds)` yields a `Reminder` per notification that falls due at
  `now` (read from the database, so a missed run is caught up by the next one). `thresholds`
  is notifications.models.ReminderSettings. The schedule is `REMINDER_SCHEDULES[name]` in
  settings (a crontab in Asia/Shanghai, one beat entry per rule); `notifications.engine`
  runs rules and `python manage.py run_reminders` runs them by hand.
- `ASSIGNED_SIGHT` `fn(*, user, kind) -> QuerySet | [QuerySet] | None`: the records an
  assignment in a later app lets `user` see: lazy one-column `values(...)` of their ids
  (each joins the union of `visible_to`), no query; None for a `kind` it gives no sight of.
  `kind` is "customer" (customers' `customer_visibility_q`: a delivery team's customers,
  after-sales staff's assigned customers) or "contract" (contracts' `contract_visibility_q`).
  The teams policy hands them to `visible_to` as its `extra` (`teams.policy.assigned_extra`):
  the one hook for assignment-based sight.
- `CONTRACT_PROGRESSORS` `fn(*, user, contract) -> bool`: True when a later app's assignment
  lets `user` move the signed contract into delivery and complete it (contracts' predicate
  `can_progress_contract` asks these besides the contract's managers).
- `CONTRACT_COMPLETION_CHECKS` `fn(*, contract) -> str | None`: why `contract` cannot be
  completed yet (a message for the user), or None; contracts' completion service refuses
  while any says so.
- `AGENDA_ITEMS` `fn(*, owner_ids, start, end, today) -> iterable of AgendaItem`: "my agenda"
  (我的日程) and its .ics feed: the app's dated work of these users falling due from `start` to
  `end` (inclusive), and when `start <= today <= end` also what is still open from before
  `today` (shown on `today` as overdue). One query each.
- `GLOBAL_SEARCH` `fn(*, user, text, limit) -> SearchGroup | None`: the navbar's search box:
  up to `limit` records of one kind that `user` may see matching `text` (at least 2
  characters), with a link to the full list when there may be more. One or two queries.
- `CAPABILITIES` `fn() -> iterable of Capability`: what the app lets a role do (a key such as
  "customers.create", its area, a label in the reader's language, the built-in roles that hold
  it by default, the capabilities it needs). Admins grant them to roles on the roles page
  (`teams.access`); the app's predicates ask `teams.access.has_capability(user, CAPABILITY)`.
  An app that is absent declares nothing, so nothing of it can be granted.
- `EXPORT_KINDS` an `ExportKind`: a list whose exports go through the logged exports
  (customers' `ExportLog`): a selection too large to download at once is queued, a Celery
  worker writes it with `write` and its requester downloads it from "My exports".
- `DEMO_DATA` `fn() -> str | None`: add the app's demo records for the demo users
  (idempotent); returns a line for the console.
- `VOLUME_OPTIONS` `fn(*, parser) -> None`: add the app's options to `seed_volume`.
- `VOLUME_DATA` `fn(*, options, organisation, log) -> str | None`: add the app's volume data
  (`options`: the command's options; `organisation`: teams.volume.Organisation; `log`: progress
  lines); returns a summary line.

`get(name)` returns the functions sorted by `order`, then by registration. Tests add or take
out a function for the length of a `with` block (`register_temporarily`,
`unregister_temporarily`), never by editing the registry.
"""

import contextlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, pgettext

NAV_ITEMS = "nav_items"
HOME_PANELS = "home_panels"
HOME_GREETING = "home_greeting"
CUSTOMER_SECTIONS = "customer_sections"
CUSTOMER_TIMELINE = "customer_timeline"
CUSTOMER_LIST_COLUMNS = "customer_list_columns"
CUSTOMER_LIST_FILTERS = "customer_list_filters"
OPPORTUNITY_ACTIONS = "opportunity_actions"
OPPORTUNITY_ORIGINS = "opportunity_origins"
CUSTOMER_MERGE = "customer_merge"
CUSTOMER_HANDOVER = "customer_handover"
CUSTOMER_PURCHASES = "customer_purchases"
USER_HOLDINGS = "user_holdings"
CUSTOMER_POOL_BLOCKERS = "customer_pool_blockers"
CUSTOMER_RECENT_WINS = "customer_recent_wins"
CUSTOMER_SIGNINGS = "customer_signings"
REMINDER_RULES = "reminder_rules"
ASSIGNED_SIGHT = "assigned_sight"
CONTRACT_PROGRESSORS = "contract_progressors"
CONTRACT_COMPLETION_CHECKS = "contract_completion_checks"
AGENDA_ITEMS = "agenda_items"
GLOBAL_SEARCH = "global_search"
CAPABILITIES = "capabilities"
EXPORT_KINDS = "export_kinds"
DEMO_DATA = "demo_data"
VOLUME_OPTIONS = "volume_options"
VOLUME_DATA = "volume_data"

NAMES = frozenset(
    {
        NAV_ITEMS,
        HOME_PANELS,
        HOME_GREETING,
        CUSTOMER_SECTIONS,
        CUSTOMER_TIMELINE,
        CUSTOMER_LIST_COLUMNS,
        CUSTOMER_LIST_FILTERS,
        OPPORTUNITY_ACTIONS,
        OPPORTUNITY_ORIGINS,
        CUSTOMER_MERGE,
        CUSTOMER_HANDOVER,
        CUSTOMER_PURCHASES,
        USER_HOLDINGS,
        CUSTOMER_POOL_BLOCKERS,
        CUSTOMER_RECENT_WINS,
        CUSTOMER_SIGNINGS,
        REMINDER_RULES,
        ASSIGNED_SIGHT,
        CONTRACT_PROGRESSORS,
        CONTRACT_COMPLETION_CHECKS,
        AGENDA_ITEMS,
        GLOBAL_SEARCH,
        CAPABILITIES,
        EXPORT_KINDS,
        DEMO_DATA,
        VOLUME_OPTIONS,
        VOLUME_DATA,
    }
)

# name -> [(order, sequence, fn)]
_registry = {name: [] for name in NAMES}
_sequence = itertools.count()


def _entries(name):
    try:
        return _registry[name]
    except KeyError:
        # A misspelt name would otherwise register or find nothing, silently.
        raise ValueError(f"unknown hook {name!r}; the hooks are in crm_site/hooks.py") from None


def register(name, fn=None, *, order=0):
    """Register `fn` under `name`; without `fn`, a decorator. The same function twice is kept
    once (with its first order)."""
    if fn is None:
        return lambda fn: register(name, fn, order=order)
    entries = _entries(name)
    if not any(registered is fn for _order, _seq, registered in entries):
        entries.append((order, next(_sequence), fn))
    return fn


def get(name):
    """The functions registered under `name`, by order, then by registration."""
    return [fn for _order, _seq, fn in ordered(name)]


def ordered(name):
    """(order, sequence, fn) of the functions registered under `name`, as `get` sorts them."""
    return sorted(_entries(name), key=lambda e: e[:2])


@contextlib.contextmanager
def register_temporarily(name, fn, *, order=0):
    """For tests: `fn` is registered inside the `with` block only."""
    entries = _entries(name)
    if any(registered is fn for _order, _seq, registered in entries):
        yield fn  # already there: it stays after the block too
        return
    entry = (order, next(_sequence), fn)
    entries.append(entry)
    try:
        yield fn
    finally:
        entries.remove(entry)


@contextlib.contextmanager
def unregister_temporarily(name, fn):
    """For tests: `fn` is not registered inside the `with` block (an app that forgot it)."""
    entries = _entries(name)
    taken = [entry for entry in entries if entry[2] is fn]
    if not taken:
        raise ValueError(f"{fn!r} is not registered under {name!r}")
    entries.remove(taken[0])
    try:
        yield
    finally:
        entries.append(taken[0])  # its order and sequence come back with it


# --- the shared types the hooks return -------------------------------------------------------


# The navbar's menus: the areas whose NAV_ITEMS order falls in a band share one dropdown (a
# band with one area for the user shows it as a plain link). An area with a badge (a count to
# act on, like approvals waiting) stays in the bar itself.
NAV_GROUPS = (
    (100, 200, gettext_lazy("Customers"), "building"),
    (200, 290, gettext_lazy("Sales"), "graph-up"),
    (290, 400, gettext_lazy("Contracts"), "file-earmark-text"),
    (800, 900, gettext_lazy("Analytics"), "bar-chart-line"),
    (900, 1000, gettext_lazy("Administration"), "gear"),
)


@dataclass(frozen=True)
class NavItem:
    url_name: str  # reversed without arguments
    label: str
    icon: str  # a Bootstrap Icons name
    # A URL name (no arguments) whose response is a badge shown beside the label, loaded by
    # htmx after the page, so the page's own queries do not change ("" for none).
    badge_url_name: str = ""


@dataclass(frozen=True)
class Capability:
    """Something a role may do (CAPABILITIES): `key` "<area>.<what>", stored in the grants;
    `area` groups the roles page's columns; `label` and `area_label` lazy texts; `default` the
    built-in roles granted it when it first appears (a grouping of teams/roles.py); `requires`
    the keys it depends on (removing one of those removes it too)."""

    key: str
    area: str
    area_label: object
    label: object
    default: frozenset = frozenset()
    requires: tuple = ()


@dataclass(frozen=True)
class Action:
    """A button on another app's page: a link (already reversed), its label and icon."""

    url: str
    label: str
    icon: str  # a Bootstrap Icons name
    id: str = ""


@dataclass(frozen=True)
class Panel:
    template: str  # included with `panel` set to `context`
    context: dict = field(default_factory=dict)


SECTION_COLUMNS = ("main", "side")


@dataclass(frozen=True)
class Section:
    """`template` is included with the page's context (`customer`, `user`, `can`…) plus
    `section` set to `context`; "main" is the wide column above the timeline, "side" the
    column under the contacts."""

    template: str
    column: str = "main"
    context: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.column not in SECTION_COLUMNS:
            raise ValueError(f"column must be one of {SECTION_COLUMNS}, not {self.column!r}")


@dataclass(frozen=True)
class ListColumn:
    """A later app's column on the customer list (CUSTOMER_LIST_COLUMNS)."""

    key: str  # unique among the list's columns: the column chooser stores it
    label: str
    template: str  # the cell, a <td>, included with `customer` and `column`
    annotate: object  # fn(queryset) -> queryset: what the cell reads, as subqueries


@dataclass(frozen=True)
class ListFilter:
    """A later app's filter on the customer list (CUSTOMER_LIST_FILTERS)."""

    name: str  # the query parameter, unique among the list's filters
    field: object  # a django.forms.Field, not required
    apply: object  # fn(queryset, value) -> queryset, called with a non-empty cleaned value


@dataclass(frozen=True)
class Holding:
    """Records of one kind a user owns (USER_HOLDINGS)."""

    key: str  # unique among the holdings: the annotation is `holding_<key>`
    label: str  # a msgid marked with gettext_noop, e.g. "customers"
    count: object  # an expression: how many the row's user (OuterRef("pk")) owns
    handover_url_name: str = ""


@dataclass
class Event:
    when: datetime
    kind: str  # a short key: "followup", "grade", "survey", "merge", "contract"…
    icon: str  # a Bootstrap Icons name
    title: str
    body: str = ""
    url: str = ""
    who: object = None
    badges: list = field(default_factory=list)


@dataclass(frozen=True)
class ExportKind:
    """A list exported through the logged, queued exports (EXPORT_KINDS)."""

    key: str  # stored on each export (ExportLog.kind)
    title: str  # the export's page heading ("Customer export")
    file_prefix: str  # the downloaded file's name starts with it
    list_url: object  # fn(query) -> the list's URL filtered by the saved query string
    # fn(*, user, query, out, progress) -> rows written to `out` (an .xlsx), only what `user`
    # may see as the list is filtered by `query`, calling progress(rows) now and then; None
    # when `user` may no longer export it so filtered (nothing written).
    write: object
    counted: object  # fn(n) -> "n customers", in the reader's language
    allowed: object  # fn(user) -> bool: whether `user` may export this list at all


@dataclass(frozen=True)
class Moved:
    """How many rows of one kind a merge or handover hook moved (or, dry, would move).

    `label` is an untranslated msgid marked with `gettext_noop`: the records keep it, and each
    reader sees it in their own language (`describe`).
    """

    key: str
    label: str
    count: int

    def __post_init__(self):
        if isinstance(self.label, Promise) or not isinstance(self.label, str):
            raise TypeError("Moved.label is a msgid marked with gettext_noop, not a lazy text")

    def as_json(self):
        return {"key": self.key, "label": self.label, "count": self.count}

    @classmethod
    def from_json(cls, data):
        return cls(data["key"], data["label"], data["count"])


@dataclass(frozen=True)
class Reminder:
    """One notification a rule wants sent. `key` names the record and the due date or period
    (the engine adds the rule and the recipient); `title` and `body` are msgids marked with
    gettext_noop, rendered with `args` in the reader's language; `target` is the record (its
    model has `visible_to(user)`), `url` its page."""

    recipient: object
    kind: str
    key: str
    title: str
    args: dict = field(default_factory=dict)
    target: object = None
    url: str = ""
    body: str = ""
    # Done once, in the transaction that creates the notification (and not on a dry run):
    # e.g. an overdue instalment's collection stage moves. Safe to call twice.
    effect: object = None


@dataclass(frozen=True)
class AgendaItem:
    """One entry of the agenda: what falls due on `day` (its `due` date; an overdue item is
    shown on today with `due` kept). `kind` is a short key ("task", "followup", "instalment"…),
    `label` the kind in the reader's language, `url` the record's page."""

    day: object  # a date
    kind: str
    label: str
    icon: str  # a Bootstrap Icons name
    title: str
    url: str
    owner: str = ""
    due: object = None  # the date it fell due, when earlier than `day`
    uid: str = ""  # stable across runs (the .ics feed's UID): "<kind>-<pk>"

    @property
    def overdue_days(self):
        return (self.day - self.due).days if self.due and self.due < self.day else 0


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""  # a second line: the owner, the customer, the matching phone…


@dataclass(frozen=True)
class SearchGroup:
    """One kind of record in the global search's results; `more_url` is the kind's own list
    filtered by the same text (set when `hits` were cut at the limit)."""

    kind: str
    label: str
    icon: str
    hits: list
    more_url: str = ""

    @classmethod
    def of(cls, kind, label, icon, hits, *, limit, more_url):
        """`hits` read with `limit + 1` rows: the extra one only says there are more."""
        hits = list(hits)
        return cls(kind, label, icon, hits[:limit], more_url if len(hits) > limit else "")


@dataclass(frozen=True)
class ReminderRule:
    name: str  # "<app>.<rule>", the key of REMINDER_SCHEDULES
    label: str  # a msgid (gettext_noop): the rules page translates it
    fn: object  # fn(*, now, thresholds) -> iterable of Reminder

    def __call__(self, *, now, thresholds):
        return self.fn(now=now, thresholds=thresholds)


def agenda_q(field, *, start, end, today):
    """The filter of an AGENDA_ITEMS provider on its date `field`: due in the range, and, when
    the range holds today, everything still open from before."""
    from django.db.models import Q

    q = Q(**{f"{field}__range": (start, end)})
    if today is not None and start <= today <= end:
        q |= Q(**{f"{field}__lt": start})
    return q


def agenda_day(due, today):
    """The day an entry shows on: overdue work stays in front of its owner on today."""
    return today if today is not None and due < today else due


def move(key, label, rows, *, dry_run, **changes):
    """The usual move: `rows.update(**changes)`, or with `dry_run` how many it would change."""
    return Moved(key, label, rows.count() if dry_run else rows.update(**changes))


def tally(results):
    """The `Moved` of several hooks as one list: the same key summed, in first-seen order."""
    found = {}
    for moved in results:
        if moved is None:
            continue
        if moved.key in found:
            moved = Moved(moved.key, found[moved.key].label, found[moved.key].count + moved.count)
        found[moved.key] = moved
    return list(found.values())


def describe(moves):
    """`[(label in the current language, count), …]` for what is not zero, in order."""
    return [(gettext(m.label), m.count) for m in moves if m.count]


def listed(moves):
    """What moved as one line in the reader's language: `contacts 2, follow-ups 1`
    (`联系人 2、跟进记录 1`)."""
    separator = pgettext("between items of a list", ", ")
    return separator.join(f"{label} {count}" for label, count in describe(moves))

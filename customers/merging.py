"""What else moves when two customers are merged: a registry for the apps built on customers.

`services.customer_merge` moves the customers app's own rows (contacts, follow-ups, tasks,
needs surveys, tags, shares, grade history, handover links), then calls every hook registered
here, inside the same transaction and before the merged customer is deleted. An app that
links its rows to customers (opportunities, contracts, payments…) registers, in its
`AppConfig.ready()`::

    from customers.merging import register_merge_hook

    def move_opportunities(keep, merge):
        return {"opportunities": Opportunity.objects.filter(customer=merge).update(customer=keep)}

    register_merge_hook(
        move_opportunities,
        count=lambda merge: {"opportunities": merge.opportunities.count()},
        labels={"opportunities": _("opportunities")},
    )

- `fn(keep, merge)` moves the rows of `merge` to `keep` and returns `{key: number moved}`
  (or None). The numbers are stored on the `Merge` record and shown in the timeline.
- `count(merge)`, optional, says what would move: the confirm page shows it beforehand.
- `labels` name the keys for people (lazy translations).

A hook that raises aborts the whole merge: nothing moves and nothing is deleted.
"""

from django.utils.translation import gettext_lazy as _

_hooks = []

LABELS = {
    "contacts": _("contacts"),
    "followups": _("follow-ups"),
    "tasks": _("tasks"),
    "surveys": _("needs surveys"),
    "tags": _("tags"),
    "shares": _("colleagues"),
    "grade_changes": _("grade changes"),
    "grade_proposals": _("grade proposals"),
    "handovers": _("handovers"),
    "merges": _("earlier merges"),
    "fields": _("empty fields filled"),
}


def register_merge_hook(fn, *, count=None, labels=None):
    """Add a hook run by every merge (see the module docstring)."""
    _hooks[:] = [(f, c) for f, c in _hooks if f is not fn]
    _hooks.append((fn, count))
    LABELS.update(labels or {})
    return fn


def run_hooks(keep, merge):
    """Call every hook; returns the numbers they moved, merged into one dict."""
    moved = {}
    for fn, _count in _hooks:
        for key, number in (fn(keep, merge) or {}).items():
            moved[key] = moved.get(key, 0) + number
    return moved


def count_hooks(merge):
    """What the hooks would move, for the confirm page."""
    found = {}
    for _fn, count in _hooks:
        if count is not None:
            for key, number in (count(merge) or {}).items():
                found[key] = found.get(key, 0) + number
    return found


def describe(moved):
    """`[(label, number), …]` for the numbers that are not zero, in a stable order."""
    order = list(LABELS)
    keys = sorted(
        (k for k, n in moved.items() if n), key=lambda k: (order.index(k) if k in order else 99, k)
    )
    return [(LABELS.get(key, key), moved[key]) for key in keys]

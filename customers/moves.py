"""What moves with a customer when it is merged into another or handed over (客户交接).

Every app whose rows point at customers registers, in its hooks.py, a CUSTOMER_MERGE hook and,
for rows a rep owns, a CUSTOMER_HANDOVER hook (crm_site/hooks.py). Each is written once: with
`dry_run=True` it counts what it would move, so the confirm page shows exactly what the merge
or handover then moves. The customers app's own moves are below.

A merge refuses to delete the merged customer while any relation in
`Customer._meta.related_objects` still has a row pointing at it (`left_behind`): an app that
forgets its merge hook gets an error in its tests, not lost rows. Rows a merge drops on
purpose (a proposal for a quarter the kept customer has one for) are deleted by their hook.
"""

from django.db.models import Q
from django.utils.translation import gettext_noop

from crm_site import hooks
from crm_site.hooks import Moved

from .models import (
    Contact,
    Customer,
    CustomerShare,
    CustomerStatusChange,
    FollowUp,
    GradeChange,
    GradeProposal,
    Handover,
    LeadScreening,
    Merge,
    NeedsSurvey,
    OwnershipChange,
    ReclaimWarning,
    Task,
)


def merge_moves(*, keep, merge, by, dry_run):
    """Run every CUSTOMER_MERGE hook; returns their `Moved`, one per key."""
    return hooks.tally(
        fn(keep=keep, merge=merge, by=by, dry_run=dry_run) for fn in hooks.get(hooks.CUSTOMER_MERGE)
    )


def handover_moves(*, customer_ids, from_user, to_user, by, dry_run):
    """Run every CUSTOMER_HANDOVER hook; returns their `Moved`, one per key."""
    return hooks.tally(
        fn(customer_ids=customer_ids, from_user=from_user, to_user=to_user, by=by, dry_run=dry_run)
        for fn in hooks.get(hooks.CUSTOMER_HANDOVER)
    )


def left_behind(merge):
    """The first relation to Customer that still has a row pointing at `merge`, or None.

    Forward, one-to-one and many-to-many relations (their through rows) alike; one EXISTS
    query per relation. Historical records are hidden relations and are not checked.
    """
    for relation in Customer._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            rows = through._base_manager.filter(**{relation.field.m2m_reverse_field_name(): merge})
        else:
            rows = relation.related_model._base_manager.filter(**{relation.field.name: merge})
        if rows.exists():
            return relation
    return None


# --- merge: the customers app's own moves (registered in hooks.py) --------------------------

# Template-1 fields a merge copies to the kept customer when it has none; a budget range
# moves as a pair so it never ends up half from each record.
FILL_GROUPS = (
    ("credit_code",),
    ("industry",),
    ("employee_band",),
    ("revenue_band",),
    ("region",),
    ("address",),
    ("main_business",),
    ("legal_representative",),
    ("phone",),
    ("decision_process",),
    ("lead_source",),
    ("initial_need",),
    ("budget_min", "budget_max"),
    ("expected_purchase_date",),
)


def fill_fields(keep, merge):
    """Names of the fields the merge copies from `merge` to `keep` (empty on `keep` only)."""

    def empty(customer, name):
        return getattr(customer, Customer._meta.get_field(name).attname) in (None, "")

    found = []
    for group in FILL_GROUPS:
        if all(empty(keep, n) for n in group) and not all(empty(merge, n) for n in group):
            found.extend(group)
    return found


def move_contacts(*, keep, merge, by, dry_run):
    rows = Contact.objects.filter(customer=merge)
    return hooks.move("contacts", gettext_noop("contacts"), rows, dry_run=dry_run, customer=keep)


def move_followups(*, keep, merge, by, dry_run):
    rows = FollowUp.objects.filter(customer=merge)
    return hooks.move("followups", gettext_noop("follow-ups"), rows, dry_run=dry_run, customer=keep)


def move_tasks(*, keep, merge, by, dry_run):
    rows = Task.objects.filter(customer=merge)
    return hooks.move("tasks", gettext_noop("tasks"), rows, dry_run=dry_run, customer=keep)


def move_surveys(*, keep, merge, by, dry_run):
    rows = NeedsSurvey.objects.filter(customer=merge)
    return hooks.move(
        "surveys", gettext_noop("needs surveys"), rows, dry_run=dry_run, customer=keep
    )


def move_tags(*, keep, merge, by, dry_run):
    new = merge.tags.exclude(pk__in=keep.tags.values("pk"))
    if dry_run:
        return Moved("tags", gettext_noop("tags"), new.count())
    pks = list(new.values_list("pk", flat=True))
    keep.tags.add(*pks)
    return Moved("tags", gettext_noop("tags"), len(pks))


def _share_plan(keep, merge):
    """The colleagues `keep` gains from `merge`, or whose access there becomes read-write:
    [(user_id, can_edit, keep's share or None)]."""
    existing = {share.user_id: share for share in keep.shares.all()}
    plan = []
    for share in merge.shares.all():
        mine = existing.get(share.user_id)
        if share.user_id == keep.owner_id:
            continue
        if mine is None or (share.can_edit and not mine.can_edit):
            plan.append((share.user_id, share.can_edit, mine))
    return plan


def move_shares(*, keep, merge, by, dry_run):
    plan = _share_plan(keep, merge)
    if not dry_run:
        for user_id, can_edit, mine in plan:
            if mine is None:
                CustomerShare.objects.create(customer=keep, user_id=user_id, can_edit=can_edit)
            else:
                mine.can_edit = True
                mine.save(update_fields=["can_edit"])
        merge.shares.all().delete()  # the rest: access `keep` has already
    return Moved("shares", gettext_noop("colleagues"), len(plan))


def move_grade_changes(*, keep, merge, by, dry_run):
    rows = GradeChange.objects.filter(customer=merge)
    return hooks.move(
        "grade_changes", gettext_noop("grade changes"), rows, dry_run=dry_run, customer=keep
    )


def move_status_changes(*, keep, merge, by, dry_run):
    rows = CustomerStatusChange.objects.filter(subject=merge)
    return hooks.move(
        "status_changes", gettext_noop("status changes"), rows, dry_run=dry_run, subject=keep
    )


def move_grade_proposals(*, keep, merge, by, dry_run):
    """One proposal per customer and quarter: the kept customer's own wins, the other goes."""
    rows = GradeProposal.objects.filter(customer=merge)
    clash = Q(period__in=GradeProposal.objects.filter(customer=keep).values("period"))
    if dry_run:
        return Moved(
            "grade_proposals", gettext_noop("grade proposals"), rows.exclude(clash).count()
        )
    rows.filter(clash).delete()
    return Moved("grade_proposals", gettext_noop("grade proposals"), rows.update(customer=keep))


def move_handovers(*, keep, merge, by, dry_run):
    """The handovers `merge` was part of (a handover of both keeps its link to `keep`)."""
    links = Handover.customers.through.objects
    rows = links.filter(customer=merge)
    clash = Q(handover__in=links.filter(customer=keep).values("handover"))
    if dry_run:
        return Moved("handovers", gettext_noop("handovers"), rows.exclude(clash).count())
    rows.filter(clash).delete()
    return Moved("handovers", gettext_noop("handovers"), rows.update(customer=keep))


def move_ownership_changes(*, keep, merge, by, dry_run):
    rows = OwnershipChange.objects.filter(customer=merge)
    return hooks.move(
        "ownership_changes",
        gettext_noop("ownership changes"),
        rows,
        dry_run=dry_run,
        customer=keep,
    )


def move_lead_screening(*, keep, merge, by, dry_run):
    """A lead merged into a customer: its screening moves unless the customer has its own."""
    rows = LeadScreening.objects.filter(customer=merge)
    if LeadScreening.objects.filter(customer=keep).exists():
        if not dry_run:
            rows.delete()
        return None
    return hooks.move(
        "lead_screening", gettext_noop("lead screening"), rows, dry_run=dry_run, customer=keep
    )


def drop_reclaim_warnings(*, keep, merge, by, dry_run):
    """A warning was about the merged customer's own dates: the kept one's stand."""
    rows = ReclaimWarning.objects.filter(customer=merge)
    if not dry_run:
        rows.delete()
    return None


def move_merges(*, keep, merge, by, dry_run):
    rows = Merge.objects.filter(kept=merge)
    return hooks.move("merges", gettext_noop("earlier merges"), rows, dry_run=dry_run, kept=keep)


def fill_empty_fields(*, keep, merge, by, dry_run):
    """`keep`'s empty template-1 fields take `merge`'s values (the service saves `keep`)."""
    filled = fill_fields(keep, merge)
    if not dry_run:
        for name in filled:
            setattr(keep, name, getattr(merge, name))
    return Moved("fields", gettext_noop("empty fields filled"), len(filled))


# --- handover: the customers app's own move (registered in hooks.py) -------------------------


def move_open_tasks(*, customer_ids, from_user, to_user, by, dry_run):
    """The departing owner's open tasks on these customers (done tasks stay: history)."""
    rows = Task.objects.open().filter(customer_id__in=customer_ids, owner=from_user)
    return hooks.move("tasks", gettext_noop("open tasks"), rows, dry_run=dry_run, owner=to_user)

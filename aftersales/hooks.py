"""The after-sales app's registrations in crm_site/hooks.py (imported by
AftersalesConfig.ready): sight of the assigned customers, the navbar, the customer section and
timeline, home panels, what a merge moves, demo and volume data."""

from django.utils.translation import gettext_noop

from contracts.models import Contract
from crm_site import hooks

from . import agenda, demo, pages, reminders, search, volume
from .models import AftersalesAssignment, AftersalesRecord, Complaint, Revisit, Satisfaction
from .querysets import assigned_customer_ids


def aftersales_sight(*, user, kind):
    """After-sales staff see the customers assigned to them and those customers' contracts
    (the policy's `extra`). No query of its own: a subquery."""
    customers = assigned_customer_ids(user)
    if customers is None:
        return None
    if kind == "customer":
        return customers
    if kind == "contract":
        return Contract.objects.order_by().filter(customer_id__in=customers).values("pk")
    return None


def move_records(*, keep, merge, by, dry_run):
    rows = AftersalesRecord.objects.filter(customer=merge)
    label = gettext_noop("after-sales records")
    return hooks.move("aftersales_records", label, rows, dry_run=dry_run, customer=keep)


def move_complaints(*, keep, merge, by, dry_run):
    rows = Complaint.objects.filter(customer=merge)
    return hooks.move(
        "complaints", gettext_noop("complaints"), rows, dry_run=dry_run, customer=keep
    )


def move_scores(*, keep, merge, by, dry_run):
    rows = Satisfaction.objects.filter(customer=merge)
    label = gettext_noop("satisfaction scores")
    return hooks.move("satisfaction", label, rows, dry_run=dry_run, customer=keep)


def move_revisits(*, keep, merge, by, dry_run):
    """Revisits move, less those of a period the kept customer has already (dropped)."""
    rows = Revisit.objects.filter(customer=merge)
    if not dry_run:
        for kind, period in list(
            Revisit.objects.filter(customer=keep).values_list("kind", "period")
        ):
            rows.filter(kind=kind, period=period).delete()
    return hooks.move("revisits", gettext_noop("revisits"), rows, dry_run=dry_run, customer=keep)


def move_assignment(*, keep, merge, by, dry_run):
    """The kept customer's after-sales user stays; without one, the merged customer's moves."""
    rows = AftersalesAssignment.objects.filter(customer=merge)
    if AftersalesAssignment.objects.filter(customer=keep).exists():
        if not dry_run:
            rows.delete()
        return None
    return hooks.move(
        "aftersales_assignment",
        gettext_noop("after-sales assignment"),
        rows,
        dry_run=dry_run,
        customer=keep,
    )


hooks.register(hooks.ASSIGNED_SIGHT, aftersales_sight)
hooks.register(hooks.NAV_ITEMS, pages.complaints_nav, order=450)
hooks.register(hooks.HOME_GREETING, pages.greeting, order=450)
hooks.register(hooks.CUSTOMER_SECTIONS, pages.customer_section, order=450)
hooks.register(hooks.CUSTOMER_LIST_COLUMNS, pages.satisfaction_column, order=450)
hooks.register(hooks.CUSTOMER_LIST_FILTERS, pages.satisfaction_filter, order=450)
hooks.register(hooks.CUSTOMER_TIMELINE, pages.complaint_events)
hooks.register(hooks.CUSTOMER_TIMELINE, pages.record_events)
hooks.register(hooks.OPPORTUNITY_ORIGINS, pages.opportunity_origin, order=450)
hooks.register(hooks.HOME_PANELS, pages.revisits_panel, order=450)
hooks.register(hooks.HOME_PANELS, pages.deadlines_panel, order=451)
hooks.register(hooks.HOME_PANELS, pages.team_complaints_panel, order=452)
for _move in (move_records, move_complaints, move_scores, move_revisits, move_assignment):
    hooks.register(hooks.CUSTOMER_MERGE, _move, order=450)
hooks.register(hooks.DEMO_DATA, demo.seed, order=450)
hooks.register(hooks.VOLUME_OPTIONS, volume.add_options, order=450)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=450)

# --- reminders (notifications.engine runs them; schedules in settings.REMINDER_SCHEDULES) ------

for _name, _label, _fn in (
    (
        "aftersales.complaint_deadlines",
        gettext_noop("Complaints near or past their deadline → handler and manager"),
        reminders.complaint_deadlines,
    ),
    (
        "aftersales.revisits_due",
        gettext_noop("Quarterly revisits due → the after-sales user, weekly"),
        reminders.revisits_due,
    ),
):
    hooks.register(hooks.REMINDER_RULES, hooks.ReminderRule(_name, _label, _fn))

# --- my agenda and the global search ---------------------------------------------------------

hooks.register(hooks.AGENDA_ITEMS, agenda.complaints_due, order=450)
hooks.register(hooks.AGENDA_ITEMS, agenda.revisits_due, order=460)
hooks.register(hooks.GLOBAL_SEARCH, search.complaints, order=450)


@hooks.register(hooks.CAPABILITIES, order=500)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL

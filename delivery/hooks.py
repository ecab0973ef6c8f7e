"""The delivery app's registrations in crm_site/hooks.py (imported by DeliveryConfig.ready):
the sight its assignments give (the teams policy's `extra`), who moves a contract through
delivery, the completion check, the navbar, the home panel, the customer page's section and
timeline, the agenda's phase ends, and the demo and volume data. Its rows hang on contracts,
never on a customer directly, so a merge or a handover moves them with their contracts."""

from django.db.models import Exists
from django.utils.translation import gettext_noop

from contracts.models import Contract
from crm_site import hooks
from teams import roles

from . import agenda, demo, pages, reminders, volume
from .models import Assignment, DeliveryLead
from .permissions import delivers
from .services.acceptance import completion_refusal


def delivery_sight(*, user, kind):
    """Delivery staff see the contracts they are on the team of (a lead: every signed
    contract) and those contracts' customers. No query of its own: two subqueries."""
    if user.role not in roles.DELIVERS or kind not in ("contract", "customer"):
        return None
    assigned = Assignment.objects.order_by().filter(user_id=user.pk).values("contract_id")
    lead = Exists(DeliveryLead.objects.filter(user_id=user.pk))
    rows = Contract.objects.order_by().filter(status__in=Contract.SIGNED_STATES)
    if kind == "contract":
        return [assigned, rows.filter(lead).values("pk")]
    on_team = Contract.objects.order_by().filter(pk__in=assigned)
    return [on_team.values("customer_id"), rows.filter(lead).values("customer_id")]


def delivery_progressors(*, user, contract):
    return delivers(user, contract)


hooks.register(hooks.ASSIGNED_SIGHT, delivery_sight)
hooks.register(hooks.CONTRACT_PROGRESSORS, delivery_progressors)
hooks.register(hooks.CONTRACT_COMPLETION_CHECKS, completion_refusal)
hooks.register(hooks.NAV_ITEMS, pages.delivery_nav, order=400)
hooks.register(hooks.HOME_GREETING, pages.greeting, order=400)
hooks.register(hooks.HOME_PANELS, pages.delivery_panel, order=400)
hooks.register(hooks.CUSTOMER_SECTIONS, pages.customer_delivery, order=400)
hooks.register(hooks.CUSTOMER_TIMELINE, pages.phase_events)
hooks.register(hooks.CUSTOMER_TIMELINE, pages.change_events)
hooks.register(hooks.CUSTOMER_TIMELINE, pages.acceptance_events)
hooks.register(hooks.AGENDA_ITEMS, agenda.phases_ending, order=400)
# After the contracts' demo (order 300 and below): its signed contracts come first.
hooks.register(hooks.DEMO_DATA, demo.seed_demo, order=400)
# After the contracts' volume data (order 300): plans for its signed contracts.
hooks.register(hooks.VOLUME_OPTIONS, volume.add_options, order=400)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=400)

# --- reminders (notifications.engine runs them; schedules in settings.REMINDER_SCHEDULES) ------

hooks.register(
    hooks.REMINDER_RULES,
    hooks.ReminderRule(
        "delivery.phases_late",
        gettext_noop("Delivery phases late → owner and manager"),
        reminders.phases_late,
    ),
)


@hooks.register(hooks.CAPABILITIES, order=400)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL

"""The delivery app's reminder rules (registered in hooks.py; the engine is notifications').

- phases_late: a phase of a contract in delivery past its end date and not done → its owner
  and their manager (policy.approver_for; a delivery team without a manager: the delivery
  leads), once per end date (a phase given a new end date is reminded again when that one
  passes). A phase without an owner goes to the manager side only.

Nothing goes out on a day off; the next working day's run catches up.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from contracts.models import Contract
from crm_site.hooks import Reminder
from notifications.kinds import Kind
from teams import policy, workdays

from .models import DeliveryLead, Phase


def phases_late(*, now, thresholds):
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return
    leads = None
    managers = {}
    rows = (
        Phase.objects.late(today)
        .filter(plan__contract__status=Contract.Status.IN_DELIVERY)
        .select_related("owner", "plan__contract__customer")
        .order_by("end_date", "pk")
    )
    for phase in rows.iterator(chunk_size=500):
        contract = phase.plan.contract
        args = {
            "phase": phase.name,
            "contract": contract.number,
            "customer": contract.customer.name,
            "end": phase.end_date.isoformat(),
            "days": (today - phase.end_date).days,
            "owner": str(phase.owner) if phase.owner else "—",
        }
        key = f"phase-{phase.pk}/{phase.end_date.isoformat()}"
        common = {
            "kind": Kind.PHASE_LATE,
            "target": contract,
            "url": reverse("delivery:project", args=[contract.pk]) + f"#phase-{phase.pk}",
        }
        if phase.owner is not None:
            yield Reminder(
                recipient=phase.owner,
                key=f"{key}/owner",
                title=gettext_noop(
                    "Phase late since %(end)s: %(phase)s, %(contract)s (%(customer)s)"
                ),
                args=args,
                **common,
            )
            if phase.owner_id not in managers:
                managers[phase.owner_id] = policy.approver_for(phase.owner)
            above = [managers[phase.owner_id]] if managers[phase.owner_id] else []
        else:
            above = []
        if not above:
            if leads is None:
                leads = [
                    lead.user
                    for lead in DeliveryLead.objects.filter(user__is_active=True)
                    .select_related("user")
                    .order_by("user_id")
                ]
            above = [lead for lead in leads if lead.pk != phase.owner_id]
        for manager in above:
            yield Reminder(
                recipient=manager,
                key=f"{key}/manager",
                title=gettext_noop(
                    "Phase of %(owner)s late by %(days)s days: %(phase)s, %(contract)s "
                    "(%(customer)s)"
                ),
                args=args,
                **common,
            )

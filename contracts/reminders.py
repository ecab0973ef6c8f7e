"""The contracts app's reminder rules (registered in hooks.py; the engine is notifications').

- instalments_due: an unpaid instalment of a signed contract due within
  `instalment_due_days` → the contract's owner (once per instalment and due date);
- instalments_overdue: unpaid `instalment_manager_days` after its due date → the owner's
  manager, and its collection stage (催款流程) moves to "escalated to the manager";
  `instalment_legal_days` after → every active legal user, and the stage moves to "handed to
  legal". Each move happens once, with the notification that announces it, recorded as made
  by nobody (automatic) with the days overdue;
- approvals_waiting: a contract waiting at its current approval step for more than
  `approval_hours` → whoever decides that step (the owner's manager, or each active holder of
  the step's role); for more than `approval_manager_hours` → their own manager too.

Nothing goes out on a day off; the next working day's run catches up (the rules read the
database)."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from crm_site.hooks import Reminder
from crm_site.transitions import change_status
from notifications.kinds import Kind
from teams import policy, roles, workdays
from teams.models import User

from .models import Contract, Instalment

Stage = Instalment.Collection
# How far each stage is along the ladder; the rule only ever moves a stage forward.
LADDER = [Stage.NONE, Stage.REMINDED, Stage.ESCALATED, Stage.LEGAL]


def _url(contract, instalment=None):
    """The contract's page; for an instalment, its row in the payment plan (highlighted)."""
    url = reverse("contracts:contract-detail", args=[contract.pk])
    return f"{url}#instalment-{instalment.position}" if instalment is not None else url


class _Managers:
    """approver_for, once per user in a run."""

    def __init__(self):
        self.found = {}

    def __call__(self, user):
        if user is None:
            return None
        if user.pk not in self.found:
            self.found[user.pk] = policy.approver_for(user)
        return self.found[user.pk]


def _instalments(today):
    return (
        Instalment.objects.unpaid()
        .filter(contract__status__in=Contract.SIGNED_STATES)
        .select_related("contract__owner", "contract__customer")
    )


def _args(instalment, today):
    contract = instalment.contract
    return {
        "contract": contract.number,
        "position": instalment.position,
        "customer": contract.customer.name,
        "due": instalment.due_date.isoformat(),
        "amount": f"{instalment.outstanding:,.2f}",
        "days": (today - instalment.due_date).days,
    }


def instalments_due(*, now, thresholds):
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return
    last = today + timedelta(days=thresholds.instalment_due_days)
    rows = _instalments(today).filter(due_date__range=(today, last)).order_by("due_date", "pk")
    for instalment in rows.iterator(chunk_size=500):
        contract = instalment.contract
        yield Reminder(
            recipient=contract.owner,
            kind=Kind.INSTALMENT_DUE,
            key=f"instalment-{instalment.pk}/{instalment.due_date.isoformat()}/due",
            title=gettext_noop(
                "Instalment due on %(due)s: %(contract)s #%(position)s (%(customer)s), "
                "¥%(amount)s outstanding"
            ),
            args=_args(instalment, today),
            target=contract,
            url=_url(contract, instalment),
        )


@transaction.atomic
def escalate(instalment_id, stage, days):
    """Move the instalment's collection stage forward to `stage` (through "escalated" when
    it goes to legal from before it); nothing when it is there already, paid or beyond."""
    instalment = Instalment.objects.select_for_update().get(pk=instalment_id)
    if instalment.paid_amount >= instalment.amount:
        return
    path = [Stage.ESCALATED, Stage.LEGAL][: [Stage.ESCALATED, Stage.LEGAL].index(stage) + 1]
    for step in path:
        if LADDER.index(instalment.collection_stage) >= LADDER.index(step):
            continue
        change_status(
            instalment,
            step,
            by=None,
            reason=gettext_noop("Overdue %(days)s days: moved by the reminders"),
            reason_args={"days": days},
            field="collection_stage",
        )


def instalments_overdue(*, now, thresholds):
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return
    manager_of = _Managers()
    legal = list(User.objects.filter(role__in=roles.LEGAL, is_active=True).order_by("pk"))
    since = today - timedelta(days=thresholds.instalment_manager_days)
    rows = _instalments(today).filter(due_date__lte=since).order_by("due_date", "pk")
    for instalment in rows.iterator(chunk_size=500):
        contract = instalment.contract
        args = _args(instalment, today)
        days = args["days"]
        key = f"instalment-{instalment.pk}/{instalment.due_date.isoformat()}"
        common = {
            "kind": Kind.INSTALMENT_OVERDUE,
            "target": contract,
            "url": _url(contract, instalment),
        }
        manager = manager_of(contract.owner)
        if manager is not None:
            yield Reminder(
                recipient=manager,
                key=f"{key}/manager",
                title=gettext_noop(
                    "Instalment overdue %(days)s days, escalated to you: %(contract)s "
                    "#%(position)s (%(customer)s), ¥%(amount)s"
                ),
                args=args,
                effect=partial(escalate, instalment.pk, Stage.ESCALATED, days),
                **common,
            )
        if days >= thresholds.instalment_legal_days:
            for user in legal:
                yield Reminder(
                    recipient=user,
                    key=f"{key}/legal",
                    title=gettext_noop(
                        "Instalment overdue %(days)s days, handed to legal: %(contract)s "
                        "#%(position)s (%(customer)s), ¥%(amount)s"
                    ),
                    args=args,
                    effect=partial(escalate, instalment.pk, Stage.LEGAL, days),
                    **common,
                )


def approvals_waiting(*, now, thresholds):
    if not workdays.is_working_day(timezone.localdate(now)):
        return
    remind_before = now - timedelta(hours=thresholds.approval_hours)
    escalate_before = now - timedelta(hours=thresholds.approval_manager_hours)
    manager_of = _Managers()
    holders = {}
    rows = (
        Contract.objects.filter(
            status=Contract.Status.IN_APPROVAL, waiting_since__lte=remind_before
        )
        .select_related("owner", "customer", "current_step")
        .order_by("waiting_since", "pk")
    )
    for contract in rows.iterator(chunk_size=500):
        step = contract.current_step
        if step is None:
            continue
        if step.role == roles.TEAM_APPROVER:
            approvers = [manager_of(contract.owner)]
        else:
            if step.role not in holders:
                holders[step.role] = list(
                    User.objects.filter(role=step.role, is_active=True).order_by("pk")
                )
            approvers = [user for user in holders[step.role] if user.pk != contract.owner_id]
        args = {
            "contract": contract.number,
            "customer": contract.customer.name,
            "hours": thresholds.approval_hours,
        }
        key = f"contract-{contract.pk}/{contract.waiting_since.isoformat()}"
        common = {"kind": Kind.APPROVAL_WAITING, "target": contract, "url": _url(contract)}
        for approver in approvers:
            if approver is None:
                continue
            yield Reminder(
                recipient=approver,
                key=f"{key}/approver",
                title=gettext_noop(
                    "A contract waits for your approval: %(contract)s (%(customer)s)"
                ),
                args=args,
                **common,
            )
            if contract.waiting_since <= escalate_before:
                escalate_to = manager_of(approver)
                if escalate_to is not None:
                    yield Reminder(
                        recipient=escalate_to,
                        key=f"{key}/escalated",
                        title=gettext_noop(
                            "Waiting on %(approver)s for more than %(hours)s hours: "
                            "contract %(contract)s (%(customer)s)"
                        ),
                        args={
                            **args,
                            "approver": str(approver),
                            "hours": thresholds.approval_manager_hours,
                        },
                        **common,
                    )

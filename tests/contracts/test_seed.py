"""Volume data (seed_volume) of the contracts: every status, rounds with decisions, payment
plans that add up, payments within what is owed."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from contracts.demo import SCRIPTS
from contracts.models import (
    ApprovalDecision,
    ApprovalRound,
    Contract,
    Instalment,
    Invoice,
    Payment,
)
from teams.models import Role, User

pytestmark = pytest.mark.django_db

TINY = {"customers": 60, "contacts_per": 1, "followups_per": 1, "reps": 6, "teams": 3}
FORCED = {**TINY, "force": True}


def call(command, **options):
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def run(**options):
    out = io.StringIO()
    call_command("seed_volume", stdout=out, **options)
    return out.getvalue()


def test_seed_volume_grows_contracts_rounds_instalments_and_payments():
    output = run(**FORCED, contracts=50, instalments_per=3)
    assert "Volume contracts: 50 with" in output
    assert Contract.objects.count() == 50
    assert set(Contract.objects.values_list("status", flat=True)) == set(Contract.Status.values)
    assert Instalment.objects.count() == 3 * Contract.objects.exclude(status="cancelled").count()
    assert Payment.objects.exists() and Invoice.objects.exists()
    # Every plan adds up to its contract's amount; nothing is overpaid.
    for contract in Contract.objects.exclude(status="cancelled").annotate(
        planned=Sum("instalments__amount")
    ):
        assert contract.planned == contract.amount
    for instalment in Instalment.objects.annotate(received=Sum("payments__amount")):
        assert (instalment.received or 0) == instalment.paid_amount <= instalment.amount
    assert not Payment.objects.filter(contract__status__in=["draft", "approved"]).exists()
    # Rounds: one in progress per contract in approval, at its current step; sent-back ones.
    waiting = Contract.objects.filter(status="in_approval")
    assert waiting.filter(current_step__isnull=False).count() == waiting.count()
    assert ApprovalRound.objects.filter(outcome="in_progress").count() == waiting.count()
    assert ApprovalRound.objects.filter(outcome__in=["rejected", "returned"]).exists()
    assert ApprovalDecision.objects.filter(decision__in=["reject", "return"]).exists()
    assert not ApprovalDecision.objects.filter(by=F("round__contract__owner")).exists()
    legal = User.objects.get(role=Role.LEGAL)
    assert Contract.objects.waiting_for(legal).exists()
    # Legal sees every contract whose round reached their step, as the services record it.
    reached = set(
        ApprovalDecision.objects.filter(step__role=Role.LEGAL).values_list(
            "round__contract", flat=True
        )
    ) | set(waiting.filter(current_step__role=Role.LEGAL).values_list("pk", flat=True))
    assert set(Contract.objects.visible_to(legal).values_list("pk", flat=True)) == reached
    # Each contract's status history leads to its status through allowed moves.
    for contract in Contract.objects.prefetch_related("status_changes"):
        changes = sorted(contract.status_changes.all(), key=lambda c: (c.at, c.pk))
        assert changes[0].from_status == "" and changes[0].to_status == "draft"
        assert changes[-1].to_status == contract.status
        for change in changes[1:]:
            assert change.to_status in Contract.TRANSITIONS.allowed(change.from_status), change
    sent_back = ApprovalRound.objects.filter(outcome__in=["rejected", "returned"]).first()
    assert sent_back.contract.status_changes.filter(
        from_status="in_approval", to_status="draft"
    ).exists()

    run(**FORCED, append=True, contracts=50)
    assert Contract.objects.count() == 50  # already there: nothing more


# --- seed_demo -------------------------------------------------------------------------------


def test_seed_demo_grows_contracts_in_every_status_once():
    first = call("seed_demo")
    second = call("seed_demo")
    # Completing needs delivery's passed acceptance: its demo completes one of its own.
    assert "Demo contracts: 12 (12 new) in 6 statuses" in first
    assert "Demo contracts: 12 (0 new)" in second
    demo = Contract.objects.filter(title__in=[s[0] for s in SCRIPTS])
    assert set(Contract.objects.values_list("status", flat=True)) == set(Contract.Status.values)
    outcomes = set(
        ApprovalRound.objects.filter(contract__in=demo).values_list("outcome", flat=True)
    )
    assert {"approved", "rejected", "returned", "in_progress"} <= outcomes
    plans = Instalment.objects.filter(contract__in=demo)
    states = {i.state() for i in plans}
    assert {"paid", "overdue", "upcoming"} <= states
    assert plans.filter(paid_amount__gt=0, paid_amount__lt=F("amount")).exists()  # partly paid
    assert Invoice.objects.filter(contract__in=demo).exists()
    assert plans.exclude(collection_stage="none").exists()
    for contract in demo.exclude(status="cancelled").filter(instalments__isnull=False).distinct():
        assert sum(i.amount for i in contract.instalments.all()) == contract.amount

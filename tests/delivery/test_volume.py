"""Delivery's volume data (seed_volume): plans for the signed volume contracts, in delivery
first, with phases inside the contract's term (every 50th plan: 12), a delivery owner each,
done phases on completed contracts with a passed acceptance; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from contracts.models import Contract
from delivery.models import Acceptance, Assignment, Phase, Plan

pytestmark = pytest.mark.django_db

TINY = {"customers": 60, "contacts_per": 1, "followups_per": 1, "reps": 6, "teams": 3}


def run(**options):
    out = io.StringIO()
    call_command("seed_volume", stdout=out, force=True, **TINY, **options)
    return out.getvalue()


def test_plans_for_the_signed_contracts_once():
    output = run(contracts=50, delivery_plans=20)
    assert "Volume delivery: 20 plans with" in output
    plans = Plan.objects.select_related("contract")
    assert plans.count() == 20
    statuses = set(plans.values_list("contract__status", flat=True))
    assert statuses <= set(Contract.SIGNED_STATES)
    in_delivery = Contract.objects.filter(status=Contract.Status.IN_DELIVERY).count()
    planned = plans.filter(contract__status=Contract.Status.IN_DELIVERY).count()
    assert planned == min(20, in_delivery)
    sizes = dict(Plan.objects.annotate(n=Count("phases")).values_list("pk", "n"))
    assert max(sizes.values()) == 12 and min(sizes.values()) >= 3
    phases = Phase.objects.select_related("plan__contract")
    assert not phases.filter(end_date__lt=F("start_date")).exists()
    assert not phases.filter(start_date__lt=F("plan__contract__start_date")).exists()
    assert not phases.filter(end_date__gt=F("plan__contract__end_date")).exists()
    completed = phases.filter(plan__contract__status=Contract.Status.COMPLETED)
    assert not completed.exclude(status=Phase.Status.DONE).exists()
    assert Acceptance.objects.filter(plan__contract__status=Contract.Status.COMPLETED).count() == (
        plans.filter(contract__status=Contract.Status.COMPLETED).count()
    )
    owners = Assignment.objects.filter(kind=Assignment.Kind.OWNER)
    assert owners.count() == 20 and owners.values("contract").distinct().count() == 20

    assert "Volume delivery" not in run(append=True, contracts=50, delivery_plans=20)
    assert Plan.objects.count() == 20

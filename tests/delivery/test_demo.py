"""The demo delivery (seed_demo): a lead, a completed plan after a passed acceptance, one in
delivery with a late phase and an approved change, a failed acceptance, a contract waiting to
be assigned; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from contracts.models import Contract
from delivery import demo
from delivery.models import Acceptance, ChangeRequest, DeliveryLead, Phase, Plan
from tests.factories.contracts import default_steps
from tests.factories.opportunities import default_stages

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_grows_delivery_once():
    default_stages(), default_steps()  # seeded by migrations; a transactional test flushes them
    first = run()
    counts = (Plan.objects.count(), Phase.objects.count(), Acceptance.objects.count())
    run()
    assert (Plan.objects.count(), Phase.objects.count(), Acceptance.objects.count()) == counts
    assert "delivery: 4 contracts" in first
    assert DeliveryLead.objects.filter(user__username="delivery").exists()
    contracts = {c.title: c for c in Contract.objects.filter(title__in=demo.TITLES)}
    done, going, failed, waiting = (contracts[title] for title in demo.TITLES)
    assert done.status == Contract.Status.COMPLETED
    assert going.status == failed.status == Contract.Status.IN_DELIVERY
    assert waiting.status == Contract.Status.SIGNED
    assert not waiting.delivery_assignments.exists()
    assert any(p.is_late for p in Phase.objects.filter(plan__contract=going))
    assert ChangeRequest.objects.get(plan__contract=going).is_approved
    assert Acceptance.objects.get(plan__contract=failed).is_fail
    assert Acceptance.objects.get(plan__contract=done).is_pass

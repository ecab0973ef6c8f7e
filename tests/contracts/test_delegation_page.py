"""The delegation page: an approver names a delegate for a date range; the delegate then
decides the approver's step and the decision records both names."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import ApprovalDecision, Delegation
from contracts.services import approval
from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("contracts:delegations")


def _day(offset):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("legal", 200),
        ("general_manager", 200),
        ("director", 200),
        ("rep", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_may_delegate(request, client, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == status
    response = client.post(PAGE, {"delegate": 1, "starts_on": _day(0), "ends_on": _day(3)})
    assert response.status_code in ((302, 200) if status == 200 else (status,))


def test_a_delegate_decides_and_the_decision_records_both_names(
    client, rep, manager, other_rep, contract
):
    client.force_login(manager)
    response = client.post(
        PAGE, {"delegate": other_rep.pk, "starts_on": _day(0), "ends_on": _day(5)}
    )
    assert response.status_code == 302
    assert Delegation.objects.get().delegate == other_rep
    page = client.get(PAGE).content.decode()
    assert other_rep.display_name in page
    approval.contract_submit(contract=contract, by=rep)
    client.force_login(other_rep)
    client.post(
        reverse("contracts:contract-decide", args=[contract.pk]),
        {"action": "approve", "round": 1, "version": contract.version},
    )
    decision = ApprovalDecision.objects.get()
    assert (decision.by, decision.on_behalf_of) == (other_rep, manager)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"delegate": "self", "starts_on": _day(0), "ends_on": _day(2)}, "delegate", ""),
        ({"delegate": "rep", "starts_on": _day(3), "ends_on": _day(1)}, "ends_on", "before"),
        ({"delegate": "rep", "starts_on": _day(-9), "ends_on": _day(-2)}, "ends_on", "over"),
        ({"delegate": "rep", "starts_on": "", "ends_on": _day(2)}, "starts_on", "required"),
        ({"delegate": "999999", "starts_on": _day(0), "ends_on": _day(2)}, "delegate", ""),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, manager, rep, data, field, message):
    data = dict(data)
    data["delegate"] = {"self": manager.pk, "rep": rep.pk}.get(data["delegate"], data["delegate"])
    client.force_login(manager)
    response = client.post(PAGE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Delegation.objects.exists()


def test_the_inbox_links_to_the_page_for_approvers(client, manager):
    client.force_login(manager)
    assert (
        'id="delegations-link"' in client.get(reverse("contracts:approval-inbox")).content.decode()
    )


def test_the_page_runs_the_same_queries_with_1_and_many_delegations(
    client, manager, rep, other_rep
):
    DelegationFactory(approver=manager, delegate=rep)
    client.force_login(manager)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for _ in range(5):
        DelegationFactory(approver=manager, delegate=other_rep)
        DelegationFactory(approver=other_rep, delegate=manager)
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(one.captured_queries) == len(many.captured_queries)

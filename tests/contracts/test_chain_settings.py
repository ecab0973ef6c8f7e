"""The approval chain settings: only admins edit the ordered steps; every row is saved in one
transaction or none; a round in progress keeps its steps."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import ApprovalStep
from contracts.services import approval

pytestmark = pytest.mark.django_db

PAGE = reverse("contracts:chain-settings")


def _post_data(steps, extra=None, **changes):
    """The formset's POST: each step as it is, with `changes` {index: {field: value}}, and
    `extra` (a new row) or an empty extra row."""
    rows = []
    for step in steps:
        rows.append(
            {
                "id": step.pk,
                "order": step.order,
                "role": step.role,
                "name": step.name,
                "min_amount": step.min_amount or "",
                "min_discount_percent": step.min_discount_percent or "",
                "min_credit_days": step.min_credit_days or "",
                "is_active": "on" if step.is_active else "",
            }
        )
    for index, fields in changes.items():
        rows[int(index.removeprefix("s"))].update(fields)
    rows.append(extra or {"is_active": "on"})  # the empty row as a browser posts it
    data = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(steps),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for n, row in enumerate(rows):
        for field, value in row.items():
            if field == "is_active" and not value:
                continue
            data[f"form-{n}-{field}"] = value
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin_user", 200),
        ("director", 403),
        ("general_manager", 403),
        ("manager", 403),
        ("legal", 403),
        ("rep", 403),
    ],
)
def test_only_admins_edit_the_chain(request, client, steps, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == status
    chain = list(ApprovalStep.objects.order_by("order"))
    response = client.post(PAGE, _post_data(chain, s2={"min_amount": "500000"}))
    assert response.status_code == (302 if status == 200 else status)
    expected = Decimal("500000") if status == 200 else None
    assert ApprovalStep.objects.get(role="general_manager").min_amount == expected


def test_an_admin_adds_a_step_with_a_condition_and_reorders(client, admin_user, steps):
    client.force_login(admin_user)
    chain = list(ApprovalStep.objects.order_by("order"))
    new = {
        "order": 25,
        "role": "director",
        "name": "销售总监审批",
        "min_discount_percent": "15",
        "is_active": "on",
    }
    response = client.post(PAGE, _post_data(chain, extra=new, s0={"order": 5}))
    assert response.status_code == 302
    assert [(s.order, s.role) for s in ApprovalStep.objects.order_by("order")] == [
        (5, "sales_manager"),
        (20, "legal"),
        (25, "director"),
        (30, "general_manager"),
    ]
    assert ApprovalStep.objects.get(role="director").min_discount_percent == Decimal("15")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"s0": {"is_active": ""}, "s1": {"is_active": ""}, "s2": {"is_active": ""}},
            "at least one",
        ),
        ({"s1": {"order": 10}}, "same order"),
        ({"s1": {"min_discount_percent": "120"}}, "at most 100"),
        ({"s1": {"min_amount": "-5"}}, "cannot be negative"),
        ({"s1": {"role": "delivery"}}, "delivery"),
        ({"s1": {"name": ""}}, "required"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, admin_user, steps, changes, message):
    client.force_login(admin_user)
    chain = list(ApprovalStep.objects.order_by("order"))
    before = list(ApprovalStep.objects.order_by("pk").values())
    response = client.post(PAGE, _post_data(chain, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(ApprovalStep.objects.order_by("pk").values()) == before


def test_a_round_in_progress_keeps_its_steps(client, admin_user, rep, manager, steps, contract):
    approval.contract_submit(contract=contract, by=rep)
    client.force_login(admin_user)
    chain = list(ApprovalStep.objects.order_by("order"))
    client.post(PAGE, _post_data(chain, s1={"is_active": ""}))
    assert not ApprovalStep.objects.get(role="legal").is_active
    round_ = contract.rounds.get()
    assert len(round_.step_ids) == 3


def test_the_page_runs_the_same_queries_with_3_and_8_steps(client, admin_user, steps):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(5):
        ApprovalStep.objects.create(order=100 + n, role="director", name=f"附加 {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(few.captured_queries) == len(many.captured_queries)

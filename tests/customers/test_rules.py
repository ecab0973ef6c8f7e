"""Each rule of customers/validation.py as a table: the form, the service and, where the rule
applies, the Excel import refuse the same inputs with a clear message, and nothing changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from customers import selectors, services
from customers.forms import (
    CustomerBulkForm,
    CustomerForm,
    FollowUpForm,
    HandoverForm,
    NeedsSurveyForm,
    QuickLogForm,
    ShareForm,
)
from customers.models import Customer, CustomerShare, FollowUp, Industry, NeedsSurvey
from teams.models import Role
from tests.customers.helpers import edit_payload, good_row, payload, xlsx
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("customers:customer-import")


def import_problems(client, user, **cells):
    """The problems the import page lists for one row with `cells` typed over a good row."""
    Industry.objects.get_or_create(name="制造业")
    client.force_login(user)
    response = client.post(IMPORT_URL, {"file": xlsx([good_row(1, **cells)])})
    if response.status_code == 302:  # imported
        return {}
    return {p.column.split(" · ")[-1]: p.message for p in response.context["problems"]}


def refused(action):
    """The message of the CustomerError (or PermissionDenied) `action` raises."""
    with pytest.raises((services.CustomerError, PermissionDenied)) as caught:
        action()
    return str(caught.value)


# --- the unified social credit code -----------------------------------------------------------

CODE_MESSAGE = "A unified social credit code is 18 characters"
BAD_CODES = [
    "91330100MA2B3C",  # too short
    "91330100MA2B3C4D5!",  # not a letter or digit
    "91330100MA2B3C4D5Z",  # Z is never used (GB 32100); the form let it in before
    "9133AB00MA2B3C4D5E",  # the administrative division is six digits
]


@pytest.mark.parametrize("code", BAD_CODES)
def test_a_bad_credit_code_is_refused_by_the_form_the_service_and_the_import(client, rep, code):
    form = CustomerForm(data=payload(credit_code=code), user=rep)
    assert not form.is_valid() and CODE_MESSAGE in form.errors["credit_code"][0]
    fields = {"name": "绕过表单有限公司", "credit_code": code}
    assert CODE_MESSAGE in refused(lambda: services.customer_create(by=rep, **fields))
    assert CODE_MESSAGE in import_problems(client, rep, 统一社会信用代码=code)["统一社会信用代码"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("typed", ["91330100ma2b3c4d5e", "９１３３０１００ＭＡ２Ｂ３Ｃ４Ｄ５Ｅ"])
def test_a_good_credit_code_is_stored_the_same_way_everywhere(rep, typed):
    form = CustomerForm(data=payload(credit_code=typed), user=rep)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == "91330100MA2B3C4D5E"
    customer = services.customer_create(by=rep, name="直接调用有限公司", credit_code=typed)
    assert customer.credit_code == "91330100MA2B3C4D5E"


def test_a_code_stored_under_the_older_rule_stays_editable(rep):
    customer = CustomerFactory(owner=rep, credit_code="91320200MA1XYZ1234")
    form = CustomerForm(data=edit_payload(customer, notes="改过"), instance=customer, user=rep)
    assert form.is_valid(), form.errors
    services.customer_update(
        by=rep, customer=customer, notes="改过", credit_code="91320200MA1XYZ1234"
    )
    bad = edit_payload(customer, credit_code="91320200MA1XYZ1235")
    assert "credit_code" in CustomerForm(data=bad, instance=customer, user=rep).errors
    assert CODE_MESSAGE in refused(
        lambda: services.customer_update(
            by=rep, customer=customer, credit_code="91320200MA1XYZ1235"
        )
    )
    customer.refresh_from_db()
    assert customer.credit_code == "91320200MA1XYZ1234"


# --- amounts and the budget range ----------------------------------------------------------------

BUDGETS = [
    # (from, to, the field refused, message)
    ("-5", "10", "budget_min", "A budget cannot be negative."),
    ("5", "-1", "budget_max", "A budget cannot be negative."),
    ("50", "10", "budget_max", "The upper end cannot be below the lower end."),
]


@pytest.mark.parametrize(("low", "high", "field", "message"), BUDGETS)
def test_a_bad_budget_is_refused_by_every_form_and_service(rep, low, high, field, message):
    customer = CustomerFactory(owner=rep, budget_min=None, budget_max=None)
    budget = {"budget_min": low, "budget_max": high}
    amounts = {name: Decimal(value) for name, value in budget.items()}

    form = CustomerForm(data=payload(**budget), user=rep)
    assert form.errors[field] == [message]
    edit = CustomerForm(data=edit_payload(customer, **budget), instance=customer, user=rep)
    assert edit.errors[field] == [message]
    survey = NeedsSurveyForm(
        data={"survey_date": "2026-03-02", "surveyor": rep.pk, "respondent": "王总", **budget},
        user=rep,
        customer=customer,
    )
    assert survey.errors[field] == [message]

    assert refused(lambda: services.customer_create(by=rep, name="新客户", **amounts)) == message
    assert (
        refused(lambda: services.customer_update(by=rep, customer=customer, **amounts)) == message
    )
    assert (
        refused(
            lambda: services.needs_survey_create(
                by=rep, customer=customer, needs=[("扫码枪", "must")], respondent="王总", **amounts
            )
        )
        == message
    )
    customer.refresh_from_db()
    assert customer.budget_min is None and customer.budget_max is None
    assert Customer.objects.count() == 1 and not NeedsSurvey.objects.exists()


def test_the_import_refuses_a_budget_range_upside_down_with_the_same_message(client, rep):
    found = import_problems(client, rep, **{"预算下限(万元)": 50, "预算上限(万元)": 10})
    assert found["预算上限(万元)"] == "The upper end cannot be below the lower end."
    assert "预算上限(万元)" in import_problems(client, rep, **{"预算上限(万元)": -1})
    assert not Customer.objects.exists()


def test_a_negative_annual_estimate_is_refused_by_the_form_and_the_service(rep):
    form = CustomerForm(data=payload(annual_purchase_estimate="-1"), user=rep)
    assert form.errors["annual_purchase_estimate"] == ["Amounts cannot be negative."]
    assert (
        refused(
            lambda: services.customer_create(
                by=rep, name="新客户", annual_purchase_estimate=Decimal("-1")
            )
        )
        == "Amounts cannot be negative."
    )
    assert not Customer.objects.exists()


# --- who may own a customer --------------------------------------------------------------------


@pytest.fixture
def people(org, rep, manager, other_rep, director, admin_user):
    return {
        "rep": rep,
        "manager": manager,
        "other_rep": other_rep,
        "director": director,
        "admin": admin_user,
        "rep2": UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"]),
        "gone": UserFactory(
            username="gone", role=Role.SALES_REP, team=org["team_a"], is_active=False
        ),
        "lawyer": UserFactory(username="lawyer", role=Role.LEGAL, team=org["team_a"]),
    }


OWNERS = [
    # (who acts, whom they name, the message, or None when allowed)
    ("rep", "rep", None),
    ("rep", "rep2", "Choose an active sales colleague in your teams."),
    ("manager", "rep2", None),
    ("manager", "manager", None),
    ("manager", "other_rep", "Choose an active sales colleague in your teams."),
    ("manager", "gone", "{name} is deactivated and cannot receive customers."),
    ("manager", "lawyer", "{name} does not work with customers and cannot receive them."),
    ("director", "other_rep", None),
    ("admin", "rep2", None),
    ("admin", "admin", "{name} does not work with customers and cannot receive them."),
]


@pytest.mark.parametrize(("actor", "named", "message"), OWNERS)
def test_who_may_own_a_customer_is_one_rule_everywhere(client, people, actor, named, message):
    by, owner = people[actor], people[named]
    message = message and message.format(name=owner)
    mine = CustomerFactory(owner=people["rep2"] if actor != "rep" else by, name="已有客户")

    assert (owner in selectors.owner_choices(by)) is (message is None)

    def form_refuses(form, field):
        return not form.is_valid() and field in form.errors

    if by.has_perm("customers.manage_customers"):
        create = CustomerForm(data=payload(owner=owner.pk), user=by)
        assert form_refuses(create, "owner") is (message is not None)
        bulk = CustomerBulkForm(
            data={"action": "reassign", "ids": [mine.pk], "to_user": owner.pk}, user=by
        )
        assert form_refuses(bulk, "to_user") is (message is not None)

    fields = {"name": "新建客户有限公司"}
    if message is None:
        assert services.customer_create(by=by, owner=owner, **fields).owner == owner
        return
    assert message in refused(lambda: services.customer_create(by=by, owner=owner, **fields))
    if by.has_perm("customers.manage_customers"):
        assert message in refused(
            lambda: services.customers_bulk_reassign(by=by, customers=[mine], to_user=owner)
        )
        assert message in refused(
            lambda: services.customer_update(by=by, customer=mine, owner=owner)
        )
        assert message in refused(
            lambda: services.customers_handover(by=by, from_user=mine.owner, to_user=owner)
        )
        handover = HandoverForm(
            data={"customers": [mine.pk], "to_user": owner.pk}, user=by, from_user=mine.owner
        )
        assert form_refuses(handover, "to_user")
    found = import_problems(client, by, **{"负责人(用户名)": owner.username})
    assert "负责人(用户名)" in found
    assert list(Customer.objects.values_list("name", "owner")) == [("已有客户", mine.owner_id)]


def test_an_import_without_an_owner_column_names_the_importer_only_if_they_may_own(client, people):
    found = import_problems(client, people["admin"])
    assert found["负责人(用户名)"] == "Name the owner: you do not own customers yourself."
    assert not Customer.objects.exists()
    assert import_problems(client, people["rep"]) == {}
    assert Customer.objects.get().owner == people["rep"]


# --- who a customer may be shared with ---------------------------------------------------------

COLLEAGUES = [
    ("rep2", None),
    ("other_rep", None),  # a colleague in another team often helps
    ("manager", None),
    ("rep", "{name} owns this customer already."),
    ("director", "{name} is not an active sales colleague and cannot be added."),
    ("gone", "{name} is not an active sales colleague and cannot be added."),
    ("lawyer", "{name} is not an active sales colleague and cannot be added."),
]


@pytest.mark.parametrize(("named", "message"), COLLEAGUES)
def test_who_a_customer_may_be_shared_with_is_one_rule(people, named, message):
    rep, colleague = people["rep"], people[named]
    message = message and message.format(name=colleague)
    customer = CustomerFactory(owner=rep)
    form = ShareForm(data={"user": colleague.pk, "access": "edit"}, user=rep, customer=customer)
    assert form.is_valid() is (message is None)
    assert (colleague in selectors.colleague_choices(customer)) is (message is None)
    if message is None:
        services.customer_share(by=rep, customer=customer, user=colleague, can_edit=True)
        assert customer.shares.get().user == colleague
        return
    assert (
        refused(lambda: services.customer_share(by=rep, customer=customer, user=colleague))
        == message
    )
    assert not CustomerShare.objects.exists()


# --- follow-ups: when, and where ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [(timedelta(minutes=-1), True), (timedelta(minutes=1), False), (timedelta(hours=2), False)],
)
def test_a_follow_up_is_never_dated_in_the_future(rep, offset, allowed):
    customer = CustomerFactory(owner=rep)
    when = timezone.localtime() + offset
    form = FollowUpForm(
        data={
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "method": FollowUp.Method.PHONE,
            "summary": "电话沟通",
        },
        user=rep,
        customer=customer,
    )
    # The form reads minutes: a minute ahead is still ahead once the seconds are cut.
    assert form.is_valid() is allowed
    log = {"by": rep, "customer": customer, "method": FollowUp.Method.PHONE, "summary": "电话"}
    if allowed:
        assert services.followup_log(occurred_at=when, **log).occurred_at == when
        return
    assert "A follow-up cannot be in the future." in form.errors["occurred_at"]
    message = refused(lambda: services.followup_log(occurred_at=when, **log))
    assert message == "A follow-up cannot be in the future."
    assert not FollowUp.objects.exists()


CHECK_INS = [
    # (latitude, longitude, accuracy in m, message or None)
    ("31.2", "121.4", "35", None),
    ("31.2", "121.4", "1000000", None),
    ("31.2", "121.4", "-5", "The check-in accuracy must be between 0 and 1,000,000 m."),
    ("31.2", "121.4", "1000001", "The check-in accuracy must be between 0 and 1,000,000 m."),
    ("91", "121.4", "", "The check-in latitude must be between -90 and 90."),
    ("31.2", "-181", "", "The check-in longitude must be between -180 and 180."),
    ("31.2", "", "", "A check-in needs both latitude and longitude. Check in again."),
]


@pytest.mark.parametrize(("lat", "lon", "accuracy", "message"), CHECK_INS)
def test_a_check_in_is_bounded_the_same_in_the_form_and_the_service(
    rep, lat, lon, accuracy, message
):
    customer = CustomerFactory(owner=rep)
    form = QuickLogForm(
        data={
            "customer": customer.pk,
            "method": FollowUp.Method.VISIT,
            "summary": "拜访",
            "latitude": lat,
            "longitude": lon,
            "location_accuracy": accuracy,
        },
        user=rep,
    )
    assert form.is_valid() is (message is None)

    def decimal(text):
        return Decimal(text) if text else None

    def log():
        return services.followup_log(
            by=rep,
            customer=customer,
            method=FollowUp.Method.VISIT,
            occurred_at=timezone.now(),
            summary="拜访",
            latitude=decimal(lat),
            longitude=decimal(lon),
            location_accuracy=decimal(accuracy),
        )

    if message is None:
        assert log().has_location
        return
    assert message in form.non_field_errors()
    assert refused(log) == message
    assert not FollowUp.objects.exists()


# --- the customer search -----------------------------------------------------------------------

SEARCHES = [
    # (typed, the customers found)
    ("远航", {"远航物流"}),
    ("张伟", {"远航物流"}),
    ("+86 138-0013-8000", {"远航物流"}),
    ("6123 4567", {"华科软件"}),
    ("138", set()),  # three digits are too few to be a phone number anywhere
    ("", set()),
]


@pytest.mark.parametrize(("typed", "expected"), SEARCHES)
def test_the_list_and_the_quick_log_search_alike(client, rep, other_rep, typed, expected):
    mine = CustomerFactory(owner=rep, name="远航物流")
    ContactFactory(customer=mine, name="张伟", phone="13800138000")
    CustomerFactory(owner=rep, name="华科软件", phone="021-6123 4567")
    hidden = CustomerFactory(owner=other_rep, name="远航物流分公司")
    ContactFactory(customer=hidden, name="张伟", phone="13800138000")
    visible = Customer.objects.visible_to(rep)

    direct = {c.name for c in selectors.customer_search(visible, typed)}
    client.force_login(rep)
    picker = client.get(reverse("customers:customer-search"), {"q": typed}).context["results"]
    listed = client.get(reverse("customers:customer-list"), {"q": typed}).context["customers"]
    assert direct == expected
    assert {c.name for c in picker} == expected
    if typed:  # an empty search on the list is no filter at all
        assert {c.name for c in listed} == expected

"""Who reaches which customer page: each role × list, customer page, create, edit, contacts,
follow-ups, tasks, surveys, merge, second check, handover, grading, import and export.

A rep sees what they own and what is shared with them, a manager their team's subtree,
director, general manager and admin everything; legal, delivery and after-sales have no
customer list (403) and no customer page (404) until later issues give them a reason. A record
the user may not see answers 404; an action their role may not take answers 403. What a
colleague a customer is shared with may do is in the topic files (test_customer_edit.py...).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import (
    Contact,
    Customer,
    CustomerShare,
    ExportLog,
    FollowUp,
    GradeProposal,
    GradingSettings,
    NeedsSurvey,
    Tag,
)
from customers.tasks import export_customers_task
from teams.models import Role
from tests.conftest import ROLE_FIXTURES
from tests.customers.helpers import (
    EXPORT_URL,
    GRADING_SETTINGS,
    ask_for_export,
    download,
    edit_payload,
    export,
    full_form,
    good_row,
    payload,
    survey_data,
    xlsx,
)
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    NeedLineFactory,
    NeedsSurveyFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:customer-list")
BULK_URL = reverse("customers:customer-bulk")
CREATE_URL = reverse("customers:customer-create")
HANDOVER_URL = reverse("customers:handover")
IMPORT_URL = reverse("customers:customer-import")
GRADING_SETTINGS_URL = reverse("customers:grading-settings")
GRADE_REVIEW_URL = reverse("customers:grade-review")
EVERYONE = {"rep_own", "shared_with_rep", "teammate_own", "manager_own", "team_b", "other_team"}

SEES = {
    "rep": {"rep_own", "shared_with_rep"},
    "manager": {"rep_own", "teammate_own", "manager_own"},
    "general_manager": EVERYONE,
    "director": EVERYONE,
    "admin_user": EVERYONE,
    "legal": set(),
    "delivery": set(),
    "aftersales": set(),
}
NO_CUSTOMER_LIST = {"legal", "delivery", "aftersales"}
MANAGES = {"manager", "general_manager", "director", "admin_user"}


def detail_url(customer):
    return reverse("customers:customer-detail", args=[customer.pk])


def update_url(customer):
    return reverse("customers:customer-update", args=[customer.pk])


def merge_confirm_url(keep, merge):
    return reverse("customers:customer-merge-confirm", args=[keep.pk, merge.pk])


def second_check_confirm_url(customer):
    return reverse("customers:customer-second-check-confirm", args=[customer.pk])


@pytest.fixture
def customer(rep):
    """A rep's customer: the record the pages below are about."""
    return CustomerFactory(owner=rep, name="宁波海川电子有限公司", budget_min=None, budget_max=None)


@pytest.fixture
def rep2(org):
    """A second rep in the manager's team."""
    return UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"])


# --- the list, the customer page and the bulk actions -----------------------------------------


@pytest.fixture
def world(org, rep, other_rep, manager):
    """One customer per place in the team tree, named after whose it is."""
    teammate = UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])
    team_b_rep = UserFactory(username="team_b_rep", role=Role.SALES_REP, team=org["team_b"])
    customers = {
        "rep_own": CustomerFactory(name="rep_own", owner=rep),
        "shared_with_rep": CustomerFactory(name="shared_with_rep", owner=other_rep),
        "teammate_own": CustomerFactory(name="teammate_own", owner=teammate),
        "manager_own": CustomerFactory(name="manager_own", owner=manager),
        "team_b": CustomerFactory(name="team_b", owner=team_b_rep),
        "other_team": CustomerFactory(name="other_team", owner=other_rep),
    }
    CustomerShare.objects.create(customer=customers["shared_with_rep"], user=rep)
    return customers


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_list_shows_each_role_its_customers(request, client, world, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(LIST_URL, {"o": "name"})
    if role_fixture in NO_CUSTOMER_LIST:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {customer.name for customer in response.context["customers"]} == SEES[role_fixture]
    assert response.context["paginator"].count == len(SEES[role_fixture])
    page = response.content.decode()
    for hidden in EVERYONE - SEES[role_fixture]:
        assert f">{hidden}<" not in page


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_customer_page_answers_404_for_what_the_role_cannot_see(
    request, client, world, role_fixture
):
    client.force_login(request.getfixturevalue(role_fixture))
    for name, customer in world.items():
        response = client.get(detail_url(customer))
        expected = 200 if name in SEES[role_fixture] else 404
        assert response.status_code == expected, (role_fixture, name)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_bulk_endpoint_is_for_managers_and_above(request, client, world, role_fixture):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    client.force_login(request.getfixturevalue(role_fixture))
    target = world["rep_own"]
    response = client.post(BULK_URL, {"action": "tag_add", "ids": [target.pk], "tag": tag.pk})
    if role_fixture in MANAGES:
        assert response.status_code == 302
        assert tag.customers.filter(pk=target.pk).exists()
    else:
        assert response.status_code == 403
        assert not tag.customers.exists()


def test_bulk_endpoint_refuses_the_whole_action_on_a_customer_outside_the_subtree(
    client, world, manager, rep
):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    client.force_login(manager)
    ids = [world["rep_own"].pk, world["other_team"].pk]
    for data in (
        {"action": "tag_add", "ids": ids, "tag": tag.pk},
        {"action": "reassign", "ids": ids, "to_user": manager.pk},
    ):
        client.post(BULK_URL, data)
    page = client.get(LIST_URL).content.decode()
    assert "not yours to change; nothing was changed" in page
    assert not tag.customers.exists()
    assert set(Customer.objects.filter(owner=manager).values_list("name", flat=True)) == {
        "manager_own"
    }


def test_services_refuse_reps_and_customers_outside_the_subtree(world, rep, manager):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_tag(by=rep, customers=[world["rep_own"]], tag=tag, add=True)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(by=rep, customers=[world["rep_own"]], to_user=rep)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_tag(
            by=manager, customers=[world["rep_own"], world["team_b"]], tag=tag, add=True
        )
    assert not tag.customers.exists()


def test_a_customer_merely_shared_with_a_manager_is_not_theirs_to_reassign(
    world, manager, other_rep
):
    shared = world["other_team"]
    CustomerShare.objects.create(customer=shared, user=manager, can_edit=True)
    assert Customer.objects.visible_to(manager).filter(pk=shared.pk).exists()
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(by=manager, customers=[shared], to_user=manager)
    shared.refresh_from_db()
    assert shared.owner == other_rep


def test_owner_dropdowns_list_only_colleagues_in_scope(client, world, manager):
    client.force_login(manager)
    response = client.get(LIST_URL)
    outsiders = {world["other_team"].owner.pk, world["team_b"].owner.pk}
    # The bulk bar searches (customers:people-search) among the same scope.
    bulk_choices = set(
        response.context["bulk_form"].fields["to_user"].queryset.values_list("pk", flat=True)
    )
    # So does the owner filter (search as you type, no list of users).
    filter_choices = set(
        response.context["filter"].form.fields["owner"].queryset.values_list("pk", flat=True)
    )
    assert manager.pk in bulk_choices and manager.pk in filter_choices
    assert outsiders.isdisjoint(bulk_choices | filter_choices)
    # ...and the filter validates against the same scope: an outsider's id shows nothing of
    # theirs.
    outsider = world["other_team"].owner
    filtered = client.get(LIST_URL, {"owner": outsider.pk})
    assert all(row.owner_id != outsider.pk for row in filtered.context["object_list"])


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("general_manager", 200),
        ("admin_user", 200),
        ("legal", 404),
        ("delivery", 404),
        ("aftersales", 404),
    ],
)
def test_who_sees_a_reps_customer(request, client, customer, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(detail_url(customer)).status_code == status


def test_another_rep_and_another_teams_manager_get_404(client, customer, other_rep, org):
    client.force_login(other_rep)
    assert client.get(detail_url(customer)).status_code == 404
    south_manager = UserFactory(username="south_mgr", role=Role.SALES_MANAGER, team=org["team_c"])
    client.force_login(south_manager)
    assert client.get(detail_url(customer)).status_code == 404


# --- create and edit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("general_manager", 403),
        ("legal", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_may_create(request, client, role_fixture, status):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(CREATE_URL).status_code == status
    # An administrator enters customers for a sales colleague: they own none themselves.
    data = (
        payload(owner=request.getfixturevalue("rep").pk) if user.role == Role.ADMIN else payload()
    )
    assert client.post(CREATE_URL, data).status_code == (302 if status == 200 else 403)


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("general_manager", 403),
        ("legal", 404),
        ("delivery", 404),
        ("other_rep", 404),
    ],
)
def test_who_may_edit(request, client, customer, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(update_url(customer)).status_code == status
    response = client.post(update_url(customer), edit_payload(customer, name="改名"))
    assert response.status_code == (302 if status == 200 else status)
    customer.refresh_from_db()
    assert (customer.name == "改名") == (status == 200)


# --- contacts ---------------------------------------------------------------------------------


def test_another_reps_contacts_answer_404(client, customer, other_rep):
    contact = ContactFactory(customer=customer)
    client.force_login(other_rep)
    assert client.get(reverse("customers:contact-create", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:contact-update", args=[contact.pk])).status_code == 404
    assert client.post(reverse("customers:contact-delete", args=[contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_legal_gets_404_on_contacts(client, customer, legal):
    contact = ContactFactory(customer=customer)
    client.force_login(legal)
    assert client.get(reverse("customers:contact-update", args=[contact.pk])).status_code == 404


# --- follow-ups, quick log and tasks ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("other_rep", 404),
        ("legal", 404),
        ("delivery", 404),
        ("aftersales", 404),
    ],
)
def test_who_opens_the_followup_form(request, client, customer, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    url = reverse("customers:followup-create", args=[customer.pk])
    assert client.get(url).status_code == status
    assert client.post(url, full_form()).status_code in {status, 302}
    assert FollowUp.objects.exists() == (status == 200)


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("legal", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_opens_quick_log_and_search(request, client, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("customers:quick-log")).status_code == status
    assert client.get(reverse("customers:customer-search"), {"q": "客户"}).status_code == status


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [("other_rep", 404), ("legal", 404), ("delivery", 404), ("aftersales", 404)],
)
def test_nobody_else_can_mark_a_task_done(request, client, customer, role_fixture, status):
    task = TaskFactory(customer=customer, title="发送报价单")
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.post(reverse("customers:task-complete", args=[task.pk]))
    assert response.status_code == status
    task.refresh_from_db()
    assert task.done_at is None


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [("other_rep", 404), ("legal", 404), ("delivery", 404), ("aftersales", 404)],
)
def test_nobody_else_can_undo_a_task_done(request, client, customer, role_fixture, status):
    task = TaskFactory(customer=customer, title="发送报价单", done_at=timezone.now())
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.post(reverse("customers:task-reopen", args=[task.pk]))
    assert response.status_code == status
    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("other_rep", 404),
        ("legal", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_reads_a_customers_contacts_in_the_quick_log(
    request, client, customer, role_fixture, status
):
    client.force_login(request.getfixturevalue(role_fixture))
    url = reverse("customers:quick-log-contacts")
    assert client.get(url, {"customer": customer.pk}).status_code == status


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [("rep", 200), ("manager", 200), ("legal", 403), ("delivery", 403), ("aftersales", 403)],
)
def test_who_adds_a_task_by_hand(request, client, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("customers:task-create")).status_code == status


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [("rep", 200), ("manager", 200), ("legal", 403), ("delivery", 403), ("aftersales", 403)],
)
def test_who_opens_my_tasks(request, client, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("customers:task-list")).status_code == status


# --- needs surveys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("other_rep", 404),
        ("legal", 404),
        ("delivery", 404),
        ("aftersales", 404),
    ],
)
def test_who_reaches_the_survey_pages(request, client, customer, role_fixture, status):
    survey = NeedsSurveyFactory(customer=customer)
    NeedLineFactory(survey=survey)
    viewer = request.getfixturevalue(role_fixture)
    client.force_login(viewer)
    create = reverse("customers:survey-create", args=[customer.pk])
    assert client.get(create).status_code == status
    assert client.get(reverse("customers:survey-detail", args=[survey.pk])).status_code == status
    response = client.post(create, survey_data(surveyor=viewer))
    assert response.status_code == (302 if status == 200 else status)
    assert NeedsSurvey.objects.count() == (2 if status == 200 else 1)


@pytest.mark.parametrize(("role_fixture", "status"), [("legal", 403), ("delivery", 403)])
def test_add_line_endpoint_is_for_sales_roles(request, client, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("customers:survey-need-line")).status_code == status


# --- merge ------------------------------------------------------------------------------------


@pytest.fixture
def pair(rep, rep2):
    """Two customers of the same team that look like one company."""
    keep = CustomerFactory(owner=rep, name="无锡启明科技有限公司", address="", credit_code="")
    merge = CustomerFactory(
        owner=rep2,
        name="无锡启明科技",
        address="无锡市新吴区1号",
        credit_code="91320200MA1XYZ1234",
        budget_min=Decimal("10"),
        budget_max=Decimal("30"),
    )
    return keep, merge


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 403),
        ("general_manager", 403),
        ("legal", 404),
        ("delivery", 404),
        ("other_rep", 404),
        ("director", 200),
        ("admin_user", 200),
    ],
)
def test_who_may_merge(request, client, pair, role_fixture, status):
    keep, merge = pair
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("customers:customer-merge", args=[keep.pk])).status_code == status
    assert client.get(merge_confirm_url(keep, merge)).status_code == status
    response = client.post(merge_confirm_url(keep, merge), {"confirm": "on"})
    assert response.status_code == (302 if status == 200 else status)
    assert Customer.objects.filter(pk=merge.pk).exists() == (status != 200)


# --- the second check of A customers (二次核对) -------------------------------------------------


@pytest.fixture
def pending(rep):
    """A customer the rep made A (through the service, as the form does)."""
    customer = CustomerFactory(owner=rep)
    return services.customer_update(
        by=rep, customer=customer, annual_purchase_estimate=Decimal("200")
    )


def test_a_rep_gets_403_on_the_second_check(client, rep, pending):
    client.force_login(rep)
    assert client.post(second_check_confirm_url(pending)).status_code == 403
    pending.refresh_from_db()
    assert pending.second_check == Customer.SecondCheck.PENDING


@pytest.mark.parametrize("role_fixture", ["legal", "delivery", "other_rep"])
def test_those_who_do_not_see_it_get_404_on_the_second_check(
    request, client, pending, role_fixture
):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.post(second_check_confirm_url(pending)).status_code == 404


def test_another_teams_manager_gets_404_on_the_second_check(client, pending, org):
    south = UserFactory(username="south_manager", role=Role.SALES_MANAGER, team=org["team_c"])
    client.force_login(south)
    assert client.post(second_check_confirm_url(pending)).status_code == 404
    pending.refresh_from_db()
    assert pending.second_check == Customer.SecondCheck.PENDING


# --- handover (客户交接) ------------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["rep", "legal", "delivery", "aftersales"])
def test_handover_page_is_for_managers_and_admins(request, client, role_fixture, rep, rep2):
    book = CustomerFactory.create_batch(3, owner=rep)
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(HANDOVER_URL).status_code == 403
    data = {"from": rep.pk, "to_user": rep2.pk, "customers": [c.pk for c in book]}
    assert client.post(HANDOVER_URL, data).status_code == 403
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"rep"}


@pytest.mark.parametrize("role_fixture", ["manager", "director", "general_manager", "admin_user"])
def test_managers_and_above_reach_the_handover_page(request, client, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(HANDOVER_URL).status_code == 200


# --- grading: the admin's settings and the quarterly review -----------------------------------


@pytest.mark.parametrize("role_fixture", [r for r in ROLE_FIXTURES if r != "admin_user"])
def test_only_admins_reach_the_grading_settings(request, client, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(GRADING_SETTINGS_URL).status_code == 403
    response = client.post(GRADING_SETTINGS_URL, {**GRADING_SETTINGS, "a_threshold": "500"})
    assert response.status_code == 403
    assert GradingSettings.load().a_threshold == Decimal(100)


@pytest.fixture
def proposal(rep):
    """A pending proposal to move a rep's C customer, buying 150 a year, up to A."""
    customer = CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=Decimal("150"))
    services.grade_review_propose(as_of=date(2026, 3, 31))
    return GradeProposal.objects.get(customer=customer)


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 403),
        ("legal", 403),
        ("general_manager", 403),
        ("delivery", 403),
        ("aftersales", 403),
        ("admin_user", 403),
        ("manager", 200),
        ("director", 200),
    ],
)
def test_who_reviews_grades(request, client, role_fixture, status, proposal):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(GRADE_REVIEW_URL).status_code == status
    response = client.post(GRADE_REVIEW_URL, {"decision": "confirm", "proposals": [proposal.pk]})
    if status == 403:
        assert response.status_code == 403
        assert GradeProposal.objects.get(pk=proposal.pk).status == "pending"


# --- Excel import and export ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("general_manager", 403),
        ("legal", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_may_import(request, client, role_fixture, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(IMPORT_URL).status_code == status
    assert client.get(reverse("customers:import-template")).status_code == status
    if status == 403:
        assert client.post(IMPORT_URL, {"file": xlsx([good_row(1)])}).status_code == 403
        assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("role_fixture", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("general_manager", 200),
        ("admin_user", 200),
        ("legal", 403),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_may_export(request, client, role_fixture, status):
    CustomerFactory()
    response = export(client, request.getfixturevalue(role_fixture))
    assert response.status_code == status
    assert ExportLog.objects.count() == (1 if status == 200 else 0)


def test_anonymous_export_is_sent_to_login(client):
    response = client.post(EXPORT_URL)
    assert response.status_code == 302
    assert ExportLog.objects.count() == 0


def test_nobody_else_sees_or_downloads_an_export(
    client, settings, rep, manager, director, admin_user
):
    settings.CUSTOMER_EXPORT_DIRECT_ROWS = 2  # three rows are queued
    CustomerFactory.create_batch(3, owner=rep)
    ask_for_export(client, rep)
    log = ExportLog.objects.get()
    export_customers_task(log.pk)
    for other in (manager, director, admin_user):
        client.force_login(other)
        assert client.get(reverse("customers:export-detail", args=[log.pk])).status_code == 404
        assert download(client, log).status_code == 404
        mine = client.get(reverse("customers:export-list")).content
        assert reverse("customers:export-detail", args=[log.pk]).encode() not in mine


@pytest.mark.parametrize("role_fixture", ["delivery", "aftersales"])
def test_roles_that_export_no_list_have_no_export_pages(request, client, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(reverse("customers:export-list")).status_code == 403
    log = ExportLog.objects.create(user=user, status="done")
    assert client.get(reverse("customers:export-detail", args=[log.pk])).status_code == 403


def test_legal_exports_receivables_only_and_so_has_its_export_pages(client, legal):
    """Legal works with no customer list but with the receivables of the contracts it sees."""
    client.force_login(legal)
    assert client.post(reverse("customers:customer-export")).status_code == 403
    assert client.get(reverse("customers:export-list")).status_code == 200
    log = ExportLog.objects.create(user=legal, status="done", kind="receivables")
    assert client.get(reverse("customers:export-detail", args=[log.pk])).status_code == 200

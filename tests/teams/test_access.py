"""Roles × capabilities as data (teams.access): the built-in roles do exactly what the old role
groupings let them do, every capability's guard reads the table, and a change applies on the
next request."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Contract
from crm_site import hooks
from opportunities.models import Quote
from teams import access, roles, services
from teams.models import RoleChange, RoleGrant, RoleRecord, User
from teams.roles import Role
from tests.factories import UserFactory
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db

# What each capability's check was before the table, spelled as the old code spelled it (the
# role groupings the predicates asked `has_role` about).
OLD_CHECKS = {
    "customers.view": roles.SALES_ROLES,
    "customers.create": roles.CREATES_CUSTOMERS,
    "customers.export": roles.SALES_ROLES,  # the export was open to whoever had the list
    "customers.edit_all": roles.EDITS_ALL,
    "customers.manage": roles.MANAGING_ROLES,
    "customers.check_grades": roles.CHECKS_GRADES,
    "customers.settings": roles.ADMIN_ROLES,
    "opportunities.view": roles.SALES_ROLES,
    "opportunities.see_costs": roles.SEES_COSTS,
    "opportunities.approve_discounts": roles.APPROVES_DISCOUNTS,
    "opportunities.commit_forecast": roles.COMMITS_FORECAST,
    "opportunities.manage_catalogue": roles.MANAGES_CATALOGUE,
    "opportunities.settings": roles.ADMIN_ROLES,
    "contracts.view": roles.WORKS_CONTRACTS | roles.SEES_ALL | roles.LEGAL,
    "contracts.cancel": roles.CANCELS_CONTRACTS,
    "delivery.view": roles.DELIVERS | roles.SEES_ALL,
    "delivery.mark_leads": roles.MARKS_DELIVERY_LEADS,
    "aftersales.view": roles.WORKS_AFTERSALES | roles.ADMIN_ROLES,
    "aftersales.assign": roles.ASSIGNS_AFTERSALES,
    "aftersales.set_deadlines": roles.SETS_COMPLAINT_DEADLINES,
    "analytics.view": roles.SEES_ANALYTICS,
    "analytics.scorecards": roles.SEES_ANALYTICS | roles.SELLS,
    "analytics.set_targets": roles.SETS_TARGETS,
    "analytics.set_weights": roles.SETS_SCORECARD_WEIGHTS,
    "analytics.expenses": roles.RECORDS_EXPENSES | roles.SEES_ANALYTICS,
    "analytics.record_expenses": roles.RECORDS_EXPENSES,
    "analytics.approve_expenses": roles.APPROVES_EXPENSES,
    "administration.users": roles.ADMIN_ROLES,
    "administration.teams": roles.ADMIN_ROLES,
    "administration.settings": roles.ADMIN_ROLES,
    "administration.roles": roles.ADMIN_ROLES,
}

ROLE_FIXTURES = {
    Role.SALES_REP: "rep",
    Role.SALES_MANAGER: "manager",
    Role.LEGAL: "legal",
    Role.GENERAL_MANAGER: "general_manager",
    Role.DIRECTOR: "director",
    Role.DELIVERY: "delivery",
    Role.AFTERSALES: "aftersales",
    Role.ADMIN: "admin_user",
}


def test_every_capability_has_its_old_check():
    assert set(access.declared()) == set(OLD_CHECKS)


@pytest.mark.parametrize("role", list(Role))
def test_the_built_in_roles_hold_what_the_old_groupings_gave(role):
    """The migration's equivalence: for every built-in role and every capability, the table
    grants exactly what the old role groupings granted."""
    user = User(role=role, is_active=True)
    for key, old in OLD_CHECKS.items():
        assert access.has_capability(user, key) is (role in old), (role, key)
    assert set(access.table()) >= set(Role.values)
    assert all(access.table()[r].builtin and access.table()[r].base == r for r in Role.values)


# --- the guards ------------------------------------------------------------------------------


def _get(name):
    return lambda client, user, org: client.get(reverse(name)).status_code


def _post(name):
    return lambda client, user, org: client.post(reverse(name)).status_code


def _perm(perm, make=None):
    def check(client, user, org):
        user = User.objects.get(pk=user.pk)  # a fresh object, as a request loads
        return 200 if user.has_perm(perm, make(user, org) if make else None) else 403

    return check


def _customer_elsewhere(user, org):
    other = UserFactory(username="owner_far", role=Role.SALES_REP, team=org["team_c"])
    return CustomerFactory(owner=other)


def _quote_for_director(user, org):
    return SimpleNamespace(
        status=Quote.Status.DIRECTOR_REVIEW,
        Status=Quote.Status,
        opportunity=SimpleNamespace(owner_id=-1),
    )


def _draft_contract_of_a_rep(user, org):
    owner = UserFactory(username="contract_owner", role=Role.SALES_REP, team=org["team_a"])
    return SimpleNamespace(
        TRANSITIONS=Contract.TRANSITIONS,
        status=Contract.Status.DRAFT,
        Status=Contract.Status,
        owner=owner,
    )


# The URL or action each capability guards: the answer is 200 (or a redirect onwards) when the
# role holds the capability, 403 when not. A capability added without a guard here fails.
GUARDS = {
    "customers.view": _get("customers:customer-list"),
    "customers.create": _get("customers:customer-create"),
    "customers.export": _post("customers:customer-export"),
    "customers.edit_all": _perm("customers.edit_customer", _customer_elsewhere),
    "customers.manage": _get("customers:handover"),
    "customers.check_grades": _get("customers:grade-review"),
    "customers.settings": _get("customers:grading-settings"),
    "opportunities.view": _get("opportunities:opportunity-list"),
    "opportunities.see_costs": _perm("opportunities.see_costs"),
    "opportunities.approve_discounts": _perm("opportunities.approve_discount", _quote_for_director),
    "opportunities.commit_forecast": _perm(
        "opportunities.commit_forecast", lambda user, org: org["team_a"]
    ),
    "opportunities.manage_catalogue": _get("opportunities:product-list"),
    "opportunities.settings": _get("opportunities:stage-settings"),
    "contracts.view": _get("contracts:contract-list"),
    "contracts.cancel": _perm("contracts.cancel_contract", _draft_contract_of_a_rep),
    "delivery.view": _perm("delivery.view_delivery"),  # its navbar area
    "delivery.mark_leads": _get("delivery:leads"),
    "aftersales.view": _get("aftersales:customer-list"),
    "aftersales.assign": _get("aftersales:regions"),
    "aftersales.set_deadlines": _get("aftersales:deadlines"),
    "analytics.view": _perm("analytics.see_analytics"),
    "analytics.scorecards": _get("analytics:scorecards"),
    "analytics.set_targets": _perm("analytics.set_targets"),
    "analytics.set_weights": _get("analytics:scorecard-weights"),
    "analytics.expenses": _get("analytics:expense-list"),
    "analytics.record_expenses": _get("analytics:expense-create"),
    "analytics.approve_expenses": _perm("analytics.approve_expenses"),
    "administration.users": _get("teams:user-list"),
    "administration.teams": _get("teams:team-list"),
    "administration.settings": _get("teams:calendar"),
    "administration.roles": _get("teams:role-list"),
}


def allowed(status):
    return status in (200, 302)


def test_every_capability_has_a_guard():
    assert set(GUARDS) == set(access.declared())


@pytest.mark.parametrize("role", list(Role))
def test_each_guard_answers_as_the_table_says(request, role, org):
    """The matrix: every built-in role × every capability."""
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client = Client()
    client.force_login(user)
    held = access.capabilities_of(role)
    answers = {key: guard(client, user, org) for key, guard in GUARDS.items()}
    assert {key for key, status in answers.items() if allowed(status)} == held
    assert {status for key, status in answers.items() if key not in held} <= {403}


@pytest.mark.parametrize("key", sorted(OLD_CHECKS))
def test_taking_a_capability_away_closes_its_guard(request, key, org, admin_user):
    """The guards read the table, not the role: the first built-in role holding `key` loses it
    and its guard closes on the next request."""
    role = next(r for r in Role if key in access.capabilities_of(r))
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    if key == "administration.roles":  # someone must keep it: a copy of the admin role
        source = RoleRecord.objects.get(key=Role.ADMIN)
        keeper = services.role_copy(by=admin_user, source=source, name_zh="备用", name_en="Spare")
        UserFactory(username="spare_admin", role=keeper.key, team=org["company"])
    client = Client()
    client.force_login(user)
    assert allowed(GUARDS[key](client, user, org))
    wanted = {role.value: set(access.capabilities_of(role)) - {key}}
    services.role_grants_save(by=admin_user, wanted=wanted)
    assert GUARDS[key](client, user, org) == 403


# --- the roles page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_open_the_roles_page(request, role):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client = Client()
    client.force_login(user)
    for name in ("teams:role-list", "teams:role-create"):
        status = client.get(reverse(name)).status_code
        assert status == (200 if role == Role.ADMIN else 403)
    assert client.post(reverse("teams:role-list"), {}).status_code in (
        (302,) if role == Role.ADMIN else (403,)
    )


def _page_post(client, wanted):
    data = {
        "roles": list(wanted),
        "grant": [f"{r}:{c}" for r, caps in wanted.items() for c in caps],
    }
    return client.post(reverse("teams:role-list"), data, follow=True)


def _all_grants():
    return {key: set(access.load()[key].capabilities) for key in access.load()}


def test_saving_the_page_records_each_change_and_applies_on_the_next_request(
    client, admin_user, manager
):
    client.force_login(admin_user)
    manager_client = Client()
    manager_client.force_login(manager)
    assert manager_client.get(reverse("customers:handover")).status_code == 200

    wanted = _all_grants()
    wanted[Role.SALES_MANAGER] -= {"customers.manage"}
    wanted[Role.SALES_REP] |= {"opportunities.see_costs"}
    response = _page_post(client, wanted)
    assert response.status_code == 200

    changes = {
        (c.role.key, c.capability, c.granted, c.by_id)
        for c in RoleChange.objects.select_related("role")
    }
    assert changes == {
        (Role.SALES_MANAGER, "customers.manage", False, admin_user.pk),
        (Role.SALES_REP, "opportunities.see_costs", True, admin_user.pk),
    }
    assert manager_client.get(reverse("customers:handover")).status_code == 403

    history = client.get(
        reverse("teams:role-history", args=[RoleRecord.objects.get(key=Role.SALES_MANAGER).pk])
    )
    rows = history.context["rows"]
    assert [(str(r["what"]), r["change"].granted) for r in rows] == [
        ("Bulk actions, merges and handovers", False)
    ]
    assert "granted → not granted" in history.content.decode()


def test_removing_view_removes_what_depends_on_it_with_a_message(client, admin_user):
    client.force_login(admin_user)
    wanted = _all_grants()
    wanted[Role.SALES_REP] -= {"customers.view"}
    response = _page_post(client, wanted)
    held = access.load()[Role.SALES_REP].capabilities
    assert not {"customers.view", "customers.create", "customers.export"} & held
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Create customers" in text and "Export customers" in text


def test_the_last_admin_keeps_the_roles_capability(client, admin_user):
    client.force_login(admin_user)
    wanted = _all_grants()
    wanted[Role.ADMIN] -= {"administration.roles"}
    response = _page_post(client, wanted)
    assert "administration.roles" in access.load()[Role.ADMIN].capabilities
    assert not RoleChange.objects.exists()
    assert "manage roles" in " ".join(str(m) for m in response.context["messages"])


def test_the_last_admin_is_neither_deactivated_nor_given_another_role(admin_user, org):
    root = UserFactory(username="root", role=Role.SALES_REP, is_superuser=True, is_staff=True)
    with pytest.raises(services.TeamsError):
        services.user_update(by=admin_user, user=admin_user, role=Role.SALES_REP)
    with pytest.raises(services.TeamsError):
        services.user_deactivate(by=root, user=admin_user)
    assert User.objects.filter(pk=admin_user.pk, role=Role.ADMIN, is_active=True).exists()
    UserFactory(username="second_admin", role=Role.ADMIN, team=org["company"])
    services.user_deactivate(by=root, user=admin_user)
    assert not User.objects.get(pk=admin_user.pk).is_active


def test_a_capability_of_an_absent_app_cannot_be_granted(admin_user):
    extra = hooks.Capability("plugin.extra", "plugin", "Plugin", "Extra")
    with hooks.register_temporarily(hooks.CAPABILITIES, lambda: [extra]):
        assert "plugin.extra" in access.declared()
    wanted = {Role.SALES_REP.value: set(access.capabilities_of(Role.SALES_REP)) | {"plugin.extra"}}
    with pytest.raises(services.TeamsError):
        services.role_grants_save(by=admin_user, wanted=wanted)
    assert not RoleGrant.objects.filter(capability="plugin.extra").exists()


# --- custom roles ----------------------------------------------------------------------------


def test_a_copied_role_does_what_its_source_does_and_sits_where_it_sits(admin_user, org):
    source = RoleRecord.objects.get(key=Role.SALES_REP)
    role = services.role_copy(by=admin_user, source=source, name_zh="大客户经理", name_en="KAM")
    assert role.base == Role.SALES_REP and not role.builtin
    assert access.capabilities_of(role.key) == access.capabilities_of(Role.SALES_REP)
    kam = UserFactory(username="kam", role=role.key, team=org["team_a"])
    assert roles.has_role(kam, roles.OWNER_ROLES)
    assert kam in User.objects.filter(role__in=access.keys_based_on(roles.OWNER_ROLES))
    with pytest.raises(services.TeamsError):
        services.role_copy(by=admin_user, source=source, name_zh="大客户经理", name_en="Other")
    with pytest.raises(services.TeamsError):
        services.role_set_active(by=admin_user, role=role, active=False)  # kam holds it
    with pytest.raises(services.TeamsError):
        services.role_set_active(by=admin_user, role=source, active=False)  # built-in
    kam.is_active = False
    kam.save()
    services.role_set_active(by=admin_user, role=role, active=False)
    assert not access.table()[role.key].active
    assert role.key not in dict(access.role_choices())
    services.role_rename(by=admin_user, role=role, name_zh="重点客户经理", name_en="Key accounts")
    assert access.role_name(role.key) == "Key accounts"


def test_a_duplicate_name_is_refused_on_the_page(client, admin_user):
    client.force_login(admin_user)
    source = RoleRecord.objects.get(key=Role.SALES_REP)
    response = client.post(
        reverse("teams:role-create"),
        {"source": source.pk, "name_zh": "销售代表", "name_en": "Rep copy"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert RoleRecord.objects.count() == len(Role)


def _queries(client, url):
    connection.queries_log.clear()  # a request resets the log: start it from nothing
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_a_list_page_runs_the_same_queries_for_any_role_table(
    director_client_for_queries, admin_user
):
    """The permission lookup is one cached read: a page's query count does not change with the
    number of roles and grants, and an unchanged table costs no query."""
    client, url = director_client_for_queries
    client.get(url)
    before = _queries(client, url)
    source = RoleRecord.objects.get(key=Role.SALES_REP)
    for n in range(5):
        services.role_copy(by=admin_user, source=source, name_zh=f"角色{n}", name_en=f"Role {n}")
    assert _queries(client, url) == before + 1  # the first request after a change reads it
    assert _queries(client, url) == before


@pytest.fixture
def director_client_for_queries(director):
    client = Client()
    client.force_login(director)
    return client, reverse("customers:customer-list")


def test_a_user_given_a_custom_role_shows_it_on_their_page_and_history(client, admin_user, rep):
    source = RoleRecord.objects.get(key=Role.SALES_REP)
    role = services.role_copy(by=admin_user, source=source, name_zh="大客户经理", name_en="KAM")
    client.force_login(admin_user)
    form = client.get(reverse("teams:user-update", args=[rep.pk])).context["form"]
    assert (role.key, "KAM") in form.fields["role"].choices
    services.user_update(by=admin_user, user=rep, role=role.key)
    response = client.get(reverse("teams:user-detail", args=[rep.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("KAM") >= 2  # the badge and the history's change
    with pytest.raises(services.TeamsError):
        services.user_update(by=admin_user, user=rep, role="no_such_role")


def test_the_demo_has_one_custom_role(admin_user):
    from teams.management.commands.seed_demo import DEMO_ROLE_ZH, Command

    admin_user.is_superuser = True
    admin_user.save()
    Command()._custom_role(admin_user)
    Command()._custom_role(admin_user)  # again: nothing more
    role = RoleRecord.objects.get(name_zh=DEMO_ROLE_ZH)
    assert RoleRecord.objects.filter(builtin=False).count() == 1
    assert access.capabilities_of(role.key) == access.capabilities_of(Role.SALES_REP) | {
        "opportunities.see_costs"
    }


# --- data scope ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "team", "reach"),
    [
        ("", "team_a", "own"),  # as the sales rep it was copied from
        ("own", "team_a", "own"),
        ("subtree", "team_a", "subtree"),
        ("subtree", None, "own"),  # no team: no subtree
        ("all", "team_a", "all"),
    ],
)
def test_a_roles_scope_is_what_the_policy_reads(admin_user, org, scope, team, reach):
    from customers.models import Customer
    from teams import policy

    source = RoleRecord.objects.get(key=Role.SALES_REP)
    role = services.role_copy(by=admin_user, source=source, name_zh="大客户经理", name_en="KAM")
    services.role_set_scope(by=admin_user, role=role, scope=scope)
    kam = UserFactory(username="kam", role=role.key, team=org[team] if team else None)
    near = UserFactory(username="near", role=Role.SALES_REP, team=org["team_a"])
    far = UserFactory(username="far", role=Role.SALES_REP, team=org["team_c"])
    customers = {
        "own": CustomerFactory(owner=kam),
        "near": CustomerFactory(owner=near),
        "far": CustomerFactory(owner=far),
    }
    assert policy.reach(kam).value == reach
    seen = {k for k, c in customers.items() if Customer.objects.visible_to(kam).filter(pk=c.pk)}
    expected = {"own": {"own"}, "subtree": {"own", "near"}, "all": {"own", "near", "far"}}[reach]
    assert seen == expected
    # The reverse: who sees a record of `far` includes the KAM exactly when it reaches it.
    assert User.objects.filter(policy.viewers_q(far), pk=kam.pk).exists() == ("far" in seen)


def test_only_the_sales_side_has_a_scope(admin_user, client):
    legal = RoleRecord.objects.get(key=Role.LEGAL)
    with pytest.raises(services.TeamsError):
        services.role_set_scope(by=admin_user, role=legal, scope="all")
    assert RoleRecord.objects.get(key=Role.LEGAL).data_scope == ""
    client.force_login(admin_user)
    wanted = _all_grants()
    data = {
        "roles": list(wanted),
        "grant": [f"{r}:{c}" for r, caps in wanted.items() for c in caps],
        f"scope:{Role.SALES_REP}": "subtree",
        f"scope:{Role.LEGAL}": "all",  # not offered on the page: refused, nothing saved
    }
    response = client.post(reverse("teams:role-list"), data, follow=True)
    assert "no data scope" in " ".join(str(m) for m in response.context["messages"])
    assert RoleRecord.objects.get(key=Role.SALES_REP).data_scope == ""
    del data[f"scope:{Role.LEGAL}"]
    client.post(reverse("teams:role-list"), data)
    rep_role = RoleRecord.objects.get(key=Role.SALES_REP)
    assert rep_role.data_scope == "subtree"
    history = client.get(reverse("teams:role-history", args=[rep_role.pk]))
    assert [r["note"] for r in history.context["rows"]] == ["→ Their team's subtree"]

"""Leads' admin settings: the screening weights (together 100, with their history), the
disqualification reasons, and each team's inbound routing (with its history); admins only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers import services
from customers.models import DisqualifyReason, InboundRouting, ScreeningSettings

pytestmark = pytest.mark.django_db

SETTINGS = reverse("customers:lead-settings")
ROUTING = reverse("customers:inbound-routing")
NEW_REASON = reverse("customers:disqualifyreason-create")


def weights(industry=40, size=10, budget=30, decision=20):
    return {
        "weight_industry": industry,
        "weight_size": size,
        "weight_budget": budget,
        "weight_decision": decision,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep", 403),
        ("manager", 403),
        ("director", 403),
        ("general_manager", 403),
        ("admin_user", 200),
    ],
)
def test_lead_settings_pages_are_for_admins(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    reason = DisqualifyReason.objects.create(label="无预算")
    edit = reverse("customers:disqualifyreason-update", args=[reason.pk])
    for url in [SETTINGS, ROUTING, NEW_REASON, edit]:
        assert client.get(url).status_code == status, url
    assert client.post(SETTINGS, weights()).status_code in {status, 302}
    assert ScreeningSettings.load().weight_industry == (40 if status == 200 else 30)


def test_an_admin_sets_the_weights_and_the_history_shows_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post(SETTINGS, weights(industry=50, size=10, budget=20, decision=20))
    assert response.status_code == 302
    saved = ScreeningSettings.load()
    assert (saved.weight_industry, saved.weight_budget) == (50, 20)
    assert saved.score(industry=5, size=0, budget=0, decision=0) == 50
    html = client.get(SETTINGS).content.decode()
    assert "30 → 50" in html and admin_user.display_name in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (weights(industry=50), "The weights must add up to 100; they add up to 110."),
        (weights(industry=0, size=0, budget=0, decision=0), "they add up to 0"),
        (weights(industry=120, size=-20), "Ensure this value is"),
        ({**weights(), "weight_size": "abc"}, "Enter a whole number."),
    ],
    ids=["sum over 100", "all zero", "out of range", "not a number"],
)
def test_bad_weights_are_refused_with_a_message_and_nothing_changes(
    client, admin_user, data, message
):
    client.force_login(admin_user)
    response = client.post(SETTINGS, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ScreeningSettings.load().weight_industry == 30
    assert not ScreeningSettings.history.exclude(history_type="+").exists()


def test_the_service_checks_the_weights_again(admin_user, rep):
    with pytest.raises(services.CustomerError, match="add up to 100"):
        services.screening_settings_update(by=admin_user, **weights(industry=90))
    with pytest.raises(PermissionDenied):
        services.screening_settings_update(by=rep, **weights())


def test_an_admin_adds_changes_and_retires_a_reason(client, admin_user):
    client.force_login(admin_user)
    assert client.post(NEW_REASON, {"label": " 无 预算 ", "is_active": "on"}).status_code == 302
    reason = DisqualifyReason.objects.get()
    assert reason.label == "无 预算"
    url = reverse("customers:disqualifyreason-update", args=[reason.pk])
    assert client.post(url, {"label": "暂无预算"}).status_code == 302
    reason.refresh_from_db()
    assert reason.label == "暂无预算" and not reason.is_active
    html = client.get(SETTINGS).content.decode()
    assert "暂无预算 (inactive)" in html  # the history of the reasons


def test_a_reason_twice_or_empty_is_refused(client, admin_user):
    DisqualifyReason.objects.create(label="无预算")
    client.force_login(admin_user)
    response = client.post(NEW_REASON, {"label": "无预算", "is_active": "on"})
    assert response.status_code == 200
    assert "already" in response.content.decode()
    response = client.post(NEW_REASON, {"label": "   ", "is_active": "on"})
    assert response.status_code == 200
    assert DisqualifyReason.objects.count() == 1


def test_an_inactive_reason_is_no_longer_offered_when_screening(admin_user):
    from customers.forms.leads import ScreeningForm

    DisqualifyReason.objects.create(label="已停用", is_active=False)
    kept = DisqualifyReason.objects.create(label="无预算")
    assert list(ScreeningForm().fields["reason"].queryset) == [kept]


def test_an_admin_sets_each_teams_routing_with_history(client, admin_user, org):
    client.force_login(admin_user)
    team = org["team_a"]
    html = client.get(ROUTING).content.decode()
    assert "Team A" in html and "Team C" in html
    data = {f"team_{t.pk}": InboundRouting.Method.ROUND_ROBIN for t in org.values()}
    data[f"team_{team.pk}"] = InboundRouting.Method.LEAST_LOAD
    assert client.post(ROUTING, data).status_code == 302
    assert InboundRouting.objects.get(team=team).method == InboundRouting.Method.LEAST_LOAD
    # Only the changed team got a row (the others keep the default, nothing to record).
    assert InboundRouting.objects.count() == 1
    html = client.get(ROUTING).content.decode()
    assert "Team A: Least load (fewest open leads)" in html


def test_a_bad_routing_method_is_refused(client, admin_user, org):
    client.force_login(admin_user)
    data = {f"team_{t.pk}": InboundRouting.Method.ROUND_ROBIN for t in org.values()}
    data[f"team_{org['team_a'].pk}"] = "random"
    response = client.post(ROUTING, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not InboundRouting.objects.exists()


def test_round_robin_turns_leave_no_history(manager, rep, org):
    services.inbound_lead_create(by=manager, team=org["team_a"], name="来访一")
    services.inbound_lead_create(by=manager, team=org["team_a"], name="来访二")
    assert InboundRouting.history.count() == 1  # created once; the turns are not changes


def test_the_settings_pages_run_a_constant_number_of_queries(
    client, admin_user, org, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(SETTINGS)
    with django_assert_max_num_queries(40) as one:
        client.get(SETTINGS)
        client.get(ROUTING)
    for n in range(10):
        DisqualifyReason.objects.create(label=f"原因{n}")
        services.inbound_routing_save(
            by=admin_user, methods={org["team_a"]: ["least_load", "round_robin"][n % 2]}
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(SETTINGS)
        client.get(ROUTING)

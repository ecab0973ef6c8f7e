"""Follow-up cadence by grade (个性化跟进策略): the rule as a table, the services that keep the
next due date, and the home panels that show who is overdue."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from customers import cadence, home, services
from customers.models import FollowUp, GradingSettings
from teams.models import User
from tests.factories import CustomerFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db

JAN = {day: date(2026, 1, day) for day in range(1, 32)}
FEB = {day: date(2026, 2, day) for day in range(1, 29)}
CREATED = JAN[1]

DEFAULTS = {}  # A: exec visit / 30 days + a contact / 15 days; B: contact / 14, visit / 30; C: 30
CUSTOM = {
    "a_executive_visit_days": 60,
    "a_routine_contacts": 3,  # a contact every 10 days
    "b_contact_days": 7,
    "b_visit_days": 21,
    "c_contact_days": 90,
}


# grade, settings, last contact, last visit, last executive visit → due; why
CASES = [
    # A: the earlier of last executive visit + 30 and last contact + 15
    ("A", DEFAULTS, None, None, None, JAN[16], "A never contacted: 15 days after entry"),
    ("A", DEFAULTS, JAN[10], None, None, JAN[25], "A phone: the next routine contact"),
    ("A", DEFAULTS, JAN[28], None, None, JAN[31], "A phoned often: the executive visit is due"),
    ("A", DEFAULTS, JAN[20], JAN[20], None, JAN[31], "A plain visit is no executive visit"),
    ("A", DEFAULTS, JAN[20], JAN[20], JAN[20], FEB[4], "A executive visit: next contact"),
    ("A", DEFAULTS, JAN[25], JAN[5], JAN[5], FEB[4], "A executive visit due before contact"),
    # B: the earlier of last contact + 14 and last visit + 30
    ("B", DEFAULTS, None, None, None, JAN[15], "B never contacted: 14 days after entry"),
    ("B", DEFAULTS, JAN[10], None, None, JAN[24], "B phone: next contact in two weeks"),
    ("B", DEFAULTS, JAN[29], None, None, JAN[31], "B phoned but never visited"),
    ("B", DEFAULTS, JAN[10], JAN[10], None, JAN[24], "B visit counts as a contact too"),
    ("B", DEFAULTS, JAN[25], JAN[2], None, FEB[1], "B monthly visit due before contact"),
    ("B", DEFAULTS, JAN[20], JAN[20], JAN[20], FEB[3], "B executive visit is a visit"),
    # C: last contact + 30
    ("C", DEFAULTS, None, None, None, JAN[31], "C never contacted: a month after entry"),
    ("C", DEFAULTS, JAN[20], None, None, FEB[19], "C phone: a month later"),
    ("C", DEFAULTS, JAN[20], JAN[5], JAN[5], FEB[19], "C visits do not matter"),
    # an admin's settings
    ("A", CUSTOM, None, None, None, JAN[11], "custom A: a contact every 10 days"),
    ("A", CUSTOM, JAN[25], JAN[5], JAN[5], FEB[4], "custom A: contacts drive"),
    ("A", CUSTOM, JAN[28], None, None, FEB[7], "custom A: routine contact"),
    ("B", CUSTOM, JAN[3], JAN[3], None, JAN[10], "custom B: weekly contact"),
    ("B", CUSTOM, JAN[20], JAN[1], None, JAN[22], "custom B: visit every 21 days"),
    ("C", CUSTOM, None, None, None, date(2026, 4, 1), "custom C: a quarter"),
    ("A", {"a_routine_contacts": 1}, JAN[3], None, None, JAN[31], "one contact a month"),
    ("A", {"a_routine_contacts": 0}, JAN[3], None, None, JAN[31], "no routine: 30 days"),
]


@pytest.mark.parametrize(
    ("grade", "settings", "contact", "visit", "executive", "due"),
    [case[:6] for case in CASES],
    ids=[case[6] for case in CASES],
)
def test_next_due_rule(grade, settings, contact, visit, executive, due):
    rules = GradingSettings(**settings)
    got = cadence.next_due(
        grade=grade,
        rules=rules,
        created=CREATED,
        last_contact=contact,
        last_visit=visit,
        last_executive=executive,
    )
    assert got == due


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


@pytest.mark.parametrize(
    ("grade", "settings", "contact", "visit", "executive", "due"),
    [case[:6] for case in CASES],
    ids=[case[6] for case in CASES],
)
def test_refresh_computes_the_same_from_the_followups(
    rep, grade, settings, contact, visit, executive, due
):
    """customer_refresh_cadence reads the follow-ups and applies the same rule."""
    GradingSettings.objects.update_or_create(pk=1, defaults=settings)
    customer = CustomerFactory(owner=rep, grade=grade)
    type(customer).objects.filter(pk=customer.pk).update(created_at=at(CREATED))
    customer.refresh_from_db()
    for day, method, is_exec in [
        (executive, FollowUp.Method.VISIT, True),
        (visit, FollowUp.Method.VISIT, False),
        (contact, FollowUp.Method.PHONE, False),
    ]:
        if day:
            FollowUpFactory(
                customer=customer, method=method, executive=is_exec, occurred_at=at(day)
            )
    assert services.customer_refresh_cadence(customer=customer) == due
    customer.refresh_from_db()
    assert customer.next_followup_due == due


@pytest.mark.parametrize(
    ("grade", "method", "executive", "moves_to"),
    [
        ("C", FollowUp.Method.PHONE, False, 30),
        # Entered 20 days ago and never visited: the monthly visit is due in 10 days.
        ("B", FollowUp.Method.PHONE, False, 10),
        ("B", FollowUp.Method.VISIT, False, 14),
        ("A", FollowUp.Method.VISIT, True, 15),
        # Without an executive visit an A customer stays due 30 days after its entry.
        ("A", FollowUp.Method.PHONE, False, 10),
        ("A", FollowUp.Method.VISIT, False, 10),
    ],
)
def test_logging_moves_the_next_due_date(rep, grade, method, executive, moves_to):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep, grade=grade, overdue=True)
    created = today - timedelta(days=20)
    type(customer).objects.filter(pk=customer.pk).update(created_at=at(created))
    customer.refresh_from_db()
    old_due = customer.next_followup_due
    assert old_due < today  # overdue before

    followup = services.followup_log(
        by=rep,
        customer=customer,
        method=method,
        executive=executive,
        occurred_at=timezone.now(),
        summary="跟进",
    )

    customer.refresh_from_db()
    expected = today + timedelta(days=moves_to)
    assert customer.next_followup_due == expected
    assert followup.customer.next_followup_due == expected
    assert customer.last_followup_at == followup.occurred_at


def test_a_back_dated_followup_counts_from_when_it_happened(rep):
    customer = CustomerFactory(owner=rep, grade="C")
    three_days_ago = timezone.now() - timedelta(days=3)
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=three_days_ago,
        summary="补录",
    )
    customer.refresh_from_db()
    assert customer.next_followup_due == timezone.localdate(three_days_ago) + timedelta(days=30)


def test_an_older_followup_does_not_pull_the_due_date_back(rep):
    customer = CustomerFactory(owner=rep, grade="C")
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now(),
        summary="今天",
    )
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now() - timedelta(days=10),
        summary="补录十天前的电话",
    )
    customer.refresh_from_db()
    assert customer.next_followup_due == timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize(
    ("grade", "text"),
    [
        ("A", "An executive visit every 30 days and a contact every 15 days."),
        ("B", "A contact every 14 days and a visit every 30 days."),
        ("C", "A contact every 30 days."),
    ],
)
def test_the_rule_is_written_for_the_customer_page(rep, grade, text):
    customer = CustomerFactory(owner=rep, grade=grade)
    with translation.override("en"):
        html = render_to_string(
            "customers/partials.html#cadence_rule",
            {"customer": customer, "cadence_rules": cadence.help_text(GradingSettings.load())},
        )
    assert text in html
    others = {"A", "B", "C"} - {grade}
    for other in others:
        assert f"Grade {other}:" not in html


def test_the_rule_follows_the_admin_settings(rep):
    GradingSettings.objects.update_or_create(pk=1, defaults={"c_contact_days": 45})
    customer = CustomerFactory(owner=rep, grade="C")
    with translation.override("en"):
        html = render_to_string(
            "customers/partials.html#cadence_rule",
            {"customer": customer, "cadence_rules": cadence.help_text(GradingSettings.load())},
        )
    assert "A contact every 45 days." in html


# --- home panels ---------------------------------------------------------------------------


def test_a_rep_sees_their_overdue_customers(client, rep, other_rep):
    late = CustomerFactory.create_batch(3, owner=rep, overdue=True)
    on_time = CustomerFactory(owner=rep)
    CustomerFactory(owner=other_rep, overdue=True, name="别人的逾期客户")

    panel = home.overdue_customers(user=rep).context
    assert panel["total"] == 3
    assert {c.pk for c in panel["customers"]} == {c.pk for c in late}

    client.force_login(rep)
    html = client.get(reverse("home")).content.decode()
    panel_html = html[html.index('id="panel-overdue"') :]
    for customer in late:
        assert customer.name in panel_html
    assert on_time.name not in panel_html
    assert "别人的逾期客户" not in html
    assert '<span class="badge text-bg-danger">3</span>' in panel_html


def _debt(user):
    """The cadence-debt panel's (rep, overdue count) rows, team after team."""
    teams = home.cadence_debt(user=user).context["teams"]
    return [(row["owner_user"], row["overdue"]) for group in teams for row in group["rows"]]


def test_a_rep_on_cadence_is_told_so(client, rep):
    CustomerFactory(owner=rep)
    client.force_login(rep)
    html = client.get(reverse("home")).content.decode()
    assert "Every customer of yours is on cadence." in html
    assert 'id="panel-cadence-debt"' not in html  # managers only


def test_a_manager_sees_cadence_debt_per_rep_of_their_team_only(
    client, manager, rep, other_rep, org
):
    teammate = UserFactory(username="teammate", team=org["team_a"])
    CustomerFactory.create_batch(3, owner=rep, overdue=True)
    CustomerFactory(owner=rep)  # on cadence: not counted
    CustomerFactory.create_batch(1, owner=teammate, overdue=True)
    CustomerFactory.create_batch(2, owner=other_rep, overdue=True)  # another team

    assert _debt(manager) == [(rep, 3), (teammate, 1)]

    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    panel = html[html.index('id="panel-cadence-debt"') :]
    panel = panel[: panel.index("</ul>")]
    assert rep.display_name in panel
    assert teammate.display_name in panel
    assert other_rep.display_name not in panel
    assert re.search(rf'overdue=true&amp;owner={rep.pk}"[^>]*>3</a>', panel)
    assert re.search(rf'overdue=true&amp;owner={teammate.pk}"[^>]*>1</a>', panel)


def test_cadence_debt_lists_reps_not_managers_grouped_by_team_with_totals(
    manager, director, rep, other_rep, org
):
    CustomerFactory.create_batch(2, owner=rep, overdue=True)
    CustomerFactory.create_batch(3, owner=other_rep, overdue=True)
    CustomerFactory.create_batch(4, owner=manager, overdue=True)  # a manager's own: not debt
    panel = home.cadence_debt(user=director).context
    assert [(group["team"], group["total"]) for group in panel["teams"]] == [
        (other_rep.team, 3),
        (rep.team, 2),
    ]
    assert panel["total"] == 5
    assert manager not in [owner for owner, _count in _debt(director)]


def test_the_director_sees_every_team_debt(director, rep, other_rep):
    CustomerFactory.create_batch(2, owner=rep, overdue=True)
    CustomerFactory.create_batch(4, owner=other_rep, overdue=True)
    assert _debt(director) == [(other_rep, 4), (rep, 2)]


def test_logging_clears_a_customer_from_the_overdue_panel(rep):
    customer = CustomerFactory(owner=rep, overdue=True)
    assert home.overdue_customers(user=rep).context["total"] == 1
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now(),
        summary="回访",
    )
    assert home.overdue_customers(user=rep).context["total"] == 0


def test_cadence_debt_panel_queries_do_not_grow_with_reps(
    manager, org, django_assert_max_num_queries
):
    rep_one = UserFactory(team=org["team_a"])
    CustomerFactory(owner=rep_one, overdue=True)
    with django_assert_max_num_queries(5) as few:
        home.cadence_debt(user=User.objects.get(pk=manager.pk))
    for _ in range(15):
        CustomerFactory(owner=UserFactory(team=org["team_a"]), overdue=True)
    with django_assert_max_num_queries(5) as many:
        assert len(_debt(User.objects.get(pk=manager.pk))) == 16
    assert len(few.captured_queries) == len(many.captured_queries)

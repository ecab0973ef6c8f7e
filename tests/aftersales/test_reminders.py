"""After-sales rules as tables of cases at a fixed `now` (Asia/Shanghai) on the official
calendar: 2026-12-02 is a Wednesday; 2026-10-01 to 10-07 is the National Day holiday, 10-10
(a Saturday) a make-up working day. The handler `agent` is in a service team whose manager is
`head`."""

from datetime import date, timedelta

import pytest

from aftersales import sla
from aftersales.models import Complaint, Revisit
from teams.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2, 9)
S = Complaint.Status
COMPLAINTS = "aftersales.complaint_deadlines"
REVISITS = "aftersales.revisits_due"


@pytest.fixture
def service(org):
    team = TeamFactory(name="Service", parent=org["company"])
    head = UserFactory(username="head", role=Role.AFTERSALES, team=team)
    team.manager = head
    team.save()
    return {"head": head, "agent": UserFactory(username="agent", role=Role.AFTERSALES, team=team)}


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="华东精密制造有限公司")


def _complaint(customer, handler, status, respond_by, resolve_by, received_at=None):
    return Complaint.objects.create(
        customer=customer,
        subject="系统宕机",
        description="生产线系统无法登录",
        channel=Complaint.Channel.HOTLINE,
        category=Complaint.Category.PRODUCT,
        severity=Complaint.Severity.HIGH,
        received_at=received_at or respond_by - timedelta(hours=24),
        handler=handler,
        status=status,
        respond_by=respond_by,
        resolve_by=resolve_by,
    )


TITLES = {
    ("reply", "near"): "Complaint {number} must be answered by {deadline}: 系统宕机",
    ("reply", "late"): "Complaint {number} not answered by {deadline}: 系统宕机",
    ("resolve", "near"): "Complaint {number} must be resolved by {deadline}: 系统宕机",
    ("resolve", "late"): "Complaint {number} not resolved by {deadline}: 系统宕机",
}
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "respond_by", "resolve_by", "expected"),
    [
        (S.NEW, WED + 2 * H, WED + 120 * H, [("reply", "near", WED + 2 * H)]),
        (S.NEW, WED - H, WED + 120 * H, [("reply", "late", WED - H)]),
        (
            S.NEW,
            WED - H,
            WED + 20 * H,
            [("reply", "late", WED - H), ("resolve", "near", WED + 20 * H)],
        ),
        (S.ACKNOWLEDGED, WED - H, WED + 20 * H, [("resolve", "near", WED + 20 * H)]),
        (S.IN_PROGRESS, WED - 30 * H, WED - H, [("resolve", "late", WED - H)]),
        (S.IN_PROGRESS, WED - 30 * H, WED + 30 * H, []),  # not near yet
        (S.RESOLVED, WED - 30 * H, WED - H, []),
        (S.CLOSED, WED - 30 * H, WED - H, []),
    ],
)
def test_a_complaint_near_or_past_its_deadline_goes_to_the_handler_and_their_manager(
    customer, service, status, respond_by, resolve_by, expected
):
    complaint = _complaint(customer, service["agent"], status, respond_by, resolve_by)
    titles = sorted(
        TITLES[which, state].format(
            number=complaint.number, deadline=deadline.strftime("%Y-%m-%d %H:%M")
        )
        for which, state, deadline in expected
    )
    sent = run(COMPLAINTS, WED)
    assert sorted(t for u, t in sent if u == "agent") == titles
    assert sorted(t for u, t in sent if u == "head") == titles
    assert len(sent) == 2 * len(titles)
    assert run(COMPLAINTS, WED) == []  # once


def test_near_then_late_are_two_reminders(customer, service):
    _complaint(customer, service["agent"], S.IN_PROGRESS, WED - 30 * H, WED + 3 * H)
    assert len(run(COMPLAINTS, WED)) == 2
    assert run(COMPLAINTS, WED + 2 * H) == []
    late = run(COMPLAINTS, WED + 4 * H)
    assert [u for u, _t in late] == ["agent", "head"]
    assert "not resolved by" in late[0][1]


def test_the_resolution_deadline_counts_working_days_through_the_holiday_week(customer, service):
    received = at(2026, 9, 28, 10)  # a Monday; 7 working days: 9-29, 9-30, 10-8 … 10-13
    respond_by, resolve_by = sla.deadlines(received, Complaint.Severity.MEDIUM)
    assert resolve_by.date() == date(2026, 10, 13)
    _complaint(customer, service["agent"], S.ACKNOWLEDGED, respond_by, resolve_by, received)
    for day in (3, 5, 7, 10, 12):  # through the holiday and the make-up Saturday: not near
        assert run(COMPLAINTS, at(2026, 10, day, 9)) == []
    near = run(COMPLAINTS, at(2026, 10, 13, 9))
    assert [u for u, _t in near] == ["agent", "head"]
    assert near[0][1].endswith("must be resolved by 2026-10-13 23:59: 系统宕机")


def test_the_reply_deadline_is_reminded_on_a_day_off(customer, service):
    saturday = at(2026, 12, 5, 9)
    _complaint(customer, service["agent"], S.NEW, saturday + 2 * H, saturday + 100 * H)
    assert len(run(COMPLAINTS, saturday)) == 2


def test_a_deactivated_handlers_reminders_go_to_their_manager(customer, service):
    _complaint(customer, service["agent"], S.IN_PROGRESS, WED - 30 * H, WED - H)
    service["agent"].is_active = False
    service["agent"].save()
    assert [u for u, _t in run(COMPLAINTS, WED)] == ["head", "head"]


# --- quarterly revisits -------------------------------------------------------------------------


def _revisit(customer, assignee, due, kind=Revisit.Kind.QUARTERLY, period="2026Q4"):
    return Revisit.objects.create(
        customer=customer, kind=kind, period=period, due_date=due, assignee=assignee
    )


@pytest.mark.parametrize(
    ("now", "dues", "expected"),
    [
        (WED, [date(2026, 12, 9), date(2026, 11, 20)], ("2026-12-09", 2)),
        (WED, [date(2026, 12, 10)], None),  # beyond 7 days
        (at(2026, 12, 5, 9), [date(2026, 12, 7)], None),  # a Saturday
        (at(2026, 10, 5, 9), [date(2026, 10, 9)], None),  # the holiday week
        (at(2026, 10, 8, 9), [date(2026, 10, 9)], ("2026-10-15", 1)),  # back at work
    ],
)
def test_quarterly_revisits_due_go_to_the_after_sales_user_weekly(
    customer, service, now, dues, expected
):
    for n, due in enumerate(dues):
        _revisit(CustomerFactory(owner=customer.owner, name=f"客户{n}"), service["agent"], due)
    want = []
    if expected:
        want = [("agent", "Quarterly revisits due by {}: {}".format(*expected))]
    assert run(REVISITS, now) == want
    assert run(REVISITS, now) == []


def test_one_digest_a_week_and_not_for_anniversaries(customer, service):
    _revisit(customer, service["agent"], date(2026, 12, 3), kind=Revisit.Kind.ANNIVERSARY)
    assert run(REVISITS, WED) == []
    _revisit(customer, service["agent"], date(2026, 12, 3))
    assert len(run(REVISITS, WED)) == 1
    assert run(REVISITS, at(2026, 12, 4, 9)) == []  # the same week
    assert len(run(REVISITS, at(2026, 12, 7, 9))) == 1  # next Monday, still open


def test_a_deactivated_after_sales_users_revisits_go_to_their_manager(customer, service):
    _revisit(customer, service["agent"], date(2026, 12, 3))
    service["agent"].is_active = False
    service["agent"].save()
    assert [u for u, _t in run(REVISITS, WED)] == ["head"]

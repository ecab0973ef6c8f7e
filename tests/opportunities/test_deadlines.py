"""The solution is due 5 working days after the needs are confirmed, on the official calendar
(2026: 国庆节 1-7 October off, Sunday 20 September and Saturday 10 October worked), and an
extension request moves the date only when the manager approves it."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from opportunities.errors import InvalidInput, OpportunityError
from opportunities.models import ExtensionRequest, Opportunity, Stage
from opportunities.services import deadlines, moves, quotes
from teams.workdays import CHINA, add_working_days
from tests.factories import CompetitorFactory, OpportunityFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(monkeypatch):
    """Make "now" 10:00 in Shanghai on the given day (services read timezone.now)."""

    def travel(day):
        moment = datetime(day.year, day.month, day.day, 10, tzinfo=CHINA)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


@pytest.mark.parametrize(
    ("confirmed", "due"),
    [
        # Wed 30 Sep → 8 Oct (Thu) 1, 9 (Fri) 2, 10 (Sat, make-up) 3, 12 (Mon) 4, 13 (Tue) 5
        (date(2026, 9, 30), date(2026, 10, 13)),
        # Thu 1 Oct, a holiday → the same five days after the National Day week
        (date(2026, 10, 1), date(2026, 10, 13)),
        # Fri 9 Oct → 10 (Sat, make-up) 1, 12 2, 13 3, 14 4, 15 5
        (date(2026, 10, 9), date(2026, 10, 15)),
        # Fri 18 Sep → 20 (Sun, make-up) 1, 21 2, 22 3, 23 4, 24 5
        (date(2026, 9, 18), date(2026, 9, 24)),
        # Fri 25 Sep, 中秋节 holiday → 28 (Mon) 1, 29 2, 30 3, 8 Oct 4, 9 Oct 5
        (date(2026, 9, 25), date(2026, 10, 9)),
    ],
)
def test_solution_due_five_working_days_after_the_needs(
    official_calendar, customer, rep, on_day, confirmed, due
):
    on_day(confirmed)
    opportunity = OpportunityFactory(customer=customer, needs=True)
    deadlines.opportunity_confirm_needs(opportunity=opportunity, by=rep)
    opportunity.refresh_from_db()
    assert (opportunity.needs_confirmed_on, opportunity.solution_due) == (confirmed, due)


def test_moving_into_the_proposal_stage_confirms_the_needs_that_day(
    official_calendar, customer, rep, on_day
):
    on_day(date(2026, 9, 30))
    opportunity = OpportunityFactory(customer=customer, needs=True)
    CompetitorFactory(opportunity=opportunity)
    moves.opportunity_move(
        opportunity=opportunity, to_stage=Stage.objects.get(code="proposal"), by=rep
    )
    opportunity.refresh_from_db()
    assert opportunity.solution_due == date(2026, 10, 13)


def test_overdue_until_a_quote_is_submitted(official_calendar, customer, rep, manager, on_day):
    on_day(date(2026, 9, 30))
    opportunity = OpportunityFactory(customer=customer, needs=True)
    deadlines.opportunity_confirm_needs(opportunity=opportunity, by=rep)
    overdue = Opportunity.objects.solution_overdue

    on_day(date(2026, 10, 13))  # the due day itself is not late
    assert not overdue().filter(pk=opportunity.pk).exists()
    on_day(date(2026, 10, 14))
    assert overdue().filter(pk=opportunity.pk).exists()

    quote = QuoteFactory(opportunity=opportunity)
    quotes.quote_submit(quote=quote, by=rep)
    assert not overdue().filter(pk=opportunity.pk).exists()


def test_an_extension_moves_the_date_once_the_manager_approves(
    official_calendar, customer, rep, manager, on_day
):
    on_day(date(2026, 9, 30))
    opportunity = OpportunityFactory(customer=customer, needs=True)
    deadlines.opportunity_confirm_needs(opportunity=opportunity, by=rep)

    with pytest.raises(InvalidInput, match="not a working day"):
        deadlines.extension_request(
            opportunity=opportunity, by=rep, new_due=date(2026, 10, 17), reason="客户延后评审"
        )
    with pytest.raises(InvalidInput, match="after the current due date"):
        deadlines.extension_request(
            opportunity=opportunity, by=rep, new_due=date(2026, 10, 12), reason="客户延后评审"
        )
    with pytest.raises(InvalidInput, match="Say why"):
        deadlines.extension_request(
            opportunity=opportunity, by=rep, new_due=date(2026, 10, 16), reason=" "
        )
    extension = deadlines.extension_request(
        opportunity=opportunity, by=rep, new_due=date(2026, 10, 16), reason="客户延后评审"
    )
    with pytest.raises(OpportunityError, match="already waiting"):
        deadlines.extension_request(
            opportunity=opportunity, by=rep, new_due=date(2026, 10, 19), reason="再延"
        )
    opportunity.refresh_from_db()
    assert opportunity.solution_due == date(2026, 10, 13)  # not before the decision

    with pytest.raises(PermissionDenied):
        deadlines.extension_decide(extension=extension, by=rep, approve=True)
    deadlines.extension_decide(extension=extension, by=manager, approve=True)
    opportunity.refresh_from_db()
    extension.refresh_from_db()
    assert opportunity.solution_due == date(2026, 10, 16)
    assert (extension.status, extension.decided_by) == (ExtensionRequest.Status.APPROVED, manager)
    with pytest.raises(OpportunityError, match="already decided"):
        deadlines.extension_decide(extension=extension, by=manager, approve=False, comment="x")


def test_a_refused_extension_keeps_the_date_and_says_why(customer, rep, manager):
    opportunity = OpportunityFactory(customer=customer, proposal=True)
    due = opportunity.solution_due
    extension = deadlines.extension_request(
        opportunity=opportunity, by=rep, new_due=add_working_days(due, 5), reason="资源不足"
    )
    with pytest.raises(InvalidInput):
        deadlines.extension_decide(extension=extension, by=manager, approve=False)
    deadlines.extension_decide(extension=extension, by=manager, approve=False, comment="本周内完成")
    opportunity.refresh_from_db()
    extension.refresh_from_db()
    assert opportunity.solution_due == due
    assert (extension.status, extension.comment) == ("refused", "本周内完成")


def test_needs_confirmed_once(customer, rep):
    opportunity = OpportunityFactory(customer=customer, needs=True)
    deadlines.opportunity_confirm_needs(opportunity=opportunity, by=rep)
    with pytest.raises(OpportunityError, match="already confirmed"):
        deadlines.opportunity_confirm_needs(opportunity=opportunity, by=rep)
    with pytest.raises(InvalidInput, match="still to come"):
        deadlines.opportunity_confirm_needs(
            opportunity=OpportunityFactory(customer=customer),
            by=rep,
            on=timezone.localdate() + timedelta(days=1),
        )

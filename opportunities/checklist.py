"""The stage checklists (阶段推进器): which items of a stage an opportunity meets.

The fixed kinds the code knows (StageRequirement.Kind), each checked here and nowhere else:

- needs_survey: the customer has a needs survey (需求调研表);
- decision_maker: the customer has a contact whose role in the decision is decision maker;
- approved_quote: a quote version of the opportunity is approved (or sent or accepted since);
- competitors: at least one competitor is recorded on the opportunity;
- analysis: the analysis and the follow-up plan are both filled in;
- close_date_future: the expected close date is today or later;
- custom: the rep ticked the item on this opportunity (OpportunityCheck).

At most one query per kind the stage lists, plus one for the stage's items.
"""

from dataclasses import dataclass

from django.utils import timezone

from customers.models import Contact, NeedsSurvey

from .models import Competitor, OpportunityCheck, Quote, StageRequirement

Kind = StageRequirement.Kind


@dataclass(frozen=True)
class Item:
    requirement: StageRequirement
    met: bool

    @property
    def label(self):
        return self.requirement.label


def _met(kind, opportunity, today):
    if kind == Kind.NEEDS_SURVEY:
        return NeedsSurvey.objects.filter(customer_id=opportunity.customer_id).exists()
    if kind == Kind.DECISION_MAKER:
        return Contact.objects.filter(
            customer_id=opportunity.customer_id,
            decision_role=Contact.DecisionRole.DECISION_MAKER,
        ).exists()
    if kind == Kind.APPROVED_QUOTE:
        return Quote.objects.filter(
            opportunity_id=opportunity.pk, status__in=Quote.APPROVED_STATES
        ).exists()
    if kind == Kind.COMPETITORS:
        return Competitor.objects.filter(opportunity_id=opportunity.pk).exists()
    if kind == Kind.ANALYSIS:
        return bool(opportunity.analysis.strip() and opportunity.followup_plan.strip())
    if kind == Kind.CLOSE_DATE_FUTURE:
        return opportunity.expected_close_date >= today
    raise ValueError(f"unknown checklist kind {kind!r}")


def checklist(opportunity, stage, *, today=None):
    """The stage's items, each with whether `opportunity` meets it, in order."""
    today = today or timezone.localdate()
    requirements = list(stage.requirements.all())
    custom = [r.pk for r in requirements if r.kind == Kind.CUSTOM]
    ticked = set()
    if custom and opportunity.pk:
        ticked = set(
            OpportunityCheck.objects.filter(
                opportunity_id=opportunity.pk, requirement_id__in=custom
            ).values_list("requirement_id", flat=True)
        )
    items = []
    for requirement in requirements:
        if requirement.kind == Kind.CUSTOM:
            met = requirement.pk in ticked
        else:
            met = _met(requirement.kind, opportunity, today)
        items.append(Item(requirement, met))
    return items


def missing(opportunity, stage, *, today=None):
    """The requirements of `stage` that `opportunity` does not meet yet."""
    return [item.requirement for item in checklist(opportunity, stage, today=today) if not item.met]

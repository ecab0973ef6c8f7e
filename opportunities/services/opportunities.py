"""Opportunities: create, update, reassign, checklist ticks, competitors. Moves between
stages and skip requests are in moves.py.

    opportunity_create(*, by, customer, name, expected_amount, expected_close_date,
                       contact=None, survey=None, source="", description="", probability=None,
                       probability_note="", analysis="", followup_plan="") -> Opportunity
    opportunity_update(*, by, opportunity, **fields) -> Opportunity   (EDITABLE fields)
    opportunity_reassign(*, by, opportunity, to_user) -> Opportunity
    opportunity_tick(*, opportunity, requirement, by, checked=True) -> None
    competitor_add(*, opportunity, by, name, strengths="", price_position="") -> Competitor
    competitor_update(*, competitor, by, **fields) -> Competitor
    competitor_remove(*, competitor, by) -> None

A new opportunity starts in the first open stage (later ones are reached by moves, so no
skip goes unapproved), owned by its creator, who may edit the customer; the first stage's
checklist applies as to any move. A closed (won or lost) opportunity does not change until a
manager reopens it. Values follow validation.py; a rep needs a note to set the probability
above the stage's default, and an expected amount above the admin's threshold needs the
analysis and follow-up plan.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Customer, NeedsSurvey
from customers.permissions import can_assign_customer_to

from .. import checklist, validation
from ..errors import ChecklistNotMet, OpportunityError
from ..models import (
    Competitor,
    Opportunity,
    OpportunityCheck,
    OpportunitySettings,
    Source,
    Stage,
    StageChange,
    StageRequirement,
)
from ..permissions import can_create_opportunity, can_edit_opportunity, can_reassign_opportunity
from .common import lock_opportunity, pk_of
from .deadlines import start_solution_clock
from .moves import confirms_needs

EDITABLE = (
    "name",
    "contact",
    "survey",
    "source",
    "description",
    "expected_amount",
    "expected_close_date",
    "probability",
    "probability_note",
    "analysis",
    "followup_plan",
)
TEXTS = ("name", "description", "probability_note", "analysis", "followup_plan")


# --- values ---------------------------------------------------------------------------------


def _clean(opportunity, changes, *, by, stage, creating=False):
    """The changed values checked (validation.py) against the rest of the opportunity;
    InvalidInput with every message, or the cleaned changes."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    errors = {}

    def run(field, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)

    cleaned = dict(changes)
    for field in TEXTS:
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Give the opportunity a name.")]
    if "expected_amount" in cleaned:
        run("expected_amount", validation.validate_money, cleaned["expected_amount"])
        if "expected_amount" not in errors:
            cleaned["expected_amount"] = validation.to_decimal(cleaned["expected_amount"])
    if "expected_close_date" in cleaned:
        run("expected_close_date", validation.validate_close_date, cleaned["expected_close_date"])
    if "source" in cleaned:
        cleaned["source"] = cleaned["source"] or ""
        if cleaned["source"] and cleaned["source"] not in Source.values:
            errors["source"] = [_("Choose a source from the list.")]
    customer_id = opportunity.customer_id
    if cleaned.get("contact") is not None:
        contact = Contact.objects.filter(pk=pk_of(cleaned["contact"]), customer_id=customer_id)
        cleaned["contact"] = contact.first()
        if cleaned["contact"] is None:
            errors["contact"] = [_("Choose a contact of this customer.")]
    if cleaned.get("survey") is not None:
        survey = NeedsSurvey.objects.filter(pk=pk_of(cleaned["survey"]), customer_id=customer_id)
        cleaned["survey"] = survey.first()
        if cleaned["survey"] is None:
            errors["survey"] = [_("Choose a needs survey of this customer.")]
    if "probability" in cleaned or creating:
        probability = cleaned.get("probability")
        if probability is None:
            probability = cleaned["probability"] = stage.default_probability
        run("probability", validation.validate_probability, probability)
        if "probability" not in errors:
            note = cleaned.get("probability_note", opportunity.probability_note)
            run(
                "probability_note",
                validation.check_probability,
                probability=probability,
                note=note,
                stage=stage,
                by=by,
            )
    analysis_touched = creating or {"expected_amount", "analysis", "followup_plan"} & set(cleaned)
    if analysis_touched and "expected_amount" not in errors:
        for field, messages in validation.check_analysis(
            expected_amount=cleaned.get("expected_amount", opportunity.expected_amount),
            analysis=cleaned.get("analysis", opportunity.analysis),
            followup_plan=cleaned.get("followup_plan", opportunity.followup_plan),
            settings=OpportunitySettings.load(),
        ).items():
            errors.setdefault(field, []).extend(messages)
    validation.raise_errors(errors)
    return cleaned


# --- create, update, reassign ------------------------------------------------------------


@transaction.atomic
def opportunity_create(
    *,
    by,
    customer,
    name,
    expected_amount,
    expected_close_date,
    contact=None,
    survey=None,
    source="",
    description="",
    probability=None,
    probability_note="",
    analysis="",
    followup_plan="",
):
    """A new opportunity on `customer` (one `by` may see and edit), owned by `by`, in the
    first open stage (a later one is reached by moves, so no skip goes unapproved). The
    first stage's checklist applies as to any move."""
    customer = Customer.objects.visible_to(by).filter(pk=pk_of(customer)).first()
    if customer is None or not can_create_opportunity(by, customer):
        raise PermissionDenied
    stage = Stage.objects.open().first()
    if stage is None:
        raise OpportunityError(_("No stage is active: an administrator sets up the stages."))
    now = timezone.now()
    opportunity = Opportunity(
        customer=customer, owner=by, created_by=by, stage=stage, stage_entered_at=now
    )
    fields = {
        "name": name,
        "contact": contact,
        "survey": survey,
        "source": source,
        "description": description,
        "expected_amount": expected_amount,
        "expected_close_date": expected_close_date,
        "probability": probability,
        "probability_note": probability_note,
        "analysis": analysis,
        "followup_plan": followup_plan,
    }
    for field, value in _clean(opportunity, fields, by=by, stage=stage, creating=True).items():
        setattr(opportunity, field, value)
    missing = checklist.missing(opportunity, stage)
    if missing:
        raise ChecklistNotMet(stage, missing)
    if confirms_needs(stage):
        start_solution_clock(opportunity, timezone.localdate())
    opportunity._history_user = by
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity, kind=StageChange.Kind.CREATED, to_stage=stage, by=by
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, by, opportunity, **fields):
    """Change the EDITABLE fields of an open opportunity; the rest stays as it is."""
    opportunity = lock_opportunity(opportunity, by)
    if not can_edit_opportunity(by, opportunity):
        raise PermissionDenied
    if not opportunity.is_open:
        raise OpportunityError(
            _("This opportunity is closed; a manager reopens it before it can change.")
        )
    cleaned = _clean(opportunity, fields, by=by, stage=opportunity.stage)
    for field, value in cleaned.items():
        setattr(opportunity, field, value)
    opportunity._history_user = by
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_reassign(*, by, opportunity, to_user):
    """A manager gives an open opportunity to another seller within their reach."""
    opportunity = lock_opportunity(opportunity, by)
    if not can_reassign_opportunity(by, opportunity) or not can_assign_customer_to(by, to_user):
        raise PermissionDenied
    if to_user.pk == opportunity.owner_id:
        raise OpportunityError(_("%(name)s owns it already.") % {"name": to_user})
    opportunity.owner = to_user
    opportunity._history_user = by
    opportunity._change_reason = "Reassigned"
    opportunity.save()
    return opportunity


# --- checklist ticks and competitors -------------------------------------------------------


def _editable(opportunity, by):
    opportunity = lock_opportunity(opportunity, by)
    if not can_edit_opportunity(by, opportunity):
        raise PermissionDenied
    if not opportunity.is_open:
        raise OpportunityError(
            _("This opportunity is closed; a manager reopens it before it can change.")
        )
    return opportunity


@transaction.atomic
def opportunity_tick(*, opportunity, requirement, by, checked=True):
    """Tick (or untick) a custom checklist item on the opportunity."""
    opportunity = _editable(opportunity, by)
    requirement = StageRequirement.objects.filter(pk=pk_of(requirement)).first()
    if requirement is None or requirement.kind != StageRequirement.Kind.CUSTOM:
        raise OpportunityError(_("Only the items a rep confirms are ticked by hand."))
    if checked:
        OpportunityCheck.objects.get_or_create(
            opportunity=opportunity, requirement=requirement, defaults={"checked_by": by}
        )
    else:
        OpportunityCheck.objects.filter(opportunity=opportunity, requirement=requirement).delete()


def _competitor_fields(fields):
    cleaned = {key: (value or "").strip() for key, value in fields.items()}
    errors = {}
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Name the competitor.")]
    position = cleaned.get("price_position")
    if position and position not in Competitor.PricePosition.values:
        errors["price_position"] = [_("Choose a price position from the list.")]
    validation.raise_errors(errors)
    return cleaned


@transaction.atomic
def competitor_add(*, opportunity, by, name, strengths="", price_position=""):
    opportunity = _editable(opportunity, by)
    fields = _competitor_fields(
        {"name": name, "strengths": strengths, "price_position": price_position}
    )
    return Competitor.objects.create(opportunity=opportunity, **fields)


@transaction.atomic
def competitor_update(*, competitor, by, **fields):
    unknown = set(fields) - {"name", "strengths", "price_position"}
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    competitor = Competitor.objects.select_for_update().filter(pk=pk_of(competitor)).first()
    if competitor is None:
        raise OpportunityError(_("This competitor is no longer recorded."))
    _editable(competitor.opportunity_id, by)
    for field, value in _competitor_fields(fields).items():
        setattr(competitor, field, value)
    competitor.save()
    return competitor


@transaction.atomic
def competitor_remove(*, competitor, by):
    competitor = Competitor.objects.filter(pk=pk_of(competitor)).first()
    if competitor is None:
        return
    _editable(competitor.opportunity_id, by)
    competitor.delete()

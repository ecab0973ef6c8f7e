"""Expenses: a seller records one (with its receipt); the manager reaching the rep (or the
director) approves or rejects it once, under the row's lock. Budgets: the director sets them
per team, period and category."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, validation
from ..errors import AnalyticsError, InvalidInput, NotAllowed
from ..models import Budget, Category, Expense


def expense_create(
    *, by, date, category, amount, receipt, description="", customer=None, opportunity=None
):
    if not permissions.records_expenses(by):
        raise NotAllowed(_("Only sales reps and managers record expenses."))
    errors = {}
    try:
        amount = validation.expense_amount(amount)
    except ValidationError as error:
        errors["amount"] = error.messages
    if category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if date is None:
        errors["date"] = [_("Enter the date of the expense.")]
    elif date > timezone.localdate():
        errors["date"] = [_("An expense cannot be dated in the future.")]
    if receipt is None:
        errors["receipt"] = [_("Attach the receipt.")]
    else:
        try:
            file_type = validation.receipt(receipt)
        except ValidationError as error:
            errors["receipt"] = error.messages
    if opportunity is not None and customer is not None and opportunity.customer_id != customer.pk:
        errors["opportunity"] = [_("The opportunity is not the customer's.")]
    if errors:
        raise InvalidInput(errors)
    if opportunity is not None and customer is None:
        customer = opportunity.customer
    name = receipt.name.rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        expense = Expense(
            date=date,
            rep=by,
            team_id=by.team_id,
            category=category,
            amount=amount,
            description=description,
            customer=customer,
            opportunity=opportunity,
            receipt_name=name,
            receipt_type=file_type,
            created_by=by,
        )
        expense.receipt.save(name, receipt, save=False)
        expense.save()
    return expense


def expense_decide(*, expense, by, approve, comment=""):
    """Approve or reject a pending expense. Raises NotAllowed for who may not decide on it,
    AnalyticsError when it was decided already."""
    if not permissions.can_decide_expense(by, expense):
        raise NotAllowed(_("Only the rep's manager or the sales director decides on expenses."))
    with transaction.atomic():
        locked = Expense.objects.select_for_update().get(pk=expense.pk)
        if locked.status != Expense.Status.PENDING:
            raise AnalyticsError(_("This expense was decided already."))
        if not approve and not comment.strip():
            raise InvalidInput({"comment": [_("Say why the expense is rejected.")]})
        locked.status = Expense.Status.APPROVED if approve else Expense.Status.REJECTED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_comment = comment.strip()[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    return locked


def budgets_set(*, by, period, values):
    """`values`: {(team id, category): amount or None}; None removes the budget."""
    if not permissions.can_set_targets(by):
        raise NotAllowed(_("Only the sales director sets budgets."))
    errors, checked = {}, {}
    for (team_id, category), value in values.items():
        if category not in Category.values:
            raise ValueError(category)
        if value in (None, ""):
            checked[(team_id, category)] = None
            continue
        try:
            checked[(team_id, category)] = validation.budget_amount(value)
        except ValidationError as error:
            errors[f"{team_id}-{category}"] = error.messages
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        rows = Budget.objects.select_for_update().filter(
            granularity=period.granularity, period_start=period.start
        )
        existing = {(row.team_id, row.category): row for row in rows}
        for key, amount in checked.items():
            row = existing.get(key)
            if amount is None:
                if row is not None:
                    row._history_user = by
                    row.delete()
                continue
            if row is None:
                row = Budget(
                    team_id=key[0],
                    category=key[1],
                    granularity=period.granularity,
                    period_start=period.start,
                    period_end=period.end,
                )
            elif row.amount == amount:
                continue
            row.amount, row.set_by, row._history_user = amount, by, by
            row.save()

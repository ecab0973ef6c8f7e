"""Every KPI of the dashboard as data (DOMAIN.md §9): its code, label, formula, the date that
counts and its unit. docs/kpis.md says the same in longer words; the dashboard shows the
formula and the date beside each figure."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Unit:
    YUAN = "yuan"
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    HOURS = "hours"
    SCORE = "score"


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str
    formula: str
    counting_date: str
    unit: str
    # The target's metric (analytics.targets.Metric value) when targets are set for it.
    target_metric: str | None = None
    # Lower is better (churned customers, sales cycle, approval lead time, expense ratio).
    lower_is_better: bool = False


KPIS = (
    Kpi(
        "sales_amount",
        _("Sales amount"),
        _("Sum of the amounts (tax included) of the contracts signed, in delivery or completed."),
        _("Signing date"),
        Unit.YUAN,
        target_metric="sales_amount",
    ),
    Kpi(
        "sales_count",
        _("Contracts signed"),
        _("Number of contracts signed, in delivery or completed."),
        _("Signing date"),
        Unit.COUNT,
    ),
    Kpi(
        "collected",
        _("Collected payments"),
        _("Sum of the payments received against the contracts."),
        _("Payment date"),
        Unit.YUAN,
        target_metric="collected",
    ),
    Kpi(
        "growth",
        _("Sales growth year on year"),
        _("(Sales amount − sales amount of the same period a year before) ÷ the latter."),
        _("Signing date"),
        Unit.PERCENT,
    ),
    Kpi(
        "new_customers",
        _("New customers"),
        _("Customers and leads entered in the period."),
        _("Date entered"),
        Unit.COUNT,
        target_metric="new_customers",
    ),
    Kpi(
        "active_customers",
        _("Active customers"),
        _(
            "Customers with a follow-up in the period, or a contract signed in it (an admin "
            "setting)."
        ),
        _("Follow-up date, signing date"),
        Unit.COUNT,
    ),
    Kpi(
        "churned_customers",
        _("Churned customers"),
        _(
            "Customers who bought once and had neither a follow-up nor a signed contract in the "
            "last N days up to the period's end (N: an admin setting)."
        ),
        _("The period's last day"),
        Unit.COUNT,
        lower_is_better=True,
    ),
    Kpi(
        "lead_conversion",
        _("Lead conversion"),
        _("Leads entered in the period that are customers now ÷ leads entered in the period."),
        _("Date entered"),
        Unit.PERCENT,
    ),
    Kpi(
        "opportunity_conversion",
        _("Opportunity conversion"),
        _("Opportunities won ÷ opportunities closed (won or lost)."),
        _("Closing date"),
        Unit.PERCENT,
    ),
    Kpi(
        "average_deal",
        _("Average deal size"),
        _("Sales amount ÷ contracts signed."),
        _("Signing date"),
        Unit.YUAN,
    ),
    Kpi(
        "sales_cycle",
        _("Sales cycle"),
        _("Average days from an opportunity's creation to its win, over the opportunities won."),
        _("Closing date"),
        Unit.DAYS,
        lower_is_better=True,
    ),
    Kpi(
        "gross_margin",
        _("Gross margin"),
        _("Amount before tax − cost of the lines, over the contracts signed."),
        _("Signing date"),
        Unit.YUAN,
        target_metric="gross_margin",
    ),
    Kpi(
        "gross_margin_rate",
        _("Gross margin rate"),
        _("Gross margin ÷ amount before tax of the contracts signed."),
        _("Signing date"),
        Unit.PERCENT,
    ),
    Kpi(
        "expense_ratio",
        _("Sales expense ratio"),
        _("Approved sales and marketing expenses ÷ sales amount."),
        _("Expense date, signing date"),
        Unit.PERCENT,
        lower_is_better=True,
    ),
    Kpi(
        "budget_use",
        _("Budget use"),
        _("Approved expenses ÷ budget of the period."),
        _("Expense date"),
        Unit.PERCENT,
    ),
    Kpi(
        "followup_timeliness",
        _("Follow-ups on time"),
        _("Follow-ups recorded within 24 hours ÷ follow-ups."),
        _("Follow-up date"),
        Unit.PERCENT,
    ),
    Kpi(
        "customers_overdue",
        _("Customers overdue"),
        _("Customers whose next follow-up is past due (today, whatever the period)."),
        _("Today"),
        Unit.COUNT,
        lower_is_better=True,
    ),
    Kpi(
        "approval_lead_time",
        _("Contract approval lead time"),
        _("Average hours from a contract's submission to its approval, over the rounds approved."),
        _("Approval date"),
        Unit.HOURS,
        lower_is_better=True,
    ),
    Kpi(
        "satisfaction",
        _("Customer satisfaction"),
        _("Average of the satisfaction scores (1-5) recorded."),
        _("Date recorded"),
        Unit.SCORE,
    ),
)
BY_CODE = {kpi.code: kpi for kpi in KPIS}

"""Each figure's link to the list of the records that make it: the existing list pages with the
same filter (period, scope, cut), so that the list's count is the figure (or, for a rate or an
average, its records). None for a figure no list shows (follow-ups, satisfaction scores,
expenses)."""

from urllib.parse import urlencode

from django.urls import reverse

CUSTOMERS, OPPORTUNITIES, CONTRACTS = (
    "customers:customer-list",
    "opportunities:opportunity-list",
    "contracts:contract-list",
)


def _period(kind, start, end, settings):
    return {
        "signed": {"signed": "on", "signed_from": start, "signed_to": end},
        "paid": {"paid_from": start, "paid_to": end},
        "approved": {"approved_from": start, "approved_to": end},
        "created": {"created_from": start, "created_to": end},
        "converted": {"created_from": start, "created_to": end, "status": "customer"},
        "active": {
            "active_from": start,
            "active_to": end,
            **({"active_signings": "true"} if settings.active_counts_signings else {}),
        },
        "churned": {"churned_on": end, "churn_days": settings.churn_days},
        "overdue": {"overdue": "on"},
        "won": {"closed_from": start, "closed_to": end, "status": "won"},
    }[kind]


# KPI code -> (list, period filter)
TARGETS = {
    "sales_amount": (CONTRACTS, "signed"),
    "sales_count": (CONTRACTS, "signed"),
    "growth": (CONTRACTS, "signed"),
    "average_deal": (CONTRACTS, "signed"),
    "gross_margin": (CONTRACTS, "signed"),
    "gross_margin_rate": (CONTRACTS, "signed"),
    "collected": (CONTRACTS, "paid"),
    "approval_lead_time": (CONTRACTS, "approved"),
    "new_customers": (CUSTOMERS, "created"),
    "lead_conversion": (CUSTOMERS, "converted"),
    "active_customers": (CUSTOMERS, "active"),
    "churned_customers": (CUSTOMERS, "churned"),
    "customers_overdue": (CUSTOMERS, "overdue"),
    "opportunity_conversion": (OPPORTUNITIES, "won"),
    "sales_cycle": (OPPORTUNITIES, "won"),
}


def _cut_param(view, dimension):
    if dimension == "product":
        return "product" if view == CONTRACTS else None
    if dimension == "source":
        return "source" if view == OPPORTUNITIES else "lead_source"
    return {"team": "team", "rep": "owner", "region": "region", "industry": "industry"}.get(
        dimension, dimension
    )


def drill_url(code, *, scope, start, end, settings, cut=None, value=None):
    """The list URL behind figure `code`; with `cut` and `value`, behind one row of a cut."""
    target = TARGETS.get(code)
    if target is None:
        return None
    view, kind = target
    params = {}
    if scope.rep:
        params["owner"] = scope.rep.pk
    elif scope.team:
        params["team"] = scope.team.pk
    params.update(_period(kind, start, end, settings))
    if cut:
        name = _cut_param(view, cut)
        if name is None or value is None:
            return None
        params[name] = value
    return f"{reverse(view)}?{urlencode({k: str(v) for k, v in params.items()})}"


def funnel_url(order, *, scope, start, end):
    params = {"created_from": start, "created_to": end, "reached": order}
    if scope.rep:
        params["owner"] = scope.rep.pk
    elif scope.team:
        params["team"] = scope.team.pk
    return f"{reverse(OPPORTUNITIES)}?{urlencode({k: str(v) for k, v in params.items()})}"

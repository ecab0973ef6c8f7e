"""The contracts' entries in "my agenda" (crm_site/hooks.py AGENDA_ITEMS): unpaid instalments
falling due (回款计划), for the contract's owner."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Contract, Instalment

LIMIT = 300


def instalments_due(*, owner_ids, start, end, today):
    rows = (
        Instalment.objects.unpaid()
        .filter(contract__owner_id__in=owner_ids, contract__status__in=Contract.SIGNED_STATES)
        .filter(hooks.agenda_q("due_date", start=start, end=end, today=today))
        .select_related("contract__customer", "contract__owner")
        .only(
            "pk",
            "position",
            "due_date",
            "amount",
            "paid_amount",
            "contract__number",
            "contract__customer_id",
            "contract__customer__name",
            "contract__owner__first_name",
            "contract__owner__last_name",
            "contract__owner__username",
        )
        .order_by("due_date", "pk")[:LIMIT]
    )
    label = _("Instalment due")
    for instalment in rows:
        contract = instalment.contract
        yield hooks.AgendaItem(
            day=hooks.agenda_day(instalment.due_date, today),
            kind="instalment",
            label=label,
            icon="cash-coin",
            title=f"{contract.number} #{instalment.position} · {contract.customer.name}"
            f" · ¥{instalment.outstanding:,.2f}",
            url=reverse("customers:customer-detail", args=[contract.customer_id]),
            owner=str(contract.owner),
            due=instalment.due_date,
            uid=f"instalment-{instalment.pk}",
        )

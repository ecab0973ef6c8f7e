"""Every after-sales write: one module per area, re-exported here."""

from ..errors import AftersalesError, InvalidTransition
from .assignments import assign_customer, region_set, regions_apply, unassign_customer
from .complaints import (
    complaint_acknowledge,
    complaint_close,
    complaint_create,
    complaint_escalate,
    complaint_reopen,
    complaint_resolve,
    complaint_start,
    flag_breaches,
)
from .crosssell import cross_sell_create, propose_renewals
from .records import record_create
from .revisits import schedule_revisits
from .satisfaction import satisfaction_record, scores

__all__ = [
    "AftersalesError",
    "InvalidTransition",
    "assign_customer",
    "complaint_acknowledge",
    "complaint_close",
    "complaint_create",
    "complaint_escalate",
    "complaint_reopen",
    "complaint_resolve",
    "complaint_start",
    "cross_sell_create",
    "flag_breaches",
    "propose_renewals",
    "record_create",
    "region_set",
    "regions_apply",
    "satisfaction_record",
    "schedule_revisits",
    "scores",
    "unassign_customer",
]

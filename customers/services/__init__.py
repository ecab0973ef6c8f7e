"""Every write to customers and the records around them that matters.

Each service runs in a transaction, locks the rows it changes, checks the rules (and the
permissions again), writes, and records who did it. One module per area; the public services
are importable from here (`services.customer_create(...)`):

- records.py: create and edit a customer, its status (moves as Customer.TRANSITIONS allows),
  the A grade's second check (二次核对)
- contacts.py: contacts, and sharing with colleagues (协作人)
- followups.py: follow-ups, tasks, needs surveys, the customer's cadence
- grading.py: grading settings, the cadence recompute, the quarterly grade review
- ownership.py: merge, handover (客户交接), bulk reassign
- pools.py: the customer pool (公海): pool rules, claim, return, assignment from a pool
- reclaim.py: the pools' automatic reclaim and its warnings
- leads.py, inbound.py: lead screening; inbound leads shared out to a team's reps
- lists.py: tags in bulk, saved views
- excel.py: import, exports (direct, queued, written by a worker, purged)
- common.py: what the areas share (row lock, keys, grade history)
"""

from ..cadence import CADENCE_FIELDS
from ..errors import CustomerError
from .contacts import (
    contact_create,
    contact_delete,
    contact_update,
    customer_share,
    customer_unshare,
)
from .excel import (
    customers_export,
    customers_export_purge,
    customers_export_queue,
    customers_export_start,
    customers_export_write,
    customers_import,
    export_queue,
    write_customer_export,
)
from .followups import (
    customer_refresh_cadence,
    followup_log,
    needs_survey_create,
    task_complete,
    task_create,
    task_reopen,
)
from .grading import (
    customers_recompute_cadence,
    grade_proposals_decide,
    grade_review_propose,
    grading_settings_update,
)
from .inbound import inbound_lead_create, inbound_leads_import, inbound_routing_save
from .leads import disqualify_reason_save, lead_screen, screening_settings_update
from .lists import customers_bulk_tag, list_columns_save, saved_view_create, saved_view_delete
from .ownership import customer_merge, customers_bulk_reassign, customers_handover
from .pools import (
    PoolError,
    customer_assign_from_pool,
    customer_claim,
    customer_return,
    pool_save,
)
from .reclaim import customers_reclaim
from .records import (
    customer_change_status,
    customer_confirm_second_check,
    customer_create,
    customer_update,
)

__all__ = [
    "PoolError",
    "customer_assign_from_pool",
    "customer_claim",
    "customer_return",
    "customers_reclaim",
    "disqualify_reason_save",
    "inbound_lead_create",
    "inbound_leads_import",
    "inbound_routing_save",
    "lead_screen",
    "screening_settings_update",
    "pool_save",
    "CADENCE_FIELDS",
    "CustomerError",
    "contact_create",
    "contact_delete",
    "contact_update",
    "customer_change_status",
    "customer_confirm_second_check",
    "customer_create",
    "customer_merge",
    "customer_refresh_cadence",
    "customer_share",
    "customer_unshare",
    "customer_update",
    "customers_bulk_reassign",
    "customers_bulk_tag",
    "customers_export",
    "customers_export_purge",
    "customers_export_queue",
    "customers_export_start",
    "customers_export_write",
    "export_queue",
    "customers_handover",
    "customers_import",
    "customers_recompute_cadence",
    "followup_log",
    "grade_proposals_decide",
    "grade_review_propose",
    "grading_settings_update",
    "write_customer_export",
    "needs_survey_create",
    "list_columns_save",
    "saved_view_create",
    "saved_view_delete",
    "task_complete",
    "task_create",
    "task_reopen",
]

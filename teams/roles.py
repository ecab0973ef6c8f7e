"""The roles and the groups of roles the rules speak of: the one place a role is spelled.

What a role may do is data (teams.access: the roles page's grants); the groupings below that
name a capability's default are what the built-in roles were given when it first appeared
(each app's `capabilities.py` names them). The others say where a role sits in the
organisation (whose records it sees, who may own a customer, which approval step is whose),
which a custom role takes from the built-in role it was copied from.

Every rule that names roles uses `Role` and the groupings here (tests/teams/test_roles.py
fails on a role spelled as a string, or a set of roles built, anywhere else): `teams.policy`
decides who sees what from them, each app's `permissions.py` who may do what (django-rules
predicates), `validation.py` whom a record may go to.

Each user is in the Group named after their role, and the Groups carry no model permission:
nothing checks them (the `*_drop_role_permissions` migrations removed what the early ones
granted through `sync_role_groups`, kept for those migrations).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_REP = "sales_rep", _("Sales rep")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    LEGAL = "legal", _("Legal")
    GENERAL_MANAGER = "general_manager", _("General manager")
    DIRECTOR = "director", _("Sales director")
    DELIVERY = "delivery", _("Delivery")
    AFTERSALES = "aftersales", _("After-sales")
    ADMIN = "admin", _("Administrator")


# Who sees every record (teams.policy: Reach.ALL), superusers aside.
SEES_ALL = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})
# Who sees their team's subtree (Reach.SUBTREE); without a team, only their own.
LEADS_TEAM = frozenset({Role.SALES_MANAGER})
# Who owns sales records and sees their own (Reach.OWN at least).
SELLS = frozenset({Role.SALES_REP, Role.SALES_MANAGER})
# Who works with customers: a customer list, exports, follow-ups.
SALES_ROLES = frozenset(
    {Role.SALES_REP, Role.SALES_MANAGER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN}
)
# Who enters customers (the general manager reads and approves, and enters none).
CREATES_CUSTOMERS = SALES_ROLES - {Role.GENERAL_MANAGER}
# Who may be the owner of a customer.
OWNER_ROLES = frozenset({Role.SALES_REP, Role.SALES_MANAGER, Role.DIRECTOR})
# Who may be a colleague a customer is shared with (协作人).
SHARE_ROLES = frozenset({Role.SALES_REP, Role.SALES_MANAGER})
# Managers and above: bulk actions, merges, handover, reassigning.
MANAGING_ROLES = frozenset({Role.SALES_MANAGER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})
# The reps whose follow-up cadence their managers chase (the home page's cadence debt).
CADENCE_DEBT_ROLES = OWNER_ROLES - MANAGING_ROLES
# Who edits any customer without owning it.
EDITS_ALL = frozenset({Role.DIRECTOR, Role.ADMIN})
# The second check of A grades (二次核对) and the quarterly grade review.
CHECKS_GRADES = frozenset({Role.SALES_MANAGER, Role.DIRECTOR})
# Who administers users, teams and settings.
ADMIN_ROLES = frozenset({Role.ADMIN})
# Who keeps the product catalogue: prices, unit costs, VAT rates.
MANAGES_CATALOGUE = frozenset({Role.DIRECTOR, Role.ADMIN})
# Who approves quote discounts beyond the limit an admin sets (after the manager's review).
APPROVES_DISCOUNTS = frozenset({Role.DIRECTOR})
# Who commits a sales forecast for a team (best case / commit per month).
COMMITS_FORECAST = frozenset({Role.SALES_MANAGER, Role.DIRECTOR})
# Who sees unit costs and margins (never the customer, never a rep).
SEES_COSTS = MANAGING_ROLES
# Contract approval (contracts app). The roles a step of the approval chain may name; the
# manager's step belongs to the owner's team manager (teams.policy.approver_for), any other
# step to any active user holding its role.
CONTRACT_STEP_ROLES = (Role.SALES_MANAGER, Role.LEGAL, Role.GENERAL_MANAGER, Role.DIRECTOR)
TEAM_APPROVER = Role.SALES_MANAGER
LEGAL = frozenset({Role.LEGAL})
GM = frozenset({Role.GENERAL_MANAGER})
# Who sees the contracts that reached their approval step (current or past) and no others.
SEES_CONTRACTS_AT_THEIR_STEP = LEGAL
# Who cancels a contract (with a reason): managers and above who reach its owner.
CANCELS_CONTRACTS = MANAGING_ROLES
# Who drafts contracts and looks after them (signing, delivery, payment plan, payments).
WORKS_CONTRACTS = frozenset({Role.SALES_REP, Role.SALES_MANAGER, Role.DIRECTOR, Role.ADMIN})
# Delivery (delivery app): who is assigned to deliver signed contracts; an admin marks some of
# them as leads (交付经理), who assign the others, approve changes and see all delivery work.
DELIVERS = frozenset({Role.DELIVERY})
MARKS_DELIVERY_LEADS = ADMIN_ROLES
# After-sales (aftersales app): who serves the customers assigned to them (revisits,
# complaints); who assigns after-sales staff to customers and sets the complaint deadlines.
WORKS_AFTERSALES = frozenset({Role.AFTERSALES})
ASSIGNS_AFTERSALES = frozenset({Role.DIRECTOR, Role.ADMIN})
SETS_COMPLAINT_DEADLINES = ADMIN_ROLES
# Analytics (analytics app): who sets the company's and teams' sales targets and budgets and
# the scorecard weights; who splits a team's target to its reps, rates teamwork and approves
# the team's expenses; who records expenses; who opens the analytics pages beyond their own
# scorecard (reps see their own).
SETS_TARGETS = frozenset({Role.DIRECTOR, Role.ADMIN})
SETS_SCORECARD_WEIGHTS = frozenset({Role.DIRECTOR, Role.ADMIN})
SPLITS_TEAM_TARGETS = LEADS_TEAM
RATES_TEAMWORK = LEADS_TEAM
APPROVES_EXPENSES = LEADS_TEAM | frozenset({Role.DIRECTOR})
RECORDS_EXPENSES = SELLS
SEES_ANALYTICS = SEES_ALL | LEADS_TEAM
# Who opens the contracts area, the delivery area, the after-sales area; who sees the
# scorecards (their own at least) and the expenses.
SEES_CONTRACTS = WORKS_CONTRACTS | SEES_ALL | LEGAL
SEES_DELIVERY = DELIVERS | SEES_ALL
SEES_AFTERSALES = WORKS_AFTERSALES | ADMIN_ROLES
SEES_SCORECARDS = SEES_ANALYTICS | SELLS
SEES_EXPENSES = RECORDS_EXPENSES | SEES_ANALYTICS
SPLITS_TARGETS = SPLITS_TEAM_TARGETS | SETS_TARGETS
# Who is scored and ranked on the rep scorecards.
SCORED = frozenset({Role.SALES_REP})


def has_role(user, roles):
    """True when `user` is active and holds one of `roles` (superusers hold every role); a
    custom role counts as the built-in role it was copied from (teams.access.base_role). What a
    role may *do* is a capability (teams.access.has_capability), not a role grouping."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in roles:
        return True
    from .access import base_role

    return base_role(user) in roles


def sync_role_groups(apps, role_permissions):
    """Create one Group per role and add the given permissions (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*wanted)

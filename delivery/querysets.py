"""Who sees which delivery records: exactly who sees their contract
(`contracts.querysets.contract_visibility_q`: the teams policy on the contract's owner, so the
rep and their manager follow along; directors, the general manager and admins see all; the
delivery team through its assignment, the policy's `extra` from hooks.py `ASSIGNED_SIGHT`)."""

from django.db import models

from contracts.querysets import contract_visibility_q


class _ThroughContract(models.QuerySet):
    path = "contract__"

    def visible_to(self, user):
        return self.filter(contract_visibility_q(user, prefix=self.path))


class ByContractQuerySet(_ThroughContract):
    pass


class AssignmentQuerySet(_ThroughContract):
    def owners(self):
        return self.filter(kind=self.model.Kind.OWNER)


class ByPlanQuerySet(_ThroughContract):
    path = "plan__contract__"


class PhaseQuerySet(ByPlanQuerySet):
    def open(self):
        return self.exclude(status=self.model.Status.DONE)

    def late(self, today):
        return self.open().filter(end_date__lt=today)


class ByAcceptanceQuerySet(_ThroughContract):
    path = "acceptance__plan__contract__"

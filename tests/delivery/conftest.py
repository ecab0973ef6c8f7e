"""Fixtures of the delivery tests: a delivery lead, a signed contract of `rep` and its
delivery team (`delivery` owns it, `member` helps), and a delivery user left out."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delivery.models import DeliveryLead
from delivery.services import acceptance, plan
from delivery.services.assignment import delivery_assign
from teams.models import Role
from tests.contracts.test_attachments import PDF
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.factories.contracts import default_steps


@pytest.fixture
def lead(org, admin_user):
    user = UserFactory(username="lead", role=Role.DELIVERY, team=org["company"])
    DeliveryLead.objects.create(user=user, marked_by=admin_user)
    return user


@pytest.fixture
def member(org):
    return UserFactory(username="member", role=Role.DELIVERY, team=org["company"])


@pytest.fixture
def outsider(org):
    """A delivery user on no team of this contract."""
    return UserFactory(username="outsider", role=Role.DELIVERY, team=org["company"])


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="华东精密制造有限公司")


@pytest.fixture
def signed(customer, manager):
    default_steps()
    today = timezone.localdate()
    return ContractFactory(
        customer=customer,
        signed=True,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=335),
    )


@pytest.fixture
def assigned(signed, lead, delivery, member):
    delivery_assign(contract=signed, by=lead, owner=delivery, members=[member])
    return signed


def add_phase(contract, by, name="需求调研", start=0, days=10, **values):
    """A phase from `start` days after the term's start, `days` long."""
    first = contract.start_date + timedelta(days=start)
    return plan.phase_save(
        contract=contract,
        by=by,
        name=name,
        start_date=first,
        end_date=first + timedelta(days=days),
        **values,
    )


def scan(name="验收报告.pdf"):
    return SimpleUploadedFile(name, PDF)


def accept(contract, by, result="pass", items=(), **values):
    return acceptance.acceptance_record(
        contract=contract,
        by=by,
        accepted_on=values.pop("accepted_on", timezone.localdate()),
        accepted_by_name="王建国",
        accepted_by_title="信息部经理",
        scope="CRM 系统上线及培训",
        result=result,
        open_items=list(items),
        signatory="王建国",
        scan=scan(),
        **values,
    )

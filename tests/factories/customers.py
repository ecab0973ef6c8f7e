from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers import normalize
from customers.models import (
    Contact,
    Customer,
    FollowUp,
    Industry,
    NeedLine,
    NeedsSurvey,
    Pool,
    Tag,
    Task,
)

from .teams import UserFactory


class IndustryFactory(DjangoModelFactory[Industry]):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Iterator(["制造业", "零售业", "软件与信息服务", "医疗器械", "物流"])


class TagFactory(DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("dimension", "name")

    name = factory.Sequence(lambda n: f"标签{n}")
    dimension = Tag.Dimension.CUSTOM


class CustomerFactory(DjangoModelFactory[Customer]):
    """Rows written straight to the database, keys filled as the services fill them."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"客户{n:04d}科技有限公司")
    phone = factory.Sequence(lambda n: f"021-6{n:07d}")
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    industry = factory.SubFactory(IndustryFactory)
    region = Customer.Region.EAST
    lead_source = Customer.LeadSource.EXHIBITION
    status = Customer.Status.PROSPECT
    grade = "C"
    annual_purchase_estimate = Decimal("5")
    next_followup_due = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))

    class Params:
        overdue = factory.Trait(
            next_followup_due=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
        )
        grade_a = factory.Trait(grade="A", annual_purchase_estimate=Decimal("150"))
        grade_b = factory.Trait(grade="B", annual_purchase_estimate=Decimal("50"))

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """The duplicate keys as the services write them (customers.normalize.customer_keys)."""
        keys = normalize.customer_keys(
            kwargs["name"], kwargs.get("phone", ""), kwargs.get("credit_code", "")
        )
        return {**kwargs, **keys}

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    phone_key = factory.LazyAttribute(lambda c: normalize.phone_key(c.phone))
    decision_role = Contact.DecisionRole.DECISION_MAKER


class FollowUpFactory(DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    customer = factory.SubFactory(CustomerFactory)
    author = factory.SelfAttribute("customer.owner")
    method = FollowUp.Method.PHONE
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    summary = "电话沟通采购计划"


class TaskFactory(DjangoModelFactory[Task]):
    class Meta:
        model = Task

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    title = "发送产品资料"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))


class NeedsSurveyFactory(DjangoModelFactory[NeedsSurvey]):
    class Meta:
        model = NeedsSurvey

    customer = factory.SubFactory(CustomerFactory)
    survey_date = factory.LazyFunction(timezone.localdate)
    surveyor = factory.SelfAttribute("customer.owner")
    respondent = "张经理"
    respondent_title = "IT总监"
    pain_points = "现有系统数据分散"


class NeedLineFactory(DjangoModelFactory[NeedLine]):
    class Meta:
        model = NeedLine

    survey = factory.SubFactory(NeedsSurveyFactory)
    description = "统一客户数据"
    priority = NeedLine.Priority.MUST


class PoolFactory(DjangoModelFactory[Pool]):
    """A pool (公海) with the default rules; `teams=[...]` sets the teams that may claim."""

    class Meta:
        model = Pool
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"公海{n}")

    @factory.post_generation
    def teams(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teams.set(extracted)


def pooled(pool, **kwargs):
    """A customer waiting in `pool`: no owner."""
    return CustomerFactory(
        owner=None,
        created_by=None,
        pool=pool,
        pooled_at=kwargs.pop("pooled_at", timezone.now() - timedelta(days=2)),
        **kwargs,
    )

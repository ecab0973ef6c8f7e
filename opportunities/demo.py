"""Demo opportunities for `manage.py seed_demo` (the DEMO_DATA hook, after the customers'):
a small catalogue, forty opportunities of the demo reps in every stage, and the managers'
forecast commits.

Each opportunity follows a script (SCRIPTS) through the services, so it obeys the rules the
pages obey: the checklists, approved skips, the review of every quote version, an accepted
quote to win, a reason to lose. The services stamp their rows with `timezone.now()`; the
demo runs each step with the clock set to that step's moment (`_clock`), a few days after
the one before, so the history, the days spent in each stage, the solution deadlines and
the quotes' dates are those the services would have written over the past months.

Deterministic (each opportunity draws from its own `random.Random`) and idempotent: an
opportunity, product or forecast commit that exists already is left alone.
"""

import contextlib
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers import demo as customers_demo
from customers.models import Contact, Customer, NeedLine, NeedsSurvey
from customers.services import contact_create, needs_survey_create
from teams import policy, workdays
from teams.models import Team, User

from .demo_scripts import PRODUCTS, PROJECTS, SCRIPTS
from .models import (
    Competitor,
    ExtensionRequest,
    ForecastCommit,
    LostReason,
    Opportunity,
    Product,
    Quote,
    Stage,
    StageSkipRequest,
)
from .services.catalogue import product_create
from .services.deadlines import extension_decide, extension_request
from .services.forecast import forecast_commit
from .services.moves import (
    opportunity_lose,
    opportunity_move,
    opportunity_reopen,
    opportunity_win,
    stage_skip_decide,
    stage_skip_request,
)
from .services.opportunities import competitor_add, opportunity_create, opportunity_tick
from .services.quotes import (
    quote_create,
    quote_director_decide,
    quote_mark_accepted,
    quote_mark_declined,
    quote_mark_sent,
    quote_review_decide,
    quote_submit,
    quote_update,
)

SEED = 2026
REPS = ["rep_sh1", "rep_sh2", "rep_hz1", "rep_gz1", "rep_gz2"]
COMPETITORS = [
    ("金蝶云", "本地服务网点多", Competitor.PricePosition.LOWER),
    ("用友", "与客户财务系统集成", Competitor.PricePosition.SIMILAR),
    ("SAP", "品牌认可度高", Competitor.PricePosition.HIGHER),
    ("鼎捷软件", "制造业案例多", Competitor.PricePosition.LOWER),
]


def demo_names():
    return [f"{PROJECTS[index]}（{index + 1:02d}）" for index in range(len(SCRIPTS))]


@contextlib.contextmanager
def _clock(moment):
    """`timezone.now()` (and so localdate, auto_now and the history's dates) answers
    `moment` inside the block. The demo is a one-off command in one thread."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _working_hours(moment, rng):
    """The same day in office hours (a move at 3 a.m. looks wrong on a timeline)."""
    local = timezone.localtime(moment)
    hour = time(rng.randrange(9, 18), rng.choice([0, 10, 20, 30, 40, 50]))
    return timezone.make_aware(datetime.combine(local.date(), hour))


class _Story:
    """One opportunity's script run step by step, each a few days after the last."""

    def __init__(self, *, index, owner, customer, director, products, reasons, now):
        self.rng = random.Random(f"{SEED}-opportunity-{index}")  # noqa: S311 - demo data
        self.index, self.owner, self.customer = index, owner, customer
        self.manager = policy.approver_for(owner)
        self.director, self.products, self.reasons = director, products, reasons
        script = SCRIPTS[index]
        self.steps = script["steps"]
        gaps = [self.rng.uniform(2, 9) for _ in self.steps]
        tail = script.get("tail", (1, 20))
        self.moment = now - timedelta(days=sum(gaps) + self.rng.uniform(*tail) + 1)
        self.gaps = iter(gaps)
        self.opportunity = None
        self.quote = None

    def at(self):
        return _clock(_working_hours(self.moment, self.rng))

    def advance(self):
        self.moment += timedelta(days=next(self.gaps))

    def run(self, name):
        rng = self.rng
        amount = Decimal(rng.randrange(8, 90) * 10000)
        with self.at():
            self._ready_customer()
            self.opportunity = opportunity_create(
                by=self.owner,
                customer=self.customer,
                name=name,
                contact=self.customer.contacts.first(),
                survey=self.customer.surveys.first(),
                source=rng.choice(["exhibition", "referral", "online", "existing", "partner"]),
                description=f"{self.customer.name}：{PROJECTS[self.index]}",
                expected_amount=amount,
                expected_close_date=timezone.localdate()
                + timedelta(days=len(self.steps) * 6 + rng.randrange(20, 90)),
                analysis="客户预算已立项，决策链清晰；主要风险在竞品低价。",
                followup_plan="两周内完成技术交流，随后提交方案并安排高层拜访。",
            )
        for step in self.steps:
            self.advance()
            with self.at():
                self._step(*step.split(":"))
        return self.opportunity

    def _ready_customer(self):
        """The needs stage asks for a needs survey and a decision maker: the rep got both
        before the opportunity was opened."""
        customer = self.customer
        if not NeedsSurvey.objects.filter(customer=customer).exists():
            contact = customer.contacts.first()
            needs_survey_create(
                by=self.owner,
                customer=customer,
                needs=[
                    ("统一管理客户与订单数据", NeedLine.Priority.MUST),
                    ("移动端审批", NeedLine.Priority.MUST),
                    ("经营分析看板", NeedLine.Priority.VALUE_ADD),
                ],
                survey_date=timezone.localdate(),
                respondent=contact.name if contact else "张经理",
                respondent_title=contact.title if contact else "IT总监",
                pain_points="系统分散，数据口径不一致",
                budget_min=customer.budget_min,
                budget_max=customer.budget_max,
                decision_process=customer.decision_process,
            )
        decision_maker = Contact.DecisionRole.DECISION_MAKER
        if not customer.contacts.filter(decision_role=decision_maker).exists():
            contact_create(
                by=self.owner,
                customer=customer,
                name="钱总",
                title="总经理",
                phone=f"139{customer.pk:08d}",
                decision_role=decision_maker,
            )

    # --- the steps ---------------------------------------------------------------------

    def _step(self, action, argument=None):
        if argument is None and action in ("needs", "proposal", "negotiation"):
            self._move(action)
        else:
            getattr(self, "_" + action)(argument)

    def _move(self, code):
        opportunity = self.opportunity
        if code == "proposal" and not opportunity.competitors.exists():
            for name, strengths, position in self.rng.sample(COMPETITORS, 2):
                competitor_add(
                    opportunity=opportunity,
                    by=self.owner,
                    name=name,
                    strengths=strengths,
                    price_position=position,
                )
        stage = Stage.objects.get(code=code)
        if code == "negotiation":
            for requirement in stage.requirements.filter(kind="custom"):
                opportunity_tick(opportunity=opportunity, requirement=requirement, by=self.owner)
        opportunity_move(opportunity=opportunity, to_stage=stage, by=self.owner)
        self._reload()

    def _back(self, code):
        self._move(code)

    def _skip(self, code):
        """The rep asks to skip to `code`; the manager agrees and the rep moves."""
        request = self._skip_pending(code)
        stage_skip_decide(
            skip_request=request, by=self.manager, approve=True, comment="客户高层已直接确认需求"
        )
        self._move(code)

    def _skip_pending(self, code):
        return stage_skip_request(
            opportunity=self.opportunity,
            to_stage=Stage.objects.get(code=code),
            by=self.owner,
            reason="客户总经理已确认需求与预算，希望直接看方案",
        )

    def _extend(self, _argument, *, decide=False):
        due = self.opportunity.solution_due
        new_due = workdays.add_working_days(max(due, timezone.localdate()), 4)
        extension = extension_request(
            opportunity=self.opportunity,
            by=self.owner,
            new_due=new_due,
            reason="客户技术负责人出差，方案评审会推迟",
        )
        if decide:
            extension_decide(extension=extension, by=self.manager, approve=True)
        self._reload()

    def _extend_approved(self, argument):
        self._extend(argument, decide=True)

    def _won(self, _argument):
        opportunity_win(opportunity=self.opportunity, by=self.owner, reason="合同已签")

    def _lost(self, reason_name):
        reason = self.reasons[reason_name]
        competitor = self.opportunity.competitors.first() if reason.needs_competitor else None
        opportunity_lose(
            opportunity=self.opportunity,
            by=self.owner,
            lost_reason=reason,
            won_competitor=competitor,
            note="客户最终选择了其他方案",
        )
        self._reload()

    def _reopen(self, code):
        opportunity_reopen(
            opportunity=self.opportunity,
            to_stage=Stage.objects.get(code=code),
            by=self.manager,
            reason="客户新一年度预算已批，重新启动",
        )
        self._reload()

    def _reload(self):
        self.opportunity = Opportunity.objects.get(pk=self.opportunity.pk)

    # --- quotes ----------------------------------------------------------------------------

    def _lines(self, *, discount):
        rng = self.rng
        lines = [
            {
                "product": product,
                "quantity": Decimal(rng.choice([1, 1, 2, 5, 10, 20])),
                "discount_percent": Decimal(rng.choice([0, 0, 5, 10])),
            }
            for product in rng.sample(self.products, rng.randrange(2, 4))
        ]
        if discount:
            lines[0]["discount_percent"] = Decimal(25)  # beyond the limit: the director too
        if rng.random() < 0.5:
            lines.append(
                {
                    "description": "现场实施服务",
                    "unit": "人天",
                    "quantity": Decimal(rng.randrange(5, 30)),
                    "unit_price": Decimal("2400.00"),
                    "vat_rate": "6",
                    "unit_cost": Decimal("1200.00"),
                }
            )
        return lines

    def _q(self, action):
        rng, quote, owner = self.rng, self.quote, self.owner
        if action in ("draft", "draft-discount"):
            today = timezone.localdate()
            quote = quote_create(
                opportunity=self.opportunity,
                by=owner,
                name=f"{PROJECTS[self.index]}解决方案",
                implementation_period=f"合同签订后{rng.choice([30, 45, 60, 90])}天",
                value_added_services="免费培训两次，一年原厂维保",
                highlights="行业案例丰富，本地化实施团队",
                valid_until=today + timedelta(days=60),
            )
            quote = quote_update(
                quote=quote, by=owner, lines=self._lines(discount=action == "draft-discount")
            )
        elif action == "submit":
            quote = quote_submit(quote=quote, by=owner)
        elif action == "approve":
            quote = quote_review_decide(quote=quote, by=self.manager, approve=True)
        elif action == "reject":
            quote = quote_review_decide(
                quote=quote, by=self.manager, approve=False, comment="毛利偏低，请调整实施报价"
            )
        elif action == "director-approve":
            quote = quote_director_decide(quote=quote, by=self.director, approve=True)
        elif action == "director-reject":
            quote = quote_director_decide(
                quote=quote, by=self.director, approve=False, comment="折扣超出权限，请重新报价"
            )
        elif action == "send":
            quote = quote_mark_sent(quote=quote, by=owner)
        elif action == "accept":
            quote = quote_mark_accepted(quote=quote, by=owner)
        elif action == "decline":
            quote = quote_mark_declined(quote=quote, by=owner, comment="客户认为价格偏高")
        else:
            raise ValueError(f"unknown quote step {action!r}")
        self.quote = quote


# --- the catalogue and the forecast ------------------------------------------------------


def _products(director):
    codes = [p[0] for p in PRODUCTS]
    existing = set(Product.objects.filter(code__in=codes).values_list("code", flat=True))
    for code, name, category, unit, price, cost, vat in PRODUCTS:
        if code not in existing:
            product_create(
                by=director,
                code=code,
                name=name,
                category=category,
                unit=unit,
                list_price=Decimal(price),
                unit_cost=Decimal(cost),
                vat_rate=vat,
            )
    return list(Product.objects.filter(code__in=codes, is_active=True).order_by("code"))


def _forecasts(now):
    """Each demo team's manager commits last month, this month (twice: revised up) and next
    month, from the team's pipeline at the time."""
    made = 0
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    months = [(this_month - timedelta(days=1)).replace(day=1), this_month]
    months.append((this_month + timedelta(days=32)).replace(day=1))
    for team in Team.objects.filter(kind=Team.Kind.TEAM, members__username__in=REPS).distinct():
        manager = policy.approver_for(team.members.filter(username__in=REPS).first())
        pipeline = Opportunity.objects.filter(owner__team=team, name__in=demo_names())
        for month in months:
            if ForecastCommit.objects.filter(team=team, month=month).exists():
                continue
            amounts = [
                o.expected_amount
                for o in pipeline
                if o.expected_close_date.replace(day=1) == month
                and o.status != Opportunity.Status.LOST
            ]
            best = (sum(amounts, Decimal(0)) + Decimal(300000)).quantize(Decimal(10000))
            rounds = [Decimal("0.5"), Decimal("0.6")] if month == this_month else [Decimal("0.6")]
            for n, share in enumerate(rounds):
                # A week before the month starts (a revision three days later), never later
                # than now.
                planned = datetime.combine(month - timedelta(days=7 - 3 * n), time(10))
                later = now - timedelta(hours=2 * (len(rounds) - n))
                with _clock(min(timezone.make_aware(planned), later)):
                    forecast_commit(
                        by=manager,
                        team=team,
                        month=month,
                        best_case=best,
                        commit=(best * share).quantize(Decimal(10000)),
                        note="按周例会评审结果" if n else "",
                    )
                made += 1
    return made


# --- the hook -----------------------------------------------------------------------------


@transaction.atomic
def seed():
    """Create what is missing; returns a one-line summary."""
    users = {u.username: u for u in User.objects.filter(username__in=[*REPS, "director"])}
    director = users["director"]
    products = _products(director)
    reasons = {reason.name: reason for reason in LostReason.objects.all()}
    names = demo_names()
    existing = set(Opportunity.objects.filter(name__in=names).values_list("name", flat=True))
    mine = {
        username: list(
            Customer.objects.filter(
                owner=users[username], name__in=customers_demo.demo_names()
            ).order_by("pk")
        )
        for username in REPS
    }
    now = timezone.now()
    created = 0
    for index, name in enumerate(names):
        if name in existing:
            continue
        username = REPS[index % len(REPS)]
        customers = mine[username]
        story = _Story(
            index=index,
            owner=users[username],
            customer=customers[(index // len(REPS)) % len(customers)],
            director=director,
            products=products,
            reasons=reasons,
            now=now,
        )
        story.run(name)
        created += 1
    commits = _forecasts(now)
    demo = Opportunity.objects.filter(name__in=names)
    quotes = Quote.objects.filter(opportunity__in=demo)
    return (
        f"Demo opportunities: {demo.count()} ({created} new) in "
        f"{demo.values('stage').distinct().count()} stages, {quotes.count()} quote versions in "
        f"{quotes.values('status').distinct().count()} states, "
        f"{StageSkipRequest.objects.filter(opportunity__in=demo, status='pending').count()} "
        f"skip request and "
        f"{ExtensionRequest.objects.filter(opportunity__in=demo, status='pending').count()} "
        f"extension request waiting, {commits} new forecast commits."
    )

"""Needs surveys (需求调研表, template 2): need lines with a priority, budget and decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from customers import timeline
from customers.models import Customer, CustomerShare, NeedLine, NeedsSurvey
from tests.customers.helpers import survey_data
from tests.factories import CustomerFactory, NeedLineFactory, NeedsSurveyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="苏州华信电子有限公司")


def test_rep_records_a_survey_with_need_lines(client, rep, customer):
    client.force_login(rep)
    url = reverse("customers:survey-create", args=[customer.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 3  # blank rows, no script needed
    assert page.context["form"]["surveyor"].value() == rep.pk
    assert page.context["form"]["survey_date"].value() == timezone.localdate()

    response = client.post(url, survey_data(surveyor=rep))

    survey = NeedsSurvey.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("customers:survey-detail", args=[survey.pk])
    assert (survey.customer, survey.surveyor, survey.respondent) == (customer, rep, "陈主任")
    assert (survey.budget_min, survey.budget_max) == (Decimal("10"), Decimal("50"))
    assert survey.decision_process.startswith("信息中心提需求")
    lines = [(n.description, n.priority) for n in survey.needs.all()]
    assert lines == [("统一客户数据", "must"), ("移动端拜访签到", "value_add")]

    detail = client.get(response.url).content.decode()
    assert "陈主任 · 信息中心主任" in detail
    assert "Must-have" in detail and "Value-add" in detail
    assert "10–50" in detail
    assert "Needs survey saved." in detail


def test_a_manager_names_a_rep_of_the_team_as_surveyor(client, manager, rep, other_rep, customer):
    client.force_login(manager)
    url = reverse("customers:survey-create", args=[customer.pk])
    surveyors = set(client.get(url).context["form"].fields["surveyor"].queryset)
    assert surveyors == {manager, rep}
    client.post(url, survey_data(surveyor=rep))
    assert NeedsSurvey.objects.get().surveyor == rep


@pytest.mark.parametrize(
    ("overrides", "where", "message"),
    [
        ({"lines": ()}, "formset", "Add at least one need."),
        ({"lines": (("只有描述", ""),)}, "line", "Is this need a must-have or a value-add?"),
        (
            {"budget_min": "80", "budget_max": "50"},
            "budget_max",
            "The upper end cannot be below the lower end.",
        ),
        ({"budget_min": "-5"}, "budget_min", "A budget cannot be negative."),
        ({"respondent": ""}, "respondent", "Say whom you surveyed."),
        ({"pain_points": ""}, "pain_points", "Write the customer&#x27;s pain points."),
        (
            {"surveyor": "OTHER_REP"},
            "surveyor",
            "The surveyor must be someone who sees this customer.",
        ),
        ({"survey_date": "2026-02-31"}, "survey_date", "Enter a valid date."),
        ({"surveyor": ""}, "surveyor", "Choose who did the survey."),
    ],
)
def test_bad_survey_input_is_explained_and_nothing_saved(
    client, rep, other_rep, customer, overrides, where, message
):
    lines = overrides.pop("lines", None)
    data = survey_data(lines, rep) if lines is not None else survey_data(surveyor=rep)
    data.update({k: other_rep.pk if v == "OTHER_REP" else v for k, v in overrides.items()})
    client.force_login(rep)
    response = client.post(reverse("customers:survey-create", args=[customer.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if where == "formset":
        assert message in response.context["formset"].non_form_errors()
    elif where == "line":
        assert response.context["formset"].forms[0].errors["priority"]
    else:
        assert response.context["form"].errors[where]
    assert not NeedsSurvey.objects.exists()
    assert not NeedLine.objects.exists()


def test_blank_rows_are_ignored(client, rep, customer):
    client.force_login(rep)
    data = survey_data(lines=(("", ""), ("报表导出", "must"), ("", "")), surveyor=rep)
    assert (
        client.post(reverse("customers:survey-create", args=[customer.pk]), data).status_code == 302
    )
    assert [n.description for n in NeedLine.objects.all()] == ["报表导出"]


def test_htmx_adds_a_need_line_row(client, rep, customer):
    client.force_login(rep)
    response = client.get(
        reverse("customers:survey-need-line"),
        {"needs-TOTAL_FORMS": "3"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'name="needs-3-description"' in html
    assert 'name="needs-3-priority"' in html
    assert 'name="needs-TOTAL_FORMS" value="4"' in html and 'hx-swap-oob="true"' in html

    data = survey_data(surveyor=rep, **{"needs-TOTAL_FORMS": "4"})
    data.update({"needs-3-description": "第四条需求", "needs-3-priority": "value_add"})
    client.post(reverse("customers:survey-create", args=[customer.pk]), data)
    assert NeedLine.objects.filter(description="第四条需求").exists()


# --- who may see and write -----------------------------------------------------------------


def test_read_only_colleague_reads_but_does_not_write(client, rep, customer):
    reader = UserFactory(username="reader", team=rep.team)
    CustomerShare.objects.create(customer=customer, user=reader, can_edit=False)
    survey = NeedsSurveyFactory(customer=customer)
    client.force_login(reader)
    assert client.get(reverse("customers:survey-detail", args=[survey.pk])).status_code == 200
    create = reverse("customers:survey-create", args=[customer.pk])
    assert client.get(create).status_code == 403
    assert client.post(create, survey_data()).status_code == 403
    assert NeedsSurvey.objects.count() == 1


# --- on the customer page ----------------------------------------------------------------


def render_surveys(customer_pk):
    customer = Customer.objects.prefetch_related("surveys__needs").get(pk=customer_pk)
    with translation.override("en"):
        return render_to_string("customers/partials.html#customer_surveys", {"customer": customer})


def test_customer_page_section_shows_surveys_with_priorities(rep, customer):
    older = NeedsSurveyFactory(
        customer=customer, survey_date=timezone.localdate() - timedelta(days=30), respondent="老李"
    )
    newer = NeedsSurveyFactory(customer=customer, respondent="小王", pain_points="库存不准")
    NeedLineFactory(survey=newer, description="实时库存", priority=NeedLine.Priority.MUST)
    NeedLineFactory(survey=newer, description="手机查询", priority=NeedLine.Priority.VALUE_ADD)

    html = render_surveys(customer.pk)

    assert html.index("小王") < html.index("老李")  # newest first
    assert newer.survey_date.isoformat() in html
    assert "库存不准" in html
    assert "实时库存" in html and "Must-have" in html
    assert "手机查询" in html and "Value-add" in html
    assert reverse("customers:survey-detail", args=[newer.pk]) in html
    assert reverse("customers:survey-detail", args=[older.pk]) in html


def test_no_survey_yet(rep, customer):
    assert "No needs survey yet." in render_surveys(customer.pk)


def test_surveys_section_runs_the_same_queries_with_1_and_20_surveys(
    rep, customer, django_assert_num_queries
):
    """With prefetch_related("surveys__needs") on the page's customer the section itself
    queries nothing, however many surveys and lines there are."""

    def fetch_and_render():
        with django_assert_num_queries(3):  # the customer, its surveys, their need lines
            found = Customer.objects.prefetch_related("surveys__needs").get(pk=customer.pk)
        with django_assert_num_queries(0):
            return render_to_string("customers/partials.html#customer_surveys", {"customer": found})

    NeedLineFactory(survey=NeedsSurveyFactory(customer=customer))
    assert fetch_and_render().count('href="/customers/surveys/') == 1
    for _ in range(19):
        NeedLineFactory.create_batch(3, survey=NeedsSurveyFactory(customer=customer))
    assert fetch_and_render().count('href="/customers/surveys/') == 20


def test_timeline_links_the_survey(rep, customer):
    survey = NeedsSurveyFactory(customer=customer)
    [event] = [e for e in timeline.events_for(customer, rep) if e.kind == "survey"]
    assert event.url == reverse("customers:survey-detail", args=[survey.pk])

"""One look across the customers pages (issue 9 points 8 and 9): one colour per grade, a
greeting that names only what exists, no "---------" choices, relative times that read
naturally in Chinese, tags that never repeat a field, translated aria-labels."""

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from crm_site import hooks
from customers.filters import CustomerFilter
from customers.models import Tag
from tests.factories import CustomerFactory, PoolFactory, TagFactory

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


def chinese_client(user):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


# --- one colour per grade ----------------------------------------------------------------


def test_each_grade_has_one_colour_defined_once_and_none_is_a_warning_colour():
    for grade in ("a", "b", "c"):
        assert len(re.findall(rf"\.grade-{grade}\s*\{{", CSS)) == 1, grade
    colours = dict(re.findall(r"--crm-grade-([abc]):\s*(#[0-9a-fA-F]{6})", CSS))
    assert len(set(colours.values())) == 3
    # not Bootstrap's danger (overdue), warning (warnings) or success (check-in)
    assert not set(colours.values()) & {"#dc3545", "#ffc107", "#198754"}


def test_the_grading_settings_and_pool_settings_show_grades_as_badges(client, admin_user):
    PoolFactory()
    client.force_login(admin_user)
    for url in (reverse("customers:grading-settings"), reverse("customers:pool-settings")):
        html = client.get(url).content.decode()
        assert "grade-badge grade-a" in html, url
        assert 'text-bg-primary">A<' not in html and 'text-bg-info">B<' not in html


# --- the greeting names only what exists ---------------------------------------------------


def test_the_greeting_names_what_the_rep_does_and_grows_with_the_apps(client, rep):
    client.force_login(rep)
    lines = client.get(reverse("home")).context["greeting"]
    assert "Log your visits and calls and keep every customer on cadence." in lines
    assert not any("KPI" in str(line) for line in lines)  # no dashboards exist for reps

    def later_app(*, user):
        return "Read your scorecard."

    with hooks.register_temporarily(hooks.HOME_GREETING, later_app, order=999):
        lines = client.get(reverse("home")).context["greeting"]
    assert lines[-1] == "Read your scorecard."


def test_a_manager_and_an_admin_are_greeted_for_their_work(client, manager, admin_user):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert "confirm A grades and hand customers over" in html
    client.force_login(admin_user)
    assert "Manage users, teams, roles" in client.get(reverse("home")).content.decode()


# --- no "---------" ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "customer-create",
        "customer-update",
        "contact-create",
        "followup-create",
        "survey-create",
        "customer-list",
        "task-create",
        "quick-log",
        "handover",
        "pool-list",
        "customer-import",
    ],
)
def test_no_empty_choice_reads_dashes(client, manager, rep, page):
    customer = CustomerFactory(owner=rep)
    needs_pk = {"customer-update", "contact-create", "followup-create", "survey-create"}
    url = reverse(f"customers:{page}", args=[customer.pk] if page in needs_pk else [])
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200, url
    assert "---------" not in response.content.decode()


def test_admin_pages_have_no_dashes_either(client, admin_user):
    client.force_login(admin_user)
    for name in ("grading-settings", "pool-create", "ownership-log"):
        html = client.get(reverse(f"customers:{name}")).content.decode()
        assert "---------" not in html, name


def test_the_empty_choice_says_please_choose_in_chinese(rep):
    client = chinese_client(rep)
    html = client.get(reverse("customers:customer-create")).content.decode()
    assert "请选择" in html


# --- relative times read naturally ----------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=10), "刚刚"),
        (timedelta(days=3, hours=5), "3 天前"),
        (timedelta(days=65), "2 个月前"),
        (timedelta(days=400), "1 年前"),
    ],
)
def test_ago_reads_naturally_in_chinese(delta, expected):
    template = Template("{% load customer_ui %}{{ when|ago }}")
    with translation.override("zh-hans"):
        text = template.render(Context({"when": timezone.now() - delta}))
    assert text.replace("\xa0", " ") == expected


def test_djangos_own_timesince_no_longer_says_months_as_calendar_months():
    template = Template("{{ when|timesince }}")
    with translation.override("zh-hans"):
        text = template.render(Context({"when": timezone.now() - timedelta(days=65)}))
    assert text.replace("\xa0", " ") == "2 个月"


@pytest.mark.parametrize(("days", "expected"), [(5, "已逾期 5 天"), (75, "已逾期 2 个月")])
def test_an_overdue_flag_counts_months_when_it_is_long(days, expected):
    template = Template("{% load customer_ui %}{% overdue_flag due %}")
    with translation.override("zh-hans"):
        html = template.render(Context({"due": timezone.localdate() - timedelta(days=days)}))
    assert expected in html


# --- tags never repeat a field (point 9) ----------------------------------------------------


def test_there_is_no_source_tag_dimension_and_industry_tags_are_segments():
    assert "source" not in Tag.Dimension.values
    with translation.override("zh-hans"):
        assert str(Tag.Dimension.INDUSTRY.label) == "细分行业"
    assert "tag_source" not in CustomerFilter.base_filters


def test_old_source_tags_become_custom_tags(rep):
    migration = importlib.import_module(
        "customers.migrations.0021_tags_never_repeat_industry_or_source"
    )
    custom = TagFactory(name="老客户转介绍", dimension=Tag.Dimension.CUSTOM)
    # rows written before the dimension left the choices
    source = TagFactory(name="展会获客", dimension=Tag.Dimension.CUSTOM)
    twin = TagFactory(name="老客户转介绍", dimension=Tag.Dimension.NEED)
    Tag.objects.filter(pk__in=[source.pk, twin.pk]).update(dimension="source")
    first, second = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    first.tags.add(twin, custom)
    second.tags.add(twin, source)

    migration.source_tags_become_custom(apps, None)

    assert not Tag.objects.filter(dimension="source").exists()
    assert Tag.objects.get(pk=source.pk).dimension == Tag.Dimension.CUSTOM
    assert not Tag.objects.filter(pk=twin.pk).exists()
    assert set(first.tags.all()) == {custom}
    assert set(second.tags.all()) == {custom, Tag.objects.get(pk=source.pk)}


# --- aria-labels -----------------------------------------------------------------------------


def test_icon_only_buttons_of_the_list_have_translated_names(rep):
    CustomerFactory(owner=rep)
    html = chinese_client(rep).get(reverse("customers:customer-list")).content.decode()
    assert 'aria-label="导出 Excel"' in html
    assert 'aria-label="breadcrumb"' not in html


def test_breadcrumbs_are_named_in_chinese(rep):
    customer = CustomerFactory(owner=rep)
    html = chinese_client(rep).get(reverse("customers:customer-detail", args=[customer.pk]))
    assert 'aria-label="导航路径"' in html.content.decode()

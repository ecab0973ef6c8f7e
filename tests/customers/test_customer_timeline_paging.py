"""The customer page of a customer with hundreds of follow-ups: the page comes first and
loads its timeline after (htmx), which shows the newest events; "Show older events" (and a
browser without JavaScript) reads the rest the timeline keeps on the page itself. The same
queries whatever the number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import timeline
from customers.models import FollowUp
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _followups(customer, count):
    start = timezone.now() - timedelta(days=count + 1)
    FollowUp.objects.bulk_create(
        FollowUp(
            customer=customer,
            author=customer.owner,
            method=FollowUp.Method.PHONE,
            occurred_at=start + timedelta(days=n),
            summary=f"第{n}次跟进",
        )
        for n in range(count)
    )


def _followup_events(response):
    return [event for event in response.context["timeline"] if event.kind == "followup"]


def _urls(customer):
    page = reverse("customers:customer-detail", args=[customer.pk])
    return page, reverse("customers:customer-timeline", args=[customer.pk])


def test_the_page_loads_its_timeline_after_itself(client, rep):
    customer = CustomerFactory(owner=rep)
    _followups(customer, 3)
    client.force_login(rep)
    url, timeline_url = _urls(customer)
    html = client.get(url).content.decode()
    assert f'hx-get="{timeline_url}"' in html
    assert "第2次跟进" not in html  # not read by the page
    assert "<noscript>" in html and "?timeline=all#timeline" in html


def test_another_reps_customer_has_no_timeline(client, rep, other_rep):
    customer = CustomerFactory(owner=other_rep)
    client.force_login(rep)
    assert client.get(_urls(customer)[1]).status_code == 404


def test_the_page_shows_the_newest_events_and_older_ones_on_request(client, rep):
    customer = CustomerFactory(owner=rep)
    _followups(customer, 200)
    client.force_login(rep)
    url, timeline_url = _urls(customer)

    response = client.get(timeline_url)
    events = response.context["timeline"]
    assert len(events) == timeline.PAGE
    newest = [event.body for event in _followup_events(response)[:2]]
    assert newest == ["第199次跟进", "第198次跟进"]
    assert 'id="timeline-older"' in response.content.decode()

    older = client.get(url, {"timeline": "all"})
    assert len(older.context["timeline"]) == timeline.MAX_EVENTS
    assert 'id="timeline-older"' not in older.content.decode()


def test_a_short_timeline_has_no_older_link(client, rep):
    customer = CustomerFactory(owner=rep)
    _followups(customer, 3)
    client.force_login(rep)
    response = client.get(_urls(customer)[1])
    assert len(_followup_events(response)) == 3
    assert 'id="timeline-older"' not in response.content.decode()


def test_the_page_reads_only_the_follow_ups_it_shows(client, rep, django_assert_num_queries):
    customer = CustomerFactory(owner=rep)
    _followups(customer, 1)
    client.force_login(rep)
    url = _urls(customer)[1]
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    expected = len(first.captured_queries)
    _followups(customer, 199)
    with django_assert_num_queries(expected) as many:
        client.get(url)
    [followups] = [q["sql"] for q in many.captured_queries if "customers_followup" in q["sql"]]
    assert f"LIMIT {timeline.PAGE + 1}" in followups
    assert '"customers_followup"."feedback"' not in followups

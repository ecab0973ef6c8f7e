"""Saved views on the pipeline list, as the customer list has them: a rep names the current
filter and gets it back in one click; the two lists keep their views apart."""

import pytest
from django.urls import reverse

from customers.models import SavedView
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

URL = reverse("opportunities:opportunity-list")
CREATE = reverse("opportunities:savedview-create")
PIPELINE = SavedView.List.OPPORTUNITIES


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def test_a_rep_saves_the_pipeline_filter_and_gets_it_back(rep_client, rep, stages):
    customer = CustomerFactory(owner=rep)
    OpportunityFactory(customer=customer, name="大单", expected_amount="2000000.00")
    OpportunityFactory(customer=customer, name="小单", expected_amount="1000.00")
    response = rep_client.post(f"{CREATE}?amount_min=1000000&o=-amount&page=2", {"name": "大单"})
    saved = SavedView.objects.get(user=rep)
    # the position in the list is not part of the view
    assert (saved.list, saved.name, saved.query) == (
        PIPELINE,
        "大单",
        "amount_min=1000000&o=-amount",
    )
    assert response.status_code == 302 and response.url == f"{URL}?{saved.query}"

    page = rep_client.get(f"{URL}?{saved.query}").content.decode()
    assert 'aria-current="true">大单</a>' in page
    assert 'id="opportunity-' in page and "小单" not in page


def test_pipeline_views_and_customer_views_stay_on_their_own_list(rep_client, rep, stages):
    SavedView.objects.create(user=rep, name="客户视图", query="grade=A")
    SavedView.objects.create(user=rep, name="商机视图", query="status=open", list=PIPELINE)
    pipeline = rep_client.get(URL).content.decode()
    customers = rep_client.get(reverse("customers:customer-list")).content.decode()
    assert "商机视图" in pipeline and "客户视图" not in pipeline
    assert "客户视图" in customers and "商机视图" not in customers

    # the same name on the other list is fine; on the same list it is refused
    rep_client.post(f"{CREATE}?grade=A", {"name": "客户视图"})
    assert SavedView.objects.filter(user=rep, list=PIPELINE, name="客户视图").exists()
    response = rep_client.post(f"{CREATE}?grade=B", {"name": "商机视图"})
    assert response.status_code == 200
    assert "You already have a saved view called “商机视图”" in response.content.decode()
    assert SavedView.objects.get(user=rep, list=PIPELINE, name="商机视图").query == "status=open"


def test_a_saved_view_needs_a_name(rep_client, rep, stages):
    response = rep_client.post(f"{CREATE}?status=open", {"name": "  "})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not SavedView.objects.exists()


def test_users_delete_only_their_own_pipeline_views(rep_client, rep, manager, stages):
    mine = SavedView.objects.create(user=rep, name="我的", query="status=open", list=PIPELINE)
    theirs = SavedView.objects.create(
        user=manager, name="经理的", query="status=won", list=PIPELINE
    )
    assert "经理的" not in rep_client.get(URL).content.decode()

    delete = "opportunities:savedview-delete"
    assert rep_client.post(reverse(delete, args=[theirs.pk])).status_code == 404
    # the customer list's delete does not reach a pipeline view either
    customers_delete = reverse("customers:savedview-delete", args=[mine.pk])
    assert rep_client.post(customers_delete).status_code == 404
    response = rep_client.post(f"{reverse(delete, args=[mine.pk])}?status=lost")
    assert response.status_code == 302 and response.url == f"{URL}?status=lost"
    assert list(SavedView.objects.values_list("name", flat=True)) == ["经理的"]


def test_a_user_without_the_pipeline_may_not_save_a_view(client, legal, stages):
    client.force_login(legal)
    assert client.post(f"{CREATE}?status=open", {"name": "x"}).status_code == 403
    assert not SavedView.objects.exists()

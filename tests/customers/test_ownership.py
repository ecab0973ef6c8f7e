"""Customers leave a team only through the front door: a share (协作人), even read-write,
lets a colleague edit the record, never move it. Changing the owner, merging, bulk reassign
and handover all need the customer within the user's reach by ownership: their own, their
team subtree for managers, everything for directors, the general manager and admins."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from customers import services
from customers.models import Customer, CustomerShare, Merge, Task
from customers.permissions import (
    can_edit_customer,
    can_manage_ownership,
    can_merge_customer,
    can_share_customer,
)
from teams.models import Role
from tests.factories import ContactFactory, CustomerFactory, TaskFactory, UserFactory

from .test_customer_edit import edit_payload

pytestmark = pytest.mark.django_db

# Who may do what with a customer of a colleague in the user's own team (team A) or in
# another team (team C), holding no share of it, a read-only or a read-write one.
# edit: the edit form; merge: merge it (either way round) with one of the user's own team;
# owner: give it to someone through the edit form; reassign: bulk reassign (and handover).
# The general manager reassigns everything but edits (and so merges, or changes the owner in
# the edit form) only what is shared with them read-write.
RULES = """
role             customer   share       edit  merge  owner  reassign
rep              own_team   none        no    no     no     no
rep              own_team   read_only   no    no     no     no
rep              own_team   read_write  yes   no     no     no
rep              other_team none        no    no     no     no
rep              other_team read_only   no    no     no     no
rep              other_team read_write  yes   no     no     no
manager          own_team   none        yes   yes    yes    yes
manager          own_team   read_only   yes   yes    yes    yes
manager          own_team   read_write  yes   yes    yes    yes
manager          other_team none        no    no     no     no
manager          other_team read_only   no    no     no     no
manager          other_team read_write  yes   no     no     no
director         own_team   none        yes   yes    yes    yes
director         own_team   read_only   yes   yes    yes    yes
director         own_team   read_write  yes   yes    yes    yes
director         other_team none        yes   yes    yes    yes
director         other_team read_only   yes   yes    yes    yes
director         other_team read_write  yes   yes    yes    yes
general_manager  own_team   none        no    no     no     yes
general_manager  own_team   read_only   no    no     no     yes
general_manager  own_team   read_write  yes   yes    yes    yes
general_manager  other_team none        no    no     no     yes
general_manager  other_team read_only   no    no     no     yes
general_manager  other_team read_write  yes   yes    yes    yes
admin_user       own_team   none        yes   yes    yes    yes
admin_user       own_team   read_only   yes   yes    yes    yes
admin_user       own_team   read_write  yes   yes    yes    yes
admin_user       other_team none        yes   yes    yes    yes
admin_user       other_team read_only   yes   yes    yes    yes
admin_user       other_team read_write  yes   yes    yes    yes
"""


def _rules():
    _header, *rows = RULES.strip().splitlines()
    params = []
    for row in rows:
        role, side, share, *answers = row.split()
        params.append(
            pytest.param(
                role, side, share, *(a == "yes" for a in answers), id=f"{role}-{side}-{share}"
            )
        )
    return params


@pytest.fixture
def rep2(org):
    """A colleague of `rep` and `manager` in team A."""
    return UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"])


@pytest.fixture
def customers(rep, rep2, other_rep):
    return {
        "own_team": CustomerFactory(owner=rep2, name="团队内客户有限公司"),
        "other_team": CustomerFactory(owner=other_rep, name="外团队客户有限公司"),
        # What a merge keeps or absorbs alongside: a customer of `rep` (team A).
        "partner": CustomerFactory(owner=rep, name="本团队另一客户有限公司"),
    }


class _Undo(Exception):
    pass


def succeeds(action):
    """Whether `action` is allowed: it runs, and what it wrote is rolled back."""
    try:
        with transaction.atomic():
            action()
            raise _Undo
    except _Undo:
        return True
    except PermissionDenied:
        return False


def update_url(customer):
    return reverse("customers:customer-update", args=[customer.pk])


@pytest.mark.parametrize(("role", "side", "share", "edit", "merge", "owner", "reassign"), _rules())
def test_who_may_move_a_customer(
    request, client, customers, rep, role, side, share, edit, merge, owner, reassign
):
    user = request.getfixturevalue(role)
    customer, partner = customers[side], customers["partner"]
    if share != "none":
        CustomerShare.objects.create(customer=customer, user=user, can_edit=share == "read_write")
    if partner.owner_id != user.pk:
        # The other side of a merge is one the user may edit, so the cell decides alone.
        CustomerShare.objects.create(customer=partner, user=user, can_edit=True)
    # Whom a manager would hand it to: `rep`, of team A; a rep can only take it themselves.
    new_owner = rep if role != "rep" else user

    assert can_edit_customer(user, customer) is edit
    assert can_merge_customer(user, customer) is merge
    # One predicate decides whether the customer may move at all; merge and owner add to it
    # only that the user edits customers (the general manager does not).
    assert can_manage_ownership(user, customer) is reassign
    assert Customer.objects.managed_by(user).filter(pk=customer.pk).exists() is reassign

    assert succeeds(lambda: services.customer_merge(by=user, keep=partner, merge=customer)) is merge
    assert succeeds(lambda: services.customer_merge(by=user, keep=customer, merge=partner)) is merge
    assert (
        succeeds(lambda: services.customer_update(by=user, customer=customer, owner=new_owner))
        is owner
    )
    assert (
        succeeds(
            lambda: services.customers_bulk_reassign(by=user, customers=[customer], to_user=rep)
        )
        is reassign
    )

    client.force_login(user)
    page = client.get(update_url(customer))
    if edit:
        assert page.status_code == 200
        assert ("owner" in page.context["form"].fields) is owner
    else:
        assert page.status_code in (403, 404)
    merge_page = client.get(
        reverse("customers:customer-merge-confirm", args=[partner.pk, customer.pk])
    )
    assert (merge_page.status_code == 200) is merge
    customer.refresh_from_db()
    assert customer.owner.username == {"own_team": "rep2", "other_team": "other_rep"}[side]


# --- the side door, through the pages --------------------------------------------------------


@pytest.fixture
def foreign(other_rep, manager):
    """Another team's customer that `manager` (team A) holds a read-write share of."""
    customer = CustomerFactory(owner=other_rep, name="外团队共享客户有限公司")
    CustomerShare.objects.create(customer=customer, user=manager, can_edit=True)
    ContactFactory(customer=customer, name="钱总")
    return customer


def test_a_read_write_share_does_not_merge_a_customer_into_the_team(client, manager, rep, foreign):
    mine = CustomerFactory(owner=rep, name="本团队客户有限公司")
    client.force_login(manager)
    detail = client.get(reverse("customers:customer-detail", args=[foreign.pk]))
    assert detail.status_code == 200
    assert 'id="merge-customer"' not in detail.content.decode()
    url = reverse("customers:customer-merge-confirm", args=[mine.pk, foreign.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    url = reverse("customers:customer-merge-confirm", args=[foreign.pk, mine.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert client.get(reverse("customers:customer-merge", args=[foreign.pk])).status_code == 403
    assert Customer.objects.filter(pk=foreign.pk).exists() and not Merge.objects.exists()
    assert foreign.contacts.get().name == "钱总"


def test_the_merge_search_offers_only_customers_the_user_may_merge(client, manager, rep, foreign):
    mine = CustomerFactory(owner=rep, name="外团队共享客户（分公司）")
    client.force_login(manager)
    page = client.get(reverse("customers:customer-merge", args=[mine.pk]), {"q": "外团队共享"})
    assert page.context["results"] == [] and page.context["likely"] == []


def test_a_read_write_share_does_not_change_the_owner_through_the_edit_form(
    client, manager, rep, foreign
):
    client.force_login(manager)
    page = client.get(update_url(foreign))
    assert page.status_code == 200 and "owner" not in page.context["form"].fields
    response = client.post(update_url(foreign), edit_payload(foreign, notes="改过", owner=rep.pk))
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.notes == "改过"  # editing the record is what the share is for
    assert foreign.owner.username == "other_rep"
    with pytest.raises(PermissionDenied):
        services.customer_update(by=manager, customer=foreign, owner=rep)
    foreign.refresh_from_db()
    assert foreign.owner.username == "other_rep"


def test_a_read_write_colleague_does_not_share_the_customer_onward(
    client, manager, rep, other_rep, foreign
):
    """Who sees a customer is its owner's side's decision; a colleague works on it."""
    client.force_login(manager)
    page = client.get(reverse("customers:customer-detail", args=[foreign.pk]))
    assert page.context["can"]["edit"] and not page.context["can"]["share"]
    url = reverse("customers:share-create", args=[foreign.pk])
    assert client.post(url, {"user": rep.pk, "access": "edit"}).status_code == 403
    share = foreign.shares.get()
    assert client.post(reverse("customers:share-delete", args=[share.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.customer_share(by=manager, customer=foreign, user=rep, can_edit=True)
    assert list(foreign.shares.values_list("user__username", flat=True)) == ["manager"]
    assert can_share_customer(other_rep, foreign)  # the owner still decides


# --- the owner field and the services ---------------------------------------------------------


def test_the_owner_choices_are_the_colleagues_the_user_may_assign(
    client, manager, rep, rep2, other_rep, director, org
):
    customer = CustomerFactory(owner=rep2)
    client.force_login(manager)
    owners = set(client.get(update_url(customer)).context["form"].fields["owner"].queryset)
    assert {rep, rep2, manager} <= owners
    assert other_rep not in owners and director not in owners
    client.force_login(director)
    owners = set(client.get(update_url(customer)).context["form"].fields["owner"].queryset)
    assert {rep, rep2, manager, other_rep, director} <= owners


def test_a_manager_gives_a_customer_to_a_rep_and_the_work_follows(client, manager, rep, rep2):
    customer = CustomerFactory(owner=rep2)
    open_task = TaskFactory(customer=customer, owner=rep2, title="回访")
    CustomerShare.objects.create(customer=customer, user=rep, can_edit=False)
    client.force_login(manager)
    response = client.post(update_url(customer), edit_payload(customer, owner=rep.pk))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == rep
    # As in a handover: the old owner's open tasks go along, and the share is not needed.
    assert Task.objects.get(pk=open_task.pk).owner == rep
    assert not customer.shares.exists()
    assert customer.history.first().history_user == manager


def test_the_new_owner_must_be_within_reach(manager, rep2, other_rep, legal):
    customer = CustomerFactory(owner=rep2)
    for stranger in (other_rep, legal):
        with pytest.raises(PermissionDenied):
            services.customer_update(by=manager, customer=customer, owner=stranger)
    customer.refresh_from_db()
    assert customer.owner == rep2


def test_create_checks_the_owner(rep, manager, rep2, other_rep):
    fields = {"name": "新建客户有限公司", "status": Customer.Status.LEAD}
    with pytest.raises(PermissionDenied):
        services.customer_create(by=rep, owner=rep2, **fields)
    with pytest.raises(PermissionDenied):
        services.customer_create(by=manager, owner=other_rep, **fields)
    assert not Customer.objects.exists()
    assert services.customer_create(by=manager, owner=rep2, **fields).owner == rep2
    fields["name"] = "自己的客户"
    assert services.customer_create(by=rep, owner=rep, **fields).owner == rep

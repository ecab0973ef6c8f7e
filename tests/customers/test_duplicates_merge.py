"""Duplicate detection on entry (across ALL customers, revealing only name and owner) and
merging two customers into one (managers; everything linked moves; the merge is recorded)."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from crm_site import hooks
from customers import moves, selectors, services, timeline
from customers.models import (
    Contact,
    Customer,
    CustomerShare,
    FollowUp,
    GradeChange,
    GradeProposal,
    Handover,
    Merge,
    NeedsSurvey,
    Task,
)
from teams.history import history_rows, reason_text
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    NeedsSurveyFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("customers:customer-create")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def new_customer(**overrides):
    data = {
        "name": "新客户有限公司",
        "status": Customer.Status.LEAD,
        "annual_purchase_estimate": "0",
        "grade_source": Customer.GradeSource.COMPUTED,
    }
    data.update(overrides)
    return data


# --- duplicate detection --------------------------------------------------------------------


@pytest.fixture
def theirs(other_rep):
    """Another team's customer: `rep` may not see it."""
    customer = CustomerFactory(
        owner=other_rep,
        name="上海华谊（集团）有限公司",
        credit_code="91310000MA1FL1234X",
        phone="021-6234 5678",
        address="上海市徐汇区秘密路8号",
        notes="内部备注：年底有大单",
    )
    ContactFactory(customer=customer, name="赵总", phone="138 0013 8000", email="zhao@huayi.cn")
    return customer


OTHER_OWNER = {"owner": "", "team": "Team C", "pk": None}


@pytest.mark.parametrize(
    ("typed", "field", "matched"),
    [
        ({"name": "上海华谊集团"}, "name", ["same name"]),
        ({"name": "上海华谊 （集团） 有限公司"}, "name", ["same name"]),
        ({"name": "上海华谊(集团)公司"}, "name", ["same name"]),
        ({"name": "上海华谊集团股份有限公司"}, "name", ["same name"]),
        ({"credit_code": "91310000ma1fl1234x"}, "credit_code", ["same credit code"]),
        ({"credit_code": " 91310000MA1FL1234X "}, "credit_code", ["same credit code"]),
    ],
)
def test_the_same_name_or_credit_code_is_refused_even_with_save_anyway(
    client, rep, theirs, typed, field, matched
):
    client.force_login(rep)
    response = client.post(CREATE, new_customer(save_anyway="on", **typed))
    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be entered twice" in form.errors[field][0]
    assert form.duplicates == [
        {
            **OTHER_OWNER,
            "name": "上海华谊（集团）有限公司",
            "owner": theirs.owner.display_name,
            "fields": matched,
            "exact": True,
        }
    ]
    assert not form.may_save_anyway()
    text = response.content.decode()
    assert 'id="save-anyway"' not in text and "This customer exists already" in text
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "matched"),
    [
        ({"phone": "+86 21 6234 5678"}, ["same phone"]),
        ({"phone": "(021) 62345678"}, ["same phone"]),
        ({"phone": "+86 138-0013-8000"}, ["a contact's phone"]),  # one of its contacts' phone
        ({"contact_name": "钱经理", "contact_phone": "13800138000"}, ["a contact's phone"]),
        ({"contact_name": "钱经理", "contact_phone": "021 6234 5678"}, ["same phone"]),
        ({"name": "上海华谊新材料"}, ["similar name"]),  # contains the existing name's key
    ],
)
def test_a_near_match_in_another_team_is_reported_and_needs_save_anyway(
    client, rep, theirs, typed, matched
):
    if "name" in typed:
        theirs.name = "上海华谊新材料科技有限公司"
        theirs.save()
    client.force_login(rep)
    response = client.post(CREATE, new_customer(**typed))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.duplicates == [
        {
            **OTHER_OWNER,
            "name": theirs.name,
            "owner": theirs.owner.display_name,
            "fields": matched,
            "exact": False,
        }
    ]
    text = response.content.decode()
    assert 'id="save-anyway"' in text and "save anyway" in text
    assert Customer.objects.count() == 1


def test_only_the_name_owner_and_team_of_a_duplicate_leave(client, rep, theirs):
    client.force_login(rep)
    text = client.post(CREATE, new_customer(name="上海华谊集团")).content.decode()
    assert "上海华谊（集团）有限公司" in text and theirs.owner.display_name in text
    assert "Team C" in text
    for secret in (
        "6234 5678",
        "62345678",
        "上海市徐汇区秘密路8号",
        "内部备注",
        "91310000MA1FL1234X",
        "赵总",
        "138 0013 8000",
        "zhao@huayi.cn",
        reverse("customers:customer-detail", args=[theirs.pk]),
    ):
        assert secret not in text, secret


def test_save_anyway_creates_a_near_match_and_records_the_override(client, rep, theirs):
    client.force_login(rep)
    response = client.post(
        CREATE, new_customer(name="华谊物流", phone="021 6234 5678", save_anyway="on")
    )
    assert response.status_code == 302
    created = Customer.objects.get(owner=rep, name="华谊物流")
    [entered] = [e for e in timeline.events_for(created, rep) if e.kind == "created"]
    assert entered.body == "Entered although it looked like 上海华谊（集团）有限公司"


def test_a_customer_entered_without_duplicates_records_no_override(client, rep, theirs):
    client.force_login(rep)
    client.post(CREATE, new_customer(name="宁波全新制造", phone="0574-88776655"))
    created = Customer.objects.get(name="宁波全新制造")
    [entered] = [e for e in timeline.events_for(created, rep) if e.kind == "created"]
    assert entered.body == ""


def test_a_visible_duplicate_can_be_opened(client, rep):
    mine = CustomerFactory(owner=rep, name="苏州精工有限公司")
    client.force_login(rep)
    response = client.post(CREATE, new_customer(name="苏州精工"))
    assert response.context["form"].duplicates[0]["pk"] == mine.pk
    assert reverse("customers:customer-detail", args=[mine.pk]) in response.content.decode()


def test_different_companies_pass(client, rep, theirs):
    client.force_login(rep)
    response = client.post(CREATE, new_customer(name="杭州新材料", phone="0512-66778899"))
    assert response.status_code == 302


def test_the_service_refuses_the_same_name_or_code_too(rep, theirs):
    with pytest.raises(services.CustomerError, match="cannot be entered twice"):
        services.customer_create(by=rep, name="上海华谊集团", status=Customer.Status.LEAD)
    with pytest.raises(services.CustomerError, match="cannot be entered twice"):
        services.customer_create(
            by=rep, name="别的公司", credit_code="91310000MA1FL1234X", status=Customer.Status.LEAD
        )
    mine = services.customer_create(by=rep, name="别的公司", status=Customer.Status.LEAD)
    with pytest.raises(services.CustomerError, match="cannot be entered twice"):
        services.customer_update(by=rep, customer=mine, name="上海华谊有限公司")
    assert Customer.objects.get(pk=mine.pk).name == "别的公司"


def test_edit_checks_only_changed_keys(client, rep, theirs):
    mine = CustomerFactory(owner=rep, name="上海华谊集团")  # entered before the rule
    client.force_login(rep)
    url = reverse("customers:customer-update", args=[mine.pk])
    data = new_customer(
        name=mine.name, phone=mine.phone, grade_source=mine.grade_source, grade=mine.grade
    )
    assert client.post(url, data).status_code == 302  # unchanged name: no nagging
    taken = CustomerFactory(owner=rep, name="杭州湾物流有限公司")
    response = client.post(url, {**data, "name": "杭州湾物流", "save_anyway": "on"})
    assert response.status_code == 200
    assert [d["pk"] for d in response.context["form"].duplicates] == [taken.pk]
    assert "cannot be entered twice" in response.context["form"].errors["name"][0]
    mine.refresh_from_db()
    assert mine.name == "上海华谊集团"


# --- 录入查重 while typing: the htmx check of the create form ---------------------------------

CHECK = reverse("customers:customer-duplicate-check")


def test_the_check_while_typing_says_what_matched_and_links_only_what_the_user_sees(
    client, rep, theirs, django_assert_max_num_queries
):
    mine = CustomerFactory(owner=rep, name="上海华谊电子有限公司", phone="0512-11112222")
    client.force_login(rep)
    client.get(CHECK)  # the session, once
    with django_assert_max_num_queries(4):
        response = client.get(
            CHECK, {"name": "上海华谊", "contact_phone": "13800138000"}, headers={"HX-Request": "1"}
        )
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["duplicates"]}
    assert rows["上海华谊（集团）有限公司"]["fields"] == ["same name", "a contact's phone"]
    assert (
        rows["上海华谊（集团）有限公司"]["exact"] and rows["上海华谊（集团）有限公司"]["pk"] is None
    )
    assert rows["上海华谊电子有限公司"]["fields"] == ["similar name"]
    assert rows["上海华谊电子有限公司"]["pk"] == mine.pk
    text = response.content.decode()
    assert reverse("customers:customer-detail", args=[mine.pk]) in text
    assert reverse("customers:customer-detail", args=[theirs.pk]) not in text
    assert "赵总" not in text and "内部备注" not in text
    assert "Team C" in text and theirs.owner.display_name in text


def test_the_check_while_typing_is_empty_for_a_new_company(client, rep, theirs):
    client.force_login(rep)
    response = client.get(CHECK, {"name": "全新公司", "slot": "duplicate-check-contact"})
    assert response.context["duplicates"] == []
    assert 'id="duplicate-check-contact"' in response.content.decode()


def test_the_check_while_typing_is_for_who_may_enter_customers(client, legal, theirs):
    client.force_login(legal)
    assert client.get(CHECK, {"name": "上海华谊"}).status_code == 403


def test_the_create_form_asks_while_typing(client, rep):
    client.force_login(rep)
    text = client.get(CREATE).content.decode()
    assert text.count(f'hx-get="{CHECK}?slot=') == 4  # name, credit code, phone, contact phone


def test_find_duplicates_looks_at_all_customers(rep, theirs):
    assert Customer.objects.visible_to(rep).count() == 0
    assert list(selectors.find_duplicates(name="上海华谊集团")) == [theirs]
    assert list(selectors.find_duplicates(phone="+8613800138000")) == [theirs]
    assert list(selectors.find_duplicates(name="上海华谊", exclude_pk=theirs.pk)) == []
    assert list(selectors.find_duplicates()) == []


# --- merge ----------------------------------------------------------------------------------


@pytest.fixture
def rep2(org):
    return UserFactory(username="rep2", team=org["team_a"])


@pytest.fixture
def pair(rep, rep2):
    keep = CustomerFactory(owner=rep, name="无锡启明科技有限公司", address="", credit_code="")
    merge = CustomerFactory(
        owner=rep2,
        name="无锡启明科技",
        address="无锡市新吴区1号",
        credit_code="91320200MA1XYZ1234",
        budget_min=Decimal("10"),
        budget_max=Decimal("30"),
    )
    return keep, merge


def confirm_url(keep, merge):
    return reverse("customers:customer-merge-confirm", args=[keep.pk, merge.pk])


def test_manager_merges_and_everything_moves(client, manager, rep, rep2, pair, other_rep):
    keep, merge = pair
    shared_tag, own_tag = TagFactory(name="共有"), TagFactory(name="只在被合并方")
    keep.tags.set([shared_tag])
    merge.tags.set([shared_tag, own_tag])
    contacts = ContactFactory.create_batch(2, customer=merge)
    followup = FollowUpFactory(customer=merge, occurred_at=timezone.now())
    task = TaskFactory(customer=merge, followup=followup)
    survey = NeedsSurveyFactory(customer=merge)
    change = GradeChange.objects.create(customer=merge, to_grade="C", source="computed")
    proposal = GradeProposal.objects.create(
        customer=merge, period="2026Q1", current_grade="C", proposed_grade="B", basis_amount=25
    )
    CustomerShare.objects.create(customer=merge, user=other_rep, can_edit=False)
    handover = Handover.objects.create(from_user=rep, to_user=rep2, by=manager)
    handover.customers.add(merge)

    client.force_login(manager)
    page = client.get(confirm_url(keep, merge))
    assert page.status_code == 200
    moves = dict(page.context["moves"])
    assert moves["contacts"] == 2 and moves["follow-ups"] == 1 and moves["tags"] == 1

    response = client.post(
        confirm_url(keep, merge), {"confirm": "on", "share_with_merged_owner": "on"}
    )
    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[keep.pk])
    assert not Customer.objects.filter(pk=merge.pk).exists()
    assert set(keep.contacts.all()) == set(contacts)
    assert list(keep.followups.all()) == [followup]
    assert list(keep.tasks.all()) == [task]
    assert list(keep.surveys.all()) == [survey]
    assert set(keep.tags.all()) == {shared_tag, own_tag}
    assert change in keep.grade_changes.all()
    assert list(keep.grade_proposals.all()) == [proposal]
    assert list(handover.customers.all()) == [keep]
    assert keep.shares.get(user=other_rep).can_edit is False
    assert keep.shares.get(user=rep2).can_edit is True  # the merged owner keeps working on it
    keep.refresh_from_db()
    assert keep.address == "无锡市新吴区1号" and keep.credit_code == "91320200MA1XYZ1234"
    assert (keep.budget_min, keep.budget_max) == (Decimal("10"), Decimal("30"))
    assert keep.last_followup_at == followup.occurred_at  # cadence recomputed

    record = Merge.objects.get()
    assert (record.kept, record.merged_name, record.merged_pk, record.by) == (
        keep,
        "无锡启明科技",
        merge.pk,
        manager,
    )
    moved = {m.key: m.count for m in record.moves}
    assert moved["contacts"] == 2 and moved["followups"] == 1
    assert moved["tags"] == 1 and moved["handovers"] == 1
    merge_events = [e for e in timeline.events_for(keep, manager) if e.kind == "merge"]
    assert str(merge_events[0].title) == "Merged with 无锡启明科技"
    assert "contacts 2, follow-ups 1" in str(merge_events[0].body)
    with translation.override("zh-hans"):
        [event] = [e for e in timeline.events_for(keep, manager) if e.kind == "merge"]
        assert "联系人 2、跟进记录 1" in str(event.body)  # a Chinese list, not ", "
    assert "无锡启明科技有限公司" in messages_of(response)[0]


def test_the_merged_owner_is_not_added_when_declined(manager, pair, rep2):
    keep, merge = pair
    services.customer_merge(by=manager, keep=keep, merge=merge, share_with_merged_owner=False)
    assert not keep.shares.filter(user=rep2).exists()


def test_kept_values_win_over_the_merged_ones(manager, pair):
    keep, merge = pair
    keep.address = "无锡市梁溪区"
    keep.budget_max = Decimal("5")  # half a range is kept as it is
    keep.save()
    services.customer_merge(by=manager, keep=keep, merge=merge)
    keep.refresh_from_db()
    assert keep.address == "无锡市梁溪区"
    assert (keep.budget_min, keep.budget_max) == (None, Decimal("5"))


def test_merge_needs_the_confirm_tick(client, manager, pair):
    keep, merge = pair
    client.force_login(manager)
    response = client.post(confirm_url(keep, merge), {})
    assert response.status_code == 200
    assert "Tick the box to confirm the merge." in response.content.decode()
    assert Customer.objects.filter(pk=merge.pk).exists() and not Merge.objects.exists()


def test_a_customer_cannot_be_merged_into_itself(client, manager, pair):
    keep, _ = pair
    with pytest.raises(services.CustomerError, match="itself"):
        services.customer_merge(by=manager, keep=keep, merge=keep)
    client.force_login(manager)
    assert client.get(confirm_url(keep, keep)).status_code == 404
    assert client.post(confirm_url(keep, keep), {"confirm": "on"}).status_code == 404
    assert Customer.objects.filter(pk=keep.pk).exists()


def test_another_teams_customer_cannot_be_merged_in(client, manager, pair, other_rep):
    keep, _ = pair
    foreign = CustomerFactory(owner=other_rep)
    client.force_login(manager)
    assert client.get(confirm_url(keep, foreign)).status_code == 404
    assert client.post(confirm_url(keep, foreign), {"confirm": "on"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.customer_merge(by=manager, keep=keep, merge=foreign)
    assert Customer.objects.filter(pk=foreign.pk).exists()


def test_the_service_checks_permissions_again(rep, pair):
    keep, merge = pair
    with pytest.raises(PermissionDenied):
        services.customer_merge(by=rep, keep=keep, merge=merge)
    assert Customer.objects.filter(pk=merge.pk).exists()


def test_search_lists_only_visible_customers_and_likely_duplicates(
    client, manager, pair, other_rep
):
    keep, merge = pair
    CustomerFactory(owner=other_rep, name="无锡启明科技（南方）")
    client.force_login(manager)
    url = reverse("customers:customer-merge", args=[keep.pk])
    response = client.get(url)
    assert [c.pk for c in response.context["likely"]] == [merge.pk]
    response = client.get(url, {"q": "启明"})
    assert [c.name for c in response.context["results"]] == ["无锡启明科技"]
    response = client.get(url, {"q": "启明"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="merge-results">')
    assert confirm_url(keep, merge) in text and "南方" not in text


def test_later_apps_move_their_rows_through_merge_hooks(client, manager, pair):
    keep, merge = pair
    calls = []

    def move_opportunities(*, keep, merge, by, dry_run):
        calls.append((keep.pk, merge.pk, by, dry_run))
        return hooks.Moved("opportunities", "opportunities", 3)

    client.force_login(manager)
    with hooks.register_temporarily(hooks.CUSTOMER_MERGE, move_opportunities):
        assert ("opportunities", 3) in client.get(confirm_url(keep, merge)).context["moves"]
        client.post(confirm_url(keep, merge), {"confirm": "on"})
    assert calls == [(keep.pk, merge.pk, manager, True), (keep.pk, merge.pk, manager, False)]
    assert {m.key: m.count for m in Merge.objects.get().moves}["opportunities"] == 3


def test_a_failing_hook_leaves_everything_as_it_was(manager, pair):
    keep, merge = pair
    ContactFactory(customer=merge)

    def broken(*, keep, merge, by, dry_run):
        raise RuntimeError("contracts could not move")

    with hooks.register_temporarily(hooks.CUSTOMER_MERGE, broken), pytest.raises(RuntimeError):
        services.customer_merge(by=manager, keep=keep, merge=merge)
    assert Customer.objects.filter(pk=merge.pk).exists()
    assert Contact.objects.get().customer_id == merge.pk
    assert not Merge.objects.exists()


def test_a_row_no_merge_hook_moves_stops_the_merge_and_nothing_changes(client, manager, pair):
    """An app that forgets its merge hook: here, contacts, as if customers had forgotten its
    own. The contact would be deleted with the merged customer; the merge refuses instead."""
    keep, merge = pair
    contact = ContactFactory(customer=merge)
    followup = FollowUpFactory(customer=merge)
    with hooks.unregister_temporarily(hooks.CUSTOMER_MERGE, moves.move_contacts):
        with pytest.raises(services.CustomerError, match=r"customers\.Contact\.customer"):
            services.customer_merge(by=manager, keep=keep, merge=merge)
        client.force_login(manager)
        response = client.post(confirm_url(keep, merge), {"confirm": "on"})
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("Nothing was merged: contacts of 无锡启明科技 would be lost")
    # Everything the other hooks had moved went back: the whole merge rolled back.
    assert Customer.objects.filter(pk=merge.pk).exists()
    assert Contact.objects.get(pk=contact.pk).customer_id == merge.pk
    assert FollowUp.objects.get(pk=followup.pk).customer_id == merge.pk
    assert not Merge.objects.exists()
    # With the hook back, the same merge goes through.
    services.customer_merge(by=manager, keep=keep, merge=merge)
    assert Contact.objects.get(pk=contact.pk).customer_id == keep.pk


def test_the_guard_sees_many_to_many_links_too(manager, rep, rep2, pair):
    keep, merge = pair
    handover = Handover.objects.create(from_user=rep, to_user=rep2, by=manager)
    handover.customers.add(merge)
    with (
        hooks.unregister_temporarily(hooks.CUSTOMER_MERGE, moves.move_handovers),
        pytest.raises(services.CustomerError, match=r"customers\.Handover\.customers"),
    ):
        services.customer_merge(by=manager, keep=keep, merge=merge)
    assert list(handover.customers.all()) == [merge]


@pytest.fixture
def crowded(manager, rep, rep2, other_rep, pair):
    """A merged customer with a row in every relation, and the clashes a merge resolves: a
    proposal for a quarter the kept one has one for, a handover of both, a share the kept one
    has already, a share with the kept customer's owner."""
    keep, merge = pair
    ContactFactory.create_batch(2, customer=merge)
    FollowUpFactory(customer=merge)
    TaskFactory(customer=merge)
    NeedsSurveyFactory(customer=merge)
    merge.tags.set([TagFactory(name="甲"), TagFactory(name="乙")])
    GradeChange.objects.create(customer=merge, to_grade="C", source="computed")
    for customer, grade in ((keep, "A"), (merge, "B")):
        GradeProposal.objects.create(
            customer=customer,
            period="2026Q1",
            current_grade="C",
            proposed_grade=grade,
            basis_amount=Decimal("5"),
        )
    GradeProposal.objects.create(
        customer=merge,
        period="2025Q4",
        current_grade="C",
        proposed_grade="B",
        basis_amount=Decimal("25"),
    )
    both = Handover.objects.create(from_user=rep2, to_user=rep, by=manager)
    both.customers.add(keep, merge)
    Handover.objects.create(from_user=rep, to_user=rep2, by=manager).customers.add(merge)
    CustomerShare.objects.create(customer=keep, user=other_rep, can_edit=False)
    CustomerShare.objects.create(customer=merge, user=other_rep, can_edit=True)  # upgrades
    CustomerShare.objects.create(customer=merge, user=rep, can_edit=False)  # keep's owner
    earlier = CustomerFactory(owner=rep2)
    services.customer_merge(by=manager, keep=merge, merge=earlier)
    return keep, merge


def test_the_preview_counts_exactly_what_the_merge_moves(client, manager, crowded):
    keep, merge = crowded
    client.force_login(manager)
    preview = client.get(confirm_url(keep, merge)).context["moves"]
    client.post(confirm_url(keep, merge), {"confirm": "on"})
    record = Merge.objects.get(merged_pk=merge.pk)
    assert preview == hooks.describe(record.moves)
    assert dict(preview) == {
        "contacts": 2,
        "follow-ups": 1,
        "tasks": 1,
        "needs surveys": 1,
        "tags": 2,
        "colleagues": 1,
        "grade changes": 1,
        "grade proposals": 1,
        "handovers": 1,
        "earlier merges": 1,
        "empty fields filled": 4,
    }


def test_nothing_is_left_behind(manager, crowded):
    keep, merge = crowded
    services.customer_merge(by=manager, keep=keep, merge=merge)
    assert moves.left_behind(merge) is None
    assert not Customer.objects.filter(pk=merge.pk).exists()
    for model in (Contact, FollowUp, NeedsSurvey, Task, GradeChange, GradeProposal):
        assert not model.objects.filter(customer_id=merge.pk).exists()
    # The kept customer's own proposal for the quarter won; its share became read-write.
    assert keep.grade_proposals.get(period="2026Q1").proposed_grade == "A"
    assert keep.shares.get(user__username="other_rep").can_edit is True
    assert Handover.objects.filter(customers=keep).count() == 2


def test_the_merges_edit_history_reads_in_the_readers_language(manager, pair):
    keep, merge = pair
    merged_pk = merge.pk
    services.customer_merge(by=manager, keep=keep, merge=merge)
    stored = keep.history.order_by("-history_date", "-history_id").first().history_change_reason
    assert "Merged" in stored  # stored untranslated, with its arguments
    with translation.override("zh-hans"):
        assert history_rows(keep)[0]["reason"] == f"已并入客户 #{merged_pk}"
    with translation.override("en"):
        assert history_rows(keep)[0]["reason"] == f"Merged with customer #{merged_pk}"
    merged_row = type(keep).history.filter(id=merged_pk, history_change_reason__isnull=False)
    with translation.override("zh-hans"):
        texts = {reason_text(row.history_change_reason) for row in merged_row}
    assert f"已合并到客户 #{keep.pk}" in texts

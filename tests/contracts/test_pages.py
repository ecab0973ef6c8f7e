"""The contract pages: who opens which (role × page → 200/404/403), what they show, bad input
through the pages (a clear message, nothing changed), and pinned query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Attachment, Contract, Instalment, Invoice, Payment
from contracts.services import approval, payments
from tests.contracts.test_lifecycle import completion_checks
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    InstalmentFactory,
    OpportunityFactory,
    QuoteFactory,
)
from tests.factories.opportunities import default_stages

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
LIST = reverse("contracts:contract-list")


def url(name, contract, *args):
    return reverse(f"contracts:{name}", args=[contract.pk, *args])


def pdf(name="signed.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def followed_text(client, response):
    return client.get(response["Location"]).content.decode()


# --- who opens which page ------------------------------------------------------------------


@pytest.fixture
def book(rep, other_rep, manager, steps):
    """Contracts of `rep` (team A) in each state the pages need, one of `other_rep` (team C)."""
    mine = CustomerFactory(owner=rep)
    signed = ContractFactory(customer=mine, signed=True)
    overdue = InstalmentFactory(
        contract=signed, position=1, due_date=timezone.localdate() - timedelta(days=10)
    )
    return {
        "draft": ContractFactory(customer=mine),
        "approved": ContractFactory(customer=mine, approved=True),
        "signed": signed,
        "overdue": overdue,
        "theirs": ContractFactory(customer=CustomerFactory(owner=other_rep)),
    }


READ_PAGES = ("contract-detail", "contract-print")
VIEWERS = [
    ("rep", 200, 404),
    ("other_rep", 404, 200),
    ("manager", 200, 404),
    ("legal", 404, 404),
    ("general_manager", 200, 200),
    ("director", 200, 200),
    ("admin_user", 200, 200),
    ("delivery", 403, 403),
    ("aftersales", 403, 403),
]


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize(("who", "own_team", "other_team"), VIEWERS)
def test_who_reads_a_contract(request, client, book, page, who, own_team, other_team):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(page, book["draft"])).status_code == own_team
    assert client.get(url(page, book["theirs"])).status_code == other_team


def test_legal_reads_a_contract_once_it_reached_its_step(client, rep, manager, legal, book):
    contract = book["draft"]
    client.force_login(legal)
    assert client.get(url("contract-detail", contract)).status_code == 404
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_approve(contract=contract, by=manager)
    response = client.get(url("contract-detail", contract))
    assert response.status_code == 200
    assert 'id="decide"' in response.content.decode()  # legal decides from the page
    # Legal reads but does not edit, sign or cancel.
    assert client.get(url("contract-update", contract)).status_code == 403
    assert client.get(url("contract-cancel", contract)).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("legal", 200),
        ("general_manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("delivery", 403),
        ("aftersales", 403),
    ],
)
def test_who_opens_the_list_and_sees_which_rows(request, client, book, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(LIST)
    assert response.status_code == status
    if status == 200:
        shown = {c.pk for c in response.context["contracts"]}
        visible = set(
            Contract.objects.visible_to(request.getfixturevalue(who)).values_list("pk", flat=True)
        )
        assert shown == visible


# (page, the contract of `book` it is opened on, extra url args)
MANAGING_PAGES = [
    ("contract-update", "draft"),
    ("attachment-add", "draft"),
    ("payment-plan", "draft"),
    ("contract-sign", "approved"),
    ("payment-add", "signed"),
    ("invoice-add", "signed"),
]


@pytest.mark.parametrize(("page", "which"), MANAGING_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("admin_user", 200),
        ("other_rep", 404),
        ("general_manager", 403),  # sees every contract, works on none
        ("delivery", 403),
    ],
)
def test_who_works_on_a_contract(request, client, book, page, which, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(page, book[which])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("director", 200), ("general_manager", 200), ("rep", 403)],
)
def test_cancelling_is_a_managers_action(request, client, book, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("contract-cancel", book["approved"])).status_code == status


def test_a_rep_posting_a_cancel_is_refused_and_nothing_changes(client, rep, book):
    client.force_login(rep)
    response = client.post(url("contract-cancel", book["approved"]), {"reason": "不要了"})
    assert response.status_code == 403
    book["approved"].refresh_from_db()
    assert book["approved"].status == Contract.Status.APPROVED


@pytest.mark.parametrize(
    ("who", "status"),
    [("rep", 200), ("manager", 200), ("other_rep", 404), ("general_manager", 403)],
)
def test_collection_page(request, client, book, who, status):
    client.force_login(request.getfixturevalue(who))
    page = url("collection-change", book["signed"], book["overdue"].pk)
    assert client.get(page).status_code == status


def test_a_rep_escalating_collection_is_refused(client, rep, book):
    client.force_login(rep)
    instalment = book["overdue"]
    page = url("collection-change", book["signed"], instalment.pk)
    client.post(page, {"to_stage": Instalment.Collection.REMINDED, "note": "电话提醒财务"})
    instalment.refresh_from_db()
    assert instalment.collection_stage == Instalment.Collection.REMINDED
    response = client.post(page, {"to_stage": Instalment.Collection.ESCALATED, "note": "升级"})
    assert response.status_code == 403
    instalment.refresh_from_db()
    assert instalment.collection_stage == Instalment.Collection.REMINDED


def test_a_manager_escalates_collection_with_a_note(client, manager, book):
    client.force_login(manager)
    instalment = book["overdue"]
    page = url("collection-change", book["signed"], instalment.pk)
    client.post(page, {"to_stage": Instalment.Collection.REMINDED, "note": "电话提醒财务"})
    response = client.post(page, {"to_stage": Instalment.Collection.ESCALATED, "note": ""})
    assert "Add a note saying what was done." in response.content.decode()
    instalment.refresh_from_db()
    assert instalment.collection_stage == Instalment.Collection.REMINDED
    client.post(page, {"to_stage": Instalment.Collection.ESCALATED, "note": "经理已致电客户"})
    instalment.refresh_from_db()
    assert instalment.collection_stage == Instalment.Collection.ESCALATED
    assert instalment.status_changes.first().reason == "经理已致电客户"


# --- what the page shows --------------------------------------------------------------------


def test_the_page_shows_template_4(client, rep, manager, contract):
    client.force_login(rep)
    page = client.get(url("contract-detail", contract)).content.decode()
    for text in (
        contract.number,
        contract.customer.name,
        "113,000.00",
        contract.payment_terms,
        contract.key_terms,
        contract.signing_entity,
        contract.warranty,
        'id="submit-contract"',
    ):
        assert text in page
    assert 'id="contract-cost"' not in page  # a rep does not see costs
    client.force_login(manager)
    page = client.get(url("contract-detail", contract)).content.decode()
    assert 'id="contract-cost"' in page and "50,000.00" in page
    assert 'id="submit-contract"' in page


def test_the_approval_table_keeps_every_round(client, rep, manager, legal, contract):
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_approve(contract=contract, by=manager, comment="同意")
    approval.contract_return(contract=contract, by=legal, comment="违约条款需修改")
    approval.contract_submit(contract=contract, by=rep)
    client.force_login(rep)
    response = client.get(url("contract-detail", contract))
    rounds = response.context["approval_rounds"]
    assert [entry["round"].number for entry in rounds] == [2, 1]
    first = rounds[1]["rows"]
    assert [row["decision"].decision for row in first[:2]] == ["approve", "return"]
    assert first[2]["decision"] is None and not first[2]["waiting"]
    assert rounds[0]["rows"][0]["waiting"]
    page = response.content.decode()
    assert "违约条款需修改" in page and 'id="round-1"' in page and 'id="round-2"' in page


def test_the_print_view_has_no_cost(client, manager, contract):
    client.force_login(manager)
    page = client.get(url("contract-print", contract)).content.decode()
    assert contract.number in page and "113,000.00" in page
    assert "50,000.00" not in page and "Cost" not in page


def test_the_navbar_has_contracts(client, rep, delivery):
    client.force_login(rep)
    assert f'href="{LIST}"' in client.get(LIST).content.decode()
    client.force_login(delivery)
    assert f'href="{LIST}"' not in client.get(reverse("home")).content.decode()


def test_the_list_filters_and_sorts(client, manager, rep, steps):
    customer = CustomerFactory(owner=rep, name="华南电子")
    small = ContractFactory(customer=customer, lines=1, lines__unit_price=Decimal("1000.00"))
    big = ContractFactory(customer=customer, signed=True)
    ContractFactory(customer=CustomerFactory(owner=rep, name="别家公司"))
    client.force_login(manager)
    rows = client.get(LIST, {"customer": "华南", "o": "-amount"}).context["contracts"]
    assert [c.pk for c in rows] == [big.pk, small.pk]
    rows = client.get(LIST, {"status": Contract.Status.SIGNED}).context["contracts"]
    assert [c.pk for c in rows] == [big.pk]
    rows = client.get(LIST, {"amount_min": "50000", "amount_max": "200000"}).context["contracts"]
    assert {c.pk for c in rows} == {big.pk} | set(
        Contract.objects.filter(customer__name="别家公司").values_list("pk", flat=True)
    )
    month = timezone.localdate().strftime("%Y-%m")
    assert [c.pk for c in client.get(LIST, {"sign_month": month}).context["contracts"]] == [big.pk]
    rows = client.get(LIST, {"owner": rep.pk, "customer": "华南"}).context["contracts"]
    assert [c.pk for c in rows] == [big.pk, small.pk]
    rows = client.get(LIST, {"owner": manager.pk}).context["contracts"]
    assert list(rows) == []
    # A rep's list has no owner filter (their own contracts only).
    client.force_login(rep)
    assert "owner" not in client.get(LIST).context["filter_form"].fields
    response = client.get(LIST, {"amount_min": "9", "amount_max": "1"})
    assert "The largest amount is below the smallest." in response.content.decode()


# --- create and edit ------------------------------------------------------------------------


def header(**changes):
    today = timezone.localdate()
    data = {
        "title": "二期产线 CRM 合同",
        "signing_entity": "上海示例科技有限公司",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=365)).isoformat(),
        "payment_terms": "签约后 30 日内付 50%，验收后付 50%",
        "credit_days": "30",
        "key_terms": "违约金为合同金额的 5%",
        "delivery_date": (today + timedelta(days=60)).isoformat(),
        "warranty": "12 个月",
    }
    return data | changes


def lines(*rows):
    data = {
        "lines-TOTAL_FORMS": str(max(len(rows), 1)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
        data.setdefault(f"lines-{index}-vat_rate", "13")
    return data


LINE = {"description": "CRM 软件许可", "unit": "套", "quantity": "2", "unit_price": "11300"}


def test_a_rep_creates_a_contract_from_scratch(client, rep, customer, steps):
    client.force_login(rep)
    create = reverse("contracts:contract-create")
    assert client.get(create, {"q": customer.name[:2]}).context["found"] == [customer]
    response = client.post(
        f"{create}?customer={customer.pk}", header() | lines(LINE) | {"customer": customer.pk}
    )
    contract = Contract.objects.get()
    assert response["Location"] == url("contract-detail", contract)
    assert contract.owner == rep and contract.amount == Decimal("22600.00")
    assert contract.credit_days == 30 and contract.warranty == "12 个月"
    assert contract.number.startswith("HT")


def test_a_rep_cannot_create_for_another_reps_customer(client, rep, other_rep, steps):
    client.force_login(rep)
    theirs = CustomerFactory(owner=other_rep)
    response = client.get(reverse("contracts:contract-create"), {"customer": theirs.pk})
    assert response.status_code == 404


def test_creating_with_bad_input_changes_nothing(client, rep, customer, steps):
    client.force_login(rep)
    create = f"{reverse('contracts:contract-create')}?customer={customer.pk}"
    today = timezone.localdate()
    bad_term = header(end_date=(today - timedelta(days=1)).isoformat())
    response = client.post(create, bad_term | lines(LINE))
    assert "The term cannot end before it starts." in response.content.decode()
    response = client.post(create, header() | lines())
    assert "A contract has at least one line." in response.content.decode()
    response = client.post(create, header(title="") | lines(LINE))
    assert response.status_code == 200
    assert not Contract.objects.exists()


@pytest.fixture
def won_deal(rep):
    default_stages()
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    opportunity = OpportunityFactory(customer=customer, owner=rep, won=True)
    return QuoteFactory(opportunity=opportunity, accepted=True, lines=2)


def test_a_contract_from_the_accepted_quote(client, rep, won_deal, steps):
    client.force_login(rep)
    opportunity_page = reverse("opportunities:opportunity-detail", args=[won_deal.opportunity_id])
    page = client.get(opportunity_page).content.decode()
    from_quote = reverse("contracts:contract-from-quote", args=[won_deal.pk])
    assert f'href="{from_quote}"' in page
    form = client.get(from_quote)
    assert form.status_code == 200
    assert 'id="frozen-lines"' in form.content.decode()
    response = client.post(from_quote, header())
    contract = Contract.objects.get()
    assert response["Location"] == url("contract-detail", contract)
    assert contract.quote == won_deal and contract.amount == won_deal.total_amount
    assert contract.cost_amount == won_deal.cost_amount and contract.lines.count() == 2
    # The opportunity page now links the contract, and a second one is not made.
    assert contract.number in client.get(opportunity_page).content.decode()
    assert client.get(from_quote)["Location"] == url("contract-detail", contract)


def test_only_an_accepted_quote_makes_a_contract(client, rep, steps):
    default_stages()
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=rep), owner=rep)
    quote = QuoteFactory(opportunity=opportunity, sent=True)
    client.force_login(rep)
    from_quote = reverse("contracts:contract-from-quote", args=[quote.pk])
    response = client.post(from_quote, header())
    assert response.status_code == 302
    assert "A contract is made from a quote the customer accepted." in followed_text(
        client, response
    )
    assert not Contract.objects.exists()
    page = client.get(reverse("opportunities:opportunity-detail", args=[opportunity.pk]))
    assert from_quote not in page.content.decode()


def test_another_reps_quote_is_not_found(client, other_rep, won_deal, steps):
    client.force_login(other_rep)
    from_quote = reverse("contracts:contract-from-quote", args=[won_deal.pk])
    assert client.get(from_quote).status_code == 404


def test_the_lines_of_a_contract_from_a_quote_stay_frozen(client, rep, won_deal, steps):
    client.force_login(rep)
    from_quote = reverse("contracts:contract-from-quote", args=[won_deal.pk])
    client.post(from_quote, header())
    contract = Contract.objects.get()
    form = client.get(url("contract-update", contract))
    assert form.context.get("lines") is None
    client.post(
        url("contract-update", contract),
        header(title="改名") | {"version": contract.version} | lines(LINE),
    )
    contract.refresh_from_db()
    assert contract.title == "改名" and contract.amount == won_deal.total_amount


def test_editing_a_draft(client, rep, contract):
    client.force_login(rep)
    response = client.post(
        url("contract-update", contract),
        header(title="新名称") | {"version": contract.version} | lines(LINE),
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "新名称" and contract.amount == Decimal("22600.00")


def test_editing_a_contract_in_approval_is_refused(client, rep, contract):
    approval.contract_submit(contract=contract, by=rep)
    contract.refresh_from_db()
    client.force_login(rep)
    response = client.get(url("contract-update", contract))
    assert response.status_code == 302
    assert "A contract in approval cannot be edited." in followed_text(client, response)
    response = client.post(
        url("contract-update", contract), header(title="偷偷改") | {"version": contract.version}
    )
    contract.refresh_from_db()
    assert contract.title != "偷偷改" and contract.status == Contract.Status.IN_APPROVAL


def test_a_stale_edit_is_refused(client, rep, contract):
    client.force_login(rep)
    response = client.post(
        url("contract-update", contract),
        header(title="旧页面") | {"version": contract.version - 1 or 99} | lines(LINE),
    )
    assert "The contract changed since you opened it" in response.content.decode()
    contract.refresh_from_db()
    assert contract.title != "旧页面"


# --- submit, decide, sign, deliver, complete, cancel ------------------------------------------


def test_submit_and_decide_from_the_page(client, rep, manager, contract):
    client.force_login(rep)
    client.post(url("contract-submit", contract), {"version": contract.version})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL
    client.force_login(manager)
    page = url("contract-detail", contract)
    # A rejection without a comment is refused; nothing changes.
    response = client.post(
        url("contract-decide", contract),
        {"action": "reject", "comment": "", "round": 1, "version": contract.version, "next": page},
    )
    assert response["Location"] == page
    assert "Say why in a comment." in followed_text(client, response)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL
    client.post(
        url("contract-decide", contract),
        {"action": "approve", "round": 1, "version": contract.version, "next": page},
    )
    contract.refresh_from_db()
    assert contract.current_step.role == "legal"  # noqa: S105 -- the step's role code


def test_approving_a_contract_not_waiting_for_you(client, rep, manager, general_manager, contract):
    approval.contract_submit(contract=contract, by=rep)
    client.force_login(general_manager)
    page = url("contract-detail", contract)
    response = client.post(
        url("contract-decide", contract), {"action": "approve", "round": 1, "next": page}
    )
    assert "Not your turn yet" in followed_text(client, response)
    contract.refresh_from_db()
    assert contract.current_step.is_team_step


def test_signing_an_unapproved_contract_is_refused(client, rep, contract):
    client.force_login(rep)
    response = client.get(url("contract-sign", contract))
    assert response.status_code == 302
    assert "Only an approved contract is signed" in followed_text(client, response)
    client.post(
        url("contract-sign", contract),
        {"signed_on": timezone.localdate().isoformat(), "signed_copy": pdf()},
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and not Attachment.objects.exists()


def test_sign_deliver_complete(client, rep, book):
    contract = book["approved"]
    client.force_login(rep)
    response = client.post(url("contract-sign", contract), {"signed_on": "", "signed_copy": ""})
    assert "Upload the signed copy." in response.content.decode()
    response = client.post(
        url("contract-sign", contract),
        {"signed_on": timezone.localdate().isoformat(), "signed_copy": pdf()},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    assert contract.attachments.get().kind == Attachment.Kind.SIGNED_COPY
    client.post(url("contract-deliver", contract))
    # Delivery's check: no passed acceptance yet, so completing is refused and says why.
    response = client.post(url("contract-complete", contract), follow=True)
    assert "Completing a contract needs a passed acceptance report." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_DELIVERY
    with completion_checks():
        client.post(url("contract-complete", contract))
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    page = client.get(url("contract-detail", contract)).content.decode()
    assert page.count('list-group-item">') >= 3  # the history lists each change


def test_cancel_needs_a_reason(client, manager, book):
    contract = book["approved"]
    client.force_login(manager)
    response = client.post(url("contract-cancel", contract), {"reason": "  "})
    assert "Say why the contract is cancelled." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED
    client.post(url("contract-cancel", contract), {"reason": "客户取消采购"})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED and contract.cancel_reason == "客户取消采购"


# --- attachments ----------------------------------------------------------------------------


def test_uploading_an_attachment(client, rep, contract):
    client.force_login(rep)
    response = client.post(
        url("attachment-add", contract), {"file": pdf("合同草稿.pdf"), "kind": "document"}
    )
    assert response.status_code == 302
    attachment = contract.attachments.get()
    assert attachment.name == "合同草稿.pdf" and attachment.file_type == "pdf"
    page = client.get(url("contract-detail", contract)).content.decode()
    assert reverse("contracts:attachment-download", args=[attachment.pk]) in page


def test_an_exe_named_pdf_is_refused(client, rep, contract):
    client.force_login(rep)
    upload = SimpleUploadedFile("合同.pdf", EXE, content_type="application/pdf")
    response = client.post(url("attachment-add", contract), {"file": upload, "kind": "document"})
    assert "is not a PDF, Word (.docx), Excel (.xlsx), JPG or PNG file" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_a_file_over_20_mb_is_refused(client, rep, contract):
    client.force_login(rep)
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * (20 * 1024 * 1024), "application/pdf")
    response = client.post(url("attachment-add", contract), {"file": big, "kind": "document"})
    assert "at most 20 MB are accepted" in response.content.decode()
    assert not Attachment.objects.exists()


def test_no_upload_while_in_approval(client, rep, contract):
    approval.contract_submit(contract=contract, by=rep)
    client.force_login(rep)
    client.post(url("attachment-add", contract), {"file": pdf(), "kind": "document"})
    assert not Attachment.objects.exists()


# --- the payment plan, payments, invoices ----------------------------------------------------


def plan(*rows):
    data = {
        "plan-TOTAL_FORMS": str(len(rows)),
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "60",
    }
    for index, (due, amount) in enumerate(rows):
        data[f"plan-{index}-due_date"] = due
        data[f"plan-{index}-amount"] = amount
    return data


def test_a_plan_that_does_not_add_up_shows_the_difference(client, rep, contract):
    client.force_login(rep)
    today = timezone.localdate()
    due = [(today + timedelta(days=d)).isoformat() for d in (30, 90)]
    response = client.post(
        url("payment-plan", contract), plan((due[0], "50000.00"), (due[1], "60000.00"))
    )
    page = response.content.decode()
    assert "3,000.00 yuan missing" in page
    assert "Difference" in page
    assert not Instalment.objects.exists()
    client.post(url("payment-plan", contract), plan((due[0], "56500.00"), (due[1], "56500.00")))
    assert [i.amount for i in contract.instalments.all()] == [Decimal("56500.00")] * 2


@pytest.fixture
def signed_plan(rep, book):
    contract = book["signed"]
    contract.instalments.all().delete()
    today = timezone.localdate()
    return payments.payment_plan_set(
        contract=contract,
        by=rep,
        instalments=[
            {"due_date": today - timedelta(days=5), "amount": "56500.00"},
            {"due_date": today + timedelta(days=60), "amount": "56500.00"},
        ],
    )


def test_recording_a_payment(client, rep, book, signed_plan):
    contract, first = book["signed"], signed_plan[0]
    client.force_login(rep)
    page = client.get(url("contract-detail", contract)).content.decode()
    assert "Overdue 5 days" in page
    form = {
        "instalment": first.pk,
        "received_on": timezone.localdate().isoformat(),
        "amount": "20000.00",
        "method": Payment.Method.BANK_TRANSFER,
        "reference": "电汇 001",
    }
    assert client.post(url("payment-add", contract), form).status_code == 302
    first.refresh_from_db()
    assert first.paid_amount == Decimal("20000.00")


def test_overpaying_or_paying_before_signing_is_refused(client, rep, book, signed_plan):
    contract, first = book["signed"], signed_plan[0]
    client.force_login(rep)
    form = {
        "instalment": first.pk,
        "received_on": timezone.localdate().isoformat(),
        "amount": "60000.00",
        "method": Payment.Method.CASH,
    }
    response = client.post(url("payment-add", contract), form)
    assert "60,000.00 yuan is more than the 56,500.00 yuan still owed on it." in (
        response.content.decode()
    )
    early = (contract.signed_on - timedelta(days=1)).isoformat()
    response = client.post(
        url("payment-add", contract), form | {"amount": "100.00", "received_on": early}
    )
    assert "is before the contract was signed" in response.content.decode()
    assert not Payment.objects.exists()


def test_invoiced_but_unpaid_is_visible(client, rep, book, signed_plan):
    contract, first = book["signed"], signed_plan[0]
    client.force_login(rep)
    form = {
        "instalment": first.pk,
        "number": "FP-0001",
        "kind": Invoice.Kind.SPECIAL,
        "amount": "56500.00",
        "issued_on": timezone.localdate().isoformat(),
    }
    assert client.post(url("invoice-add", contract), form).status_code == 302
    response = client.get(url("contract-detail", contract))
    row = response.context["instalment_rows"][0]
    assert row["invoiced_unpaid"] == Decimal("56500.00")
    # The same number twice is refused.
    response = client.post(url("invoice-add", contract), form | {"amount": "1.00"})
    assert "Invoice FP-0001 is recorded already." in response.content.decode()
    assert Invoice.objects.count() == 1


def test_payments_wait_for_signing(client, rep, contract):
    client.force_login(rep)
    response = client.get(url("payment-add", contract))
    assert response.status_code == 302
    assert "once the contract is signed" in followed_text(client, response)


# --- a constant number of queries ------------------------------------------------------------


def _count(client, path):
    client.get(path)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_at_1_and_many_rows(client, manager, rep, steps):
    customer = CustomerFactory(owner=rep)
    ContractFactory(customer=customer)
    client.force_login(manager)
    one = _count(client, LIST)
    for _ in range(30):
        ContractFactory(customer=CustomerFactory(owner=rep))
    assert _count(client, LIST) == one
    assert _count(client, f"{LIST}?page=2") == one
    assert one <= 12


def test_the_page_runs_the_same_queries_at_1_and_many_rows(
    client, rep, manager, legal, general_manager, steps
):
    customer = CustomerFactory(owner=rep)
    small = ContractFactory(customer=customer)
    big = ContractFactory(customer=customer, lines=8)
    for contract in (small, big):
        approval.contract_submit(contract=contract, by=rep)
        approval.contract_approve(contract=contract, by=manager)
        approval.contract_approve(contract=contract, by=legal)
        approval.contract_approve(contract=contract, by=general_manager)
    Contract.objects.update(status=Contract.Status.SIGNED, signed_on=timezone.localdate())
    today = timezone.localdate()
    for contract, count in ((small, 1), (big, 8)):
        contract.refresh_from_db()
        share = contract.amount / count
        rows = [{"due_date": today + timedelta(days=i), "amount": share} for i in range(count)]
        for instalment in payments.payment_plan_set(contract=contract, by=rep, instalments=rows):
            payments.payment_record(
                instalment=instalment,
                by=rep,
                received_on=today,
                amount="10.00",
                method=Payment.Method.CASH,
            )
            payments.invoice_record(
                instalment=instalment,
                by=rep,
                number=f"FP{instalment.pk}",
                kind=Invoice.Kind.ORDINARY,
                amount="10.00",
                issued_on=today,
            )
    client.force_login(rep)
    one = _count(client, url("contract-detail", small))
    assert _count(client, url("contract-detail", big)) == one
    assert one <= 22

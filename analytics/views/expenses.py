"""Expenses: the list (filters; pending ones with approve / reject for who decides), recording
one with its receipt, the decision (POST only), the receipt's download."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.validation import CONTENT_TYPES

from .. import permissions
from ..errors import AnalyticsError, InvalidInput, NotAllowed
from ..forms.expenses import DecisionForm, ExpenseFilterForm, ExpenseForm
from ..models import Expense
from ..services import expenses as services

PER_PAGE = 50


@permission_required("analytics.work_with_expenses", raise_exception=True)
def expense_list(request):
    form = ExpenseFilterForm(request.GET or None, user=request.user)
    rows = Expense.objects.visible_to(request.user)
    if form.is_bound and form.is_valid():
        rows = form.apply(rows)
    elif form.is_bound:
        rows = rows.none()
    total = rows.aggregate(total=Sum("amount"))["total"]
    page = Paginator(
        rows.select_related("rep", "team", "customer", "opportunity", "decided_by").order_by(
            "-date", "-pk"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    for expense in page:
        expense.can_decide = (
            expense.status == Expense.Status.PENDING
            and permissions.can_decide_expense(request.user, expense)
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "analytics/expense_list.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "query": query.urlencode(),
            "can_record": permissions.records_expenses(request.user),
        },
    )


@permission_required("analytics.record_expenses", raise_exception=True)
def expense_create(request):
    form = ExpenseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_create(
                by=request.user,
                date=data["date"],
                category=data["category"],
                amount=data["amount"],
                receipt=data["receipt"],
                description=data["description"],
                customer=data["customer"],
                opportunity=data["opportunity"],
            )
        except InvalidInput as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The expense was recorded and awaits approval."))
            return redirect("analytics:expense-list")
    return render(request, "analytics/expense_form.html", {"form": form})


@require_POST
@permission_required("analytics.approve_expenses", raise_exception=True)
def expense_decide(request, pk):
    expense = get_object_or_404(
        Expense.objects.visible_to(request.user).select_related("rep"), pk=pk
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        services.expense_decide(
            expense=expense,
            by=request.user,
            approve=approve,
            comment=form.cleaned_data.get("comment", ""),
        )
    except NotAllowed:
        raise
    except AnalyticsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Expense approved.") if approve else _("Expense rejected."))
    query = request.POST.get("query", "")
    return redirect(reverse("analytics:expense-list") + (f"?{query}" if query else ""))


@permission_required("analytics.work_with_expenses", raise_exception=True)
def expense_receipt(request, pk):
    expense = get_object_or_404(Expense.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        expense.receipt.open("rb"),
        as_attachment=True,
        filename=expense.receipt_name or "receipt",
        content_type=CONTENT_TYPES.get(expense.receipt_type, "application/octet-stream"),
    )

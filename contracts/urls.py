from django.urls import path

from .views import (
    approval,
    attachments,
    chain,
    contracts,
    delegations,
    lifecycle,
    lists,
    payments,
    receivables,
)

app_name = "contracts"

urlpatterns = [
    path("", lists.ContractListView.as_view(), name="contract-list"),
    path("new/", contracts.ContractCreateView.as_view(), name="contract-create"),
    path(
        "new/from-quote/<int:quote>/",
        contracts.ContractFromQuoteView.as_view(),
        name="contract-from-quote",
    ),
    path("<int:pk>/", contracts.ContractDetailView.as_view(), name="contract-detail"),
    path("<int:pk>/edit/", contracts.ContractUpdateView.as_view(), name="contract-update"),
    path("<int:pk>/print/", contracts.ContractPrintView.as_view(), name="contract-print"),
    path("<int:pk>/submit/", lifecycle.ContractSubmitView.as_view(), name="contract-submit"),
    path("<int:pk>/sign/", lifecycle.ContractSignView.as_view(), name="contract-sign"),
    path(
        "<int:pk>/deliver/",
        lifecycle.ContractStartDeliveryView.as_view(),
        name="contract-deliver",
    ),
    path("<int:pk>/complete/", lifecycle.ContractCompleteView.as_view(), name="contract-complete"),
    path("<int:pk>/cancel/", lifecycle.ContractCancelView.as_view(), name="contract-cancel"),
    path(
        "<int:pk>/attachments/add/",
        lifecycle.AttachmentAddView.as_view(),
        name="attachment-add",
    ),
    path("<int:pk>/plan/", payments.PaymentPlanView.as_view(), name="payment-plan"),
    path("<int:pk>/payments/add/", payments.PaymentRecordView.as_view(), name="payment-add"),
    path("<int:pk>/invoices/add/", payments.InvoiceRecordView.as_view(), name="invoice-add"),
    path(
        "<int:pk>/instalments/<int:instalment>/collection/",
        payments.CollectionChangeView.as_view(),
        name="collection-change",
    ),
    path("approvals/", approval.ApprovalInboxView.as_view(), name="approval-inbox"),
    path("approvals/count/", approval.approval_count, name="approval-count"),
    path("<int:pk>/decide/", approval.contract_decide, name="contract-decide"),
    path(
        "attachments/<int:pk>/",
        attachments.attachment_download,
        name="attachment-download",
    ),
    path("approval-chain/", chain.chain_settings, name="chain-settings"),
    path("delegations/", delegations.delegations_page, name="delegations"),
    path("receivables/", receivables.receivables_page, name="receivables"),
    path("receivables/export/", receivables.receivables_download, name="receivables-export"),
]

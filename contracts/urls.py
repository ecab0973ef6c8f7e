from django.urls import path

from .views import approval, attachments, chain, delegations, receivables

app_name = "contracts"

urlpatterns = [
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

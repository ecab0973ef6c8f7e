from django.urls import path

from .views import approval, attachments

app_name = "contracts"

urlpatterns = [
    path("approvals/", approval.ApprovalInboxView.as_view(), name="approval-inbox"),
    path("<int:pk>/decide/", approval.contract_decide, name="contract-decide"),
    path(
        "attachments/<int:pk>/",
        attachments.attachment_download,
        name="attachment-download",
    ),
]

from django.urls import path

from .views import (
    contacts,
    excel,
    followups,
    grading,
    inbound,
    leads,
    lists,
    ownership,
    people,
    pools,
    records,
)

app_name = "customers"

urlpatterns = [
    # list
    path("", lists.CustomerListView.as_view(), name="customer-list"),
    path("bulk/", lists.CustomerBulkView.as_view(), name="customer-bulk"),
    path(
        "bulk/reassign/",
        lists.BulkReassignConfirmView.as_view(),
        name="customer-bulk-reassign",
    ),
    path("saved-views/", lists.SavedViewCreateView.as_view(), name="savedview-create"),
    path("columns/", lists.ListColumnsView.as_view(), name="list-columns"),
    path(
        "saved-views/<int:pk>/delete/",
        lists.SavedViewDeleteView.as_view(),
        name="savedview-delete",
    ),
    # customer page and edit
    path("<int:pk>/", records.CustomerDetailView.as_view(), name="customer-detail"),
    path("<int:pk>/timeline/", records.CustomerTimelineView.as_view(), name="customer-timeline"),
    path("new/", records.CustomerCreateView.as_view(), name="customer-create"),
    path(
        "new/duplicates/",
        records.CustomerDuplicateCheckView.as_view(),
        name="customer-duplicate-check",
    ),
    path("<int:pk>/edit/", records.CustomerUpdateView.as_view(), name="customer-update"),
    path(
        "<int:pk>/second-check/confirm/",
        records.CustomerSecondCheckConfirmView.as_view(),
        name="customer-second-check-confirm",
    ),
    path(
        "<int:pk>/second-check/reject/",
        records.CustomerSecondCheckRejectView.as_view(),
        name="customer-second-check-reject",
    ),
    path("<int:pk>/merge/", ownership.CustomerMergeView.as_view(), name="customer-merge"),
    path(
        "<int:pk>/merge/<int:other>/",
        ownership.CustomerMergeConfirmView.as_view(),
        name="customer-merge-confirm",
    ),
    path("<int:pk>/contacts/new/", contacts.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:pk>/edit/", contacts.ContactUpdateView.as_view(), name="contact-update"),
    path("contacts/<int:pk>/delete/", contacts.ContactDeleteView.as_view(), name="contact-delete"),
    path("<int:pk>/shares/new/", contacts.ShareCreateView.as_view(), name="share-create"),
    path("shares/<int:pk>/delete/", contacts.ShareDeleteView.as_view(), name="share-delete"),
    # follow-ups and tasks
    path("tasks/<int:pk>/done/", followups.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<int:pk>/undo/", followups.TaskReopenView.as_view(), name="task-reopen"),
    path("tasks/new/", followups.TaskCreateView.as_view(), name="task-create"),
    path("tasks/", followups.TaskListView.as_view(), name="task-list"),
    path("<int:pk>/followups/new/", followups.FollowUpCreateView.as_view(), name="followup-create"),
    path("followups/<int:pk>/", followups.FollowUpDetailView.as_view(), name="followup-detail"),
    path("quick-log/", followups.QuickLogView.as_view(), name="quick-log"),
    path(
        "quick-log/contacts/",
        followups.QuickLogContactsView.as_view(),
        name="quick-log-contacts",
    ),
    path("search/", followups.CustomerSearchView.as_view(), name="customer-search"),
    path("<int:pk>/surveys/new/", followups.NeedsSurveyCreateView.as_view(), name="survey-create"),
    path("surveys/need-line/", followups.NeedLineRowView.as_view(), name="survey-need-line"),
    path("surveys/<int:pk>/", followups.NeedsSurveyDetailView.as_view(), name="survey-detail"),
    path("people/", people.PeopleSearchView.as_view(), name="people-search"),
    # grading and handover
    path("grading/settings/", grading.GradingSettingsView.as_view(), name="grading-settings"),
    path("grading/review/", grading.GradeReviewView.as_view(), name="grade-review"),
    path("handover/", ownership.HandoverView.as_view(), name="handover"),
    # lead screening (线索筛选)
    path("leads/", leads.LeadListView.as_view(), name="lead-list"),
    path("<int:pk>/screen/", leads.ScreenView.as_view(), name="lead-screen"),
    path("leads/new/", inbound.InboundLeadCreateView.as_view(), name="inbound-create"),
    path("leads/import/", inbound.InboundImportView.as_view(), name="inbound-import"),
    path("leads/settings/", inbound.LeadSettingsView.as_view(), name="lead-settings"),
    path(
        "leads/settings/reasons/new/",
        inbound.DisqualifyReasonView.as_view(),
        name="disqualifyreason-create",
    ),
    path(
        "leads/settings/reasons/<int:pk>/",
        inbound.DisqualifyReasonView.as_view(),
        name="disqualifyreason-update",
    ),
    path("leads/settings/routing/", inbound.InboundRoutingView.as_view(), name="inbound-routing"),
    # the customer pool (公海) and the ownership log
    path("pool/", pools.PoolListView.as_view(), name="pool-list"),
    path("pool/mine/", pools.HoldingsView.as_view(), name="pool-holdings"),
    path("pool/settings/", pools.PoolSettingsView.as_view(), name="pool-settings"),
    path("pool/settings/new/", pools.PoolEditView.as_view(), name="pool-create"),
    path("pool/settings/<int:pk>/", pools.PoolEditView.as_view(), name="pool-update"),
    path("<int:pk>/claim/", pools.ClaimView.as_view(), name="pool-claim"),
    path("<int:pk>/return/", pools.ReturnView.as_view(), name="pool-return"),
    path("<int:pk>/assign/", pools.AssignView.as_view(), name="pool-assign"),
    path("ownership-log/", pools.OwnershipLogView.as_view(), name="ownership-log"),
    # Excel
    path("import/", excel.CustomerImportView.as_view(), name="customer-import"),
    path("import/template/", excel.ImportTemplateView.as_view(), name="import-template"),
    path("export/", excel.CustomerExportView.as_view(), name="customer-export"),
    path("exports/", excel.ExportListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", excel.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", excel.ExportDownloadView.as_view(), name="export-download"),
]

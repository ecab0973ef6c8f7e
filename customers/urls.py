from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    # list
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("bulk/", views.CustomerBulkView.as_view(), name="customer-bulk"),
    path("saved-views/", views.SavedViewCreateView.as_view(), name="savedview-create"),
    path(
        "saved-views/<int:pk>/delete/",
        views.SavedViewDeleteView.as_view(),
        name="savedview-delete",
    ),
    # customer page and edit
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("new/", views.CustomerCreateView.as_view(), name="customer-create"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path(
        "<int:pk>/review/confirm/",
        views.CustomerReviewConfirmView.as_view(),
        name="customer-review-confirm",
    ),
    path("<int:pk>/merge/", views.CustomerMergeView.as_view(), name="customer-merge"),
    path(
        "<int:pk>/merge/<int:other>/",
        views.CustomerMergeConfirmView.as_view(),
        name="customer-merge-confirm",
    ),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:pk>/edit/", views.ContactUpdateView.as_view(), name="contact-update"),
    path("contacts/<int:pk>/delete/", views.ContactDeleteView.as_view(), name="contact-delete"),
    path("<int:pk>/shares/new/", views.ShareCreateView.as_view(), name="share-create"),
    path("shares/<int:pk>/delete/", views.ShareDeleteView.as_view(), name="share-delete"),
    # follow-ups and tasks
    path("tasks/<int:pk>/done/", views.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("<int:pk>/followups/new/", views.FollowUpCreateView.as_view(), name="followup-create"),
    path("followups/<int:pk>/", views.FollowUpDetailView.as_view(), name="followup-detail"),
    path("quick-log/", views.QuickLogView.as_view(), name="quick-log"),
    path("search/", views.CustomerSearchView.as_view(), name="customer-search"),
    path("<int:pk>/surveys/new/", views.NeedsSurveyCreateView.as_view(), name="survey-create"),
    path("surveys/need-line/", views.NeedLineRowView.as_view(), name="survey-need-line"),
    path("surveys/<int:pk>/", views.NeedsSurveyDetailView.as_view(), name="survey-detail"),
    # grading and handover
    path("grading/settings/", views.GradingSettingsView.as_view(), name="grading-settings"),
    path("grading/review/", views.GradeReviewView.as_view(), name="grade-review"),
    path("handover/", views.HandoverView.as_view(), name="handover"),
    # Excel
    path("import/", views.CustomerImportView.as_view(), name="customer-import"),
    path("import/template/", views.ImportTemplateView.as_view(), name="import-template"),
    path("export/", views.CustomerExportView.as_view(), name="customer-export"),
    path("exports/", views.ExportListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]

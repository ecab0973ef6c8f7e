from django.urls import path

from .views import assignments, complaints, records

app_name = "aftersales"

urlpatterns = [
    path("", complaints.ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/new/", complaints.ComplaintCreateView.as_view(), name="complaint-create"),
    path("complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path(
        "complaints/<int:pk>/move/", complaints.ComplaintMoveView.as_view(), name="complaint-move"
    ),
    path("records/new/", records.RecordCreateView.as_view(), name="record-create"),
    path("records/<int:pk>/", records.RecordDetailView.as_view(), name="record-detail"),
    path(
        "records/<int:pk>/opportunity/",
        records.RecordCrossSellView.as_view(),
        name="record-cross-sell",
    ),
    path("customers/", assignments.MyCustomersView.as_view(), name="customer-list"),
    path("customers/<int:pk>/assign/", assignments.AssignView.as_view(), name="assign"),
    path("regions/", assignments.RegionView.as_view(), name="regions"),
    path("deadlines/", assignments.DeadlineView.as_view(), name="deadlines"),
]

from django.urls import path

from .views import dashboard

app_name = "analytics"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("export/", dashboard.AnalysisExportView.as_view(), name="analysis-export"),
]

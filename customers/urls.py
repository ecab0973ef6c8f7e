from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    # list
    path("", views.CustomerListView.as_view(), name="customer-list"),
    # customer page and edit
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    # follow-ups and tasks
    path("tasks/<int:pk>/done/", views.TaskCompleteView.as_view(), name="task-complete"),
    # grading and handover
    # Excel
]

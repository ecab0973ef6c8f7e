from django.urls import path

from .views import budgets, dashboard, expenses, scorecards, targets

app_name = "analytics"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("export/", dashboard.AnalysisExportView.as_view(), name="analysis-export"),
    path("targets/", targets.company_targets, name="targets"),
    path("targets/split/", targets.target_split, name="target-split"),
    path("targets/split/customers/", targets.customer_split, name="customer-split"),
    path("targets/history/", targets.target_history, name="target-history"),
    path("expenses/", expenses.expense_list, name="expense-list"),
    path("expenses/new/", expenses.expense_create, name="expense-create"),
    path("expenses/<int:pk>/decide/", expenses.expense_decide, name="expense-decide"),
    path("expenses/<int:pk>/receipt/", expenses.expense_receipt, name="expense-receipt"),
    path("budgets/", budgets.budget_page, name="budgets"),
    path("scorecards/", scorecards.scorecard_page, name="scorecards"),
    path("scorecards/export/", scorecards.rankings_export, name="rankings-export"),
    path("scorecards/weights/", scorecards.weights_page, name="scorecard-weights"),
    path("scorecards/ratings/", scorecards.ratings_page, name="teamwork-ratings"),
]

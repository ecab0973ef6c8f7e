from django.urls import path

from .views import board, moves, opportunities, pipeline, settings

app_name = "opportunities"

urlpatterns = [
    # the pipeline
    path("", pipeline.OpportunityListView.as_view(), name="opportunity-list"),
    path("board/", board.BoardView.as_view(), name="opportunity-board"),
    path("board/<int:stage>/", board.BoardColumnView.as_view(), name="board-column"),
    # one opportunity
    path("new/", opportunities.OpportunityCreateView.as_view(), name="opportunity-create"),
    path("<int:pk>/", opportunities.OpportunityDetailView.as_view(), name="opportunity-detail"),
    path(
        "<int:pk>/edit/", opportunities.OpportunityUpdateView.as_view(), name="opportunity-update"
    ),
    path("<int:pk>/move/", moves.OpportunityMoveView.as_view(), name="opportunity-move"),
    path("<int:pk>/skip/", moves.SkipRequestView.as_view(), name="skip-request"),
    path("skips/<int:pk>/decide/", moves.SkipDecisionView.as_view(), name="skip-decide"),
    path("<int:pk>/tick/", opportunities.ChecklistTickView.as_view(), name="checklist-tick"),
    path("<int:pk>/competitors/", opportunities.CompetitorAddView.as_view(), name="competitor-add"),
    path(
        "competitors/<int:pk>/edit/",
        opportunities.CompetitorUpdateView.as_view(),
        name="competitor-update",
    ),
    path(
        "competitors/<int:pk>/remove/",
        opportunities.CompetitorRemoveView.as_view(),
        name="competitor-remove",
    ),
    # the admin's settings
    path("stages/", settings.StageSettingsView.as_view(), name="stage-settings"),
]

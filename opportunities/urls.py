from django.urls import path

from .views import (
    board,
    catalogue,
    deadlines,
    forecast,
    moves,
    opportunities,
    pipeline,
    quote_review,
    quotes,
    settings,
)

app_name = "opportunities"

urlpatterns = [
    # the pipeline
    path("", pipeline.OpportunityListView.as_view(), name="opportunity-list"),
    path("saved-views/", pipeline.PipelineSavedViewCreateView.as_view(), name="savedview-create"),
    path(
        "saved-views/<int:pk>/delete/",
        pipeline.PipelineSavedViewDeleteView.as_view(),
        name="savedview-delete",
    ),
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
    # quotes (template 3)
    path("<int:pk>/quotes/", quotes.QuoteCreateView.as_view(), name="quote-create"),
    path("quotes/line/", quotes.QuoteLineRowView.as_view(), name="quote-line"),
    path("quotes/<int:pk>/", quotes.QuoteDetailView.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/edit/", quotes.QuoteUpdateView.as_view(), name="quote-update"),
    path("quotes/<int:pk>/compare/", quotes.QuoteCompareView.as_view(), name="quote-compare"),
    path("quotes/<int:pk>/print/", quotes.QuotePrintView.as_view(), name="quote-print"),
    path("quotes/<int:pk>/revise/", quote_review.QuoteReviseView.as_view(), name="quote-revise"),
    path("quotes/<int:pk>/submit/", quote_review.QuoteSubmitView.as_view(), name="quote-submit"),
    path("quotes/<int:pk>/review/", quote_review.QuoteReviewView.as_view(), name="quote-review"),
    path(
        "quotes/<int:pk>/director/",
        quote_review.QuoteDirectorView.as_view(),
        name="quote-director",
    ),
    path("quotes/<int:pk>/sent/", quote_review.QuoteSentView.as_view(), name="quote-sent"),
    path(
        "quotes/<int:pk>/accepted/",
        quote_review.QuoteAcceptedView.as_view(),
        name="quote-accepted",
    ),
    path(
        "quotes/<int:pk>/declined/",
        quote_review.QuoteDeclinedView.as_view(),
        name="quote-declined",
    ),
    # the catalogue
    path("products/", catalogue.ProductListView.as_view(), name="product-list"),
    path("products/new/", catalogue.ProductCreateView.as_view(), name="product-create"),
    path("products/<int:pk>/edit/", catalogue.ProductUpdateView.as_view(), name="product-update"),
    path("products/import/", catalogue.ProductImportView.as_view(), name="product-import"),
    path("products/export/", catalogue.ProductExportView.as_view(), name="product-export"),
    # solution deadlines: extension requests (延期申请)
    path(
        "<int:pk>/extension/",
        deadlines.ExtensionRequestView.as_view(),
        name="extension-request",
    ),
    path(
        "extensions/<int:pk>/",
        deadlines.ExtensionDecideView.as_view(),
        name="extension-decide",
    ),
    # the forecast
    path("forecast/", forecast.ForecastView.as_view(), name="forecast"),
]

from django.urls import path

from .views import catalogue, deadlines, forecast, quote_review, quotes

app_name = "opportunities"

urlpatterns = [
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

"""The opportunities app's models, one module per area (imported here for Django and for
`from opportunities.models import …`)."""

from .catalogue import Product, VatRate
from .forecast import ForecastCommit
from .opportunity import (
    Competitor,
    ExtensionRequest,
    ExtensionStatusChange,
    Opportunity,
    OpportunityCheck,
    SkipRequestStatusChange,
    Source,
    StageChange,
    StageSkipRequest,
)
from .quotes import Quote, QuoteLine, QuoteReview, QuoteStatusChange
from .settings import OpportunitySettings
from .stages import LostReason, Stage, StageRequirement
from .totals import PipelineTotal

__all__ = [
    "Competitor",
    "ExtensionRequest",
    "ExtensionStatusChange",
    "ForecastCommit",
    "LostReason",
    "Opportunity",
    "OpportunityCheck",
    "OpportunitySettings",
    "PipelineTotal",
    "Product",
    "Quote",
    "QuoteLine",
    "QuoteReview",
    "QuoteStatusChange",
    "SkipRequestStatusChange",
    "Source",
    "Stage",
    "StageChange",
    "StageRequirement",
    "StageSkipRequest",
    "VatRate",
]

from .contracts import (
    ContractFactory,
    ContractLineFactory,
    DelegationFactory,
    InstalmentFactory,
)
from .customers import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    IndustryFactory,
    NeedLineFactory,
    NeedsSurveyFactory,
    PoolFactory,
    TagFactory,
    TaskFactory,
    pooled,
)
from .notifications import NotificationFactory
from .opportunities import (
    CompetitorFactory,
    OpportunityFactory,
    ProductFactory,
    QuoteFactory,
    QuoteLineFactory,
    SkipRequestFactory,
)
from .teams import TeamFactory, UserFactory

__all__ = [
    "ContractFactory",
    "ContractLineFactory",
    "DelegationFactory",
    "InstalmentFactory",
    "CompetitorFactory",
    "NotificationFactory",
    "OpportunityFactory",
    "ProductFactory",
    "QuoteFactory",
    "QuoteLineFactory",
    "SkipRequestFactory",
    "ContactFactory",
    "CustomerFactory",
    "FollowUpFactory",
    "IndustryFactory",
    "NeedLineFactory",
    "NeedsSurveyFactory",
    "PoolFactory",
    "TagFactory",
    "TaskFactory",
    "TeamFactory",
    "UserFactory",
    "pooled",
]

from .customers import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    IndustryFactory,
    NeedLineFactory,
    NeedsSurveyFactory,
    TagFactory,
    TaskFactory,
)
from .teams import TeamFactory, UserFactory

__all__ = [
    "ContactFactory",
    "CustomerFactory",
    "FollowUpFactory",
    "IndustryFactory",
    "NeedLineFactory",
    "NeedsSurveyFactory",
    "TagFactory",
    "TaskFactory",
    "TeamFactory",
    "UserFactory",
]

from .teams import TeamFactory, UserFactory

__all__ = ["TeamFactory", "UserFactory"]

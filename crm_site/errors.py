"""The base of every app's domain errors, so a view can catch one type."""


class DomainError(Exception):
    """A rule was broken; the message is for the user."""

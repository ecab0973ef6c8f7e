"""The base of every app's domain errors: a rule was broken and the message is for the user.

Services raise a subclass (`CustomerError`, `InvalidTransition`…); views catch `DomainError`
and turn it into a message on the page, so a view needs no list of every app's errors.
"""


class DomainError(Exception):
    """A rule was broken; `str(error)` is the message for the user (already translated)."""

"""Where a new notification goes beyond the app (email, the team's robot)."""


def dispatch(notification):
    """Called in the transaction that created `notification`."""

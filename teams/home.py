"""What the home page shows a user: what they do in the app (the apps' HOME_GREETING hooks,
so only what exists today), and the apps' HOME_PANELS hooks (crm_site/hooks.py), each a card
or nothing for the user."""

from crm_site import hooks


def greeting_for(user):
    """The sentences under "Hello": one per app that has something for `user`."""
    return [line for fn in hooks.get(hooks.HOME_GREETING) if (line := fn(user=user))]


def panels_for(user):
    return [panel for fn in hooks.get(hooks.HOME_PANELS) if (panel := fn(user=user)) is not None]

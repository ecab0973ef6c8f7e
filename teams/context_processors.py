from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The areas of the app: (permission or None for every signed-in user, url name, label, icon).
# Apps add theirs with register_nav_item() in AppConfig.ready(); the navbar shows only those
# the user may use.
NAV_ITEMS = [(None, "home", _("Home"), "house")]
_ADMIN_ITEMS = [
    ("teams.manage_users", "teams:user-list", _("Users"), "people"),
    ("teams.manage_teams", "teams:team-list", _("Teams"), "diagram-3"),
    ("teams.manage_settings", "teams:calendar", _("Working days"), "calendar-week"),
]


def register_nav_item(perm, url_name, label, icon):
    """Add an area before the administration entries."""
    NAV_ITEMS.insert(len(NAV_ITEMS) - len(_ADMIN_ITEMS), (perm, url_name, label, icon))


NAV_ITEMS.extend(_ADMIN_ITEMS)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for perm, url_name, label, icon in NAV_ITEMS:
        if perm and not user.has_perm(perm):
            continue
        items.append({"url": reverse(url_name), "label": label, "icon": icon, "active": False})
    # The longest URL that the page's path starts with is the active area.
    path = request.path
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}

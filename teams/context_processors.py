from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The areas of the app: (permission or None for every signed-in user, url name, label, icon).
# Later apps append theirs; the navbar shows only those the user may use.
NAV_ITEMS = [
    (None, "home", _("Home"), "house"),
    ("teams.manage_users", "teams:user-list", _("Users"), "people"),
    ("teams.manage_teams", "teams:team-list", _("Teams"), "diagram-3"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    current = request.path
    for perm, url_name, label, icon in NAV_ITEMS:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        active = current == url if url == "/" else current.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    return {"nav_items": items}

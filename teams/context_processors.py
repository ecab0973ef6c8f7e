from django.urls import reverse

from crm_site import hooks

# The areas of the app come from the NAV_ITEMS hooks: each one shows only to users it accepts.


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for area in hooks.get(hooks.NAV_ITEMS):
        item = area(user=user)
        if item is not None:
            items.append(
                {
                    "url": reverse(item.url_name),
                    "label": item.label,
                    "icon": item.icon,
                    "active": False,
                    "is_home": item.url_name == "home",
                    "badge_url": reverse(item.badge_url_name) if item.badge_url_name else "",
                }
            )
    # The longest URL that the page's path starts with is the active area.
    path = request.path
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}

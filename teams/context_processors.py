from django.urls import reverse

from crm_site import hooks

# The areas of the app come from the NAV_ITEMS hooks: each one shows only to users it accepts.


def navigation(request):
    """`nav_items`: the user's areas in order (the home page's tiles); `nav_menu`: the same
    for the navbar, the areas of a NAV_GROUPS band in one dropdown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for order, _sequence, area in hooks.ordered(hooks.NAV_ITEMS):
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
                    "order": order,
                }
            )
    # The longest URL that the page's path starts with is the active area.
    path = request.path
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items, "nav_menu": _menu(items)}


def _menu(items):
    """The navbar's entries: an item, or a group (label, icon, items) where its band starts."""
    menu, groups = [], {}
    for item in items:
        band = None
        if not item["badge_url"]:
            band = next((g for g in hooks.NAV_GROUPS if g[0] <= item["order"] < g[1]), None)
        if band is None:
            menu.append({"item": item})
        elif band in groups:
            groups[band]["items"].append(item)
        else:
            groups[band] = {"label": band[2], "icon": band[3], "items": [item]}
            menu.append(groups[band])
    for entry in menu:
        if "items" in entry:
            entry["active"] = any(i["active"] for i in entry["items"])
            if len(entry["items"]) == 1:
                entry["item"] = entry.pop("items")[0]
    return menu

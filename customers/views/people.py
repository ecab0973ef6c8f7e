"""The user pickers' one search: whom the acting user may give a customer to or share it with."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from .. import selectors
from ..forms.fields import person_label
from ..models import Customer


class PeopleSearchView(PermissionRequiredMixin, TemplateView):
    """GET ?for=owner|colleague&q=: at most 20 active users, scoped by the teams policy:
    `owner` whom the user may make a customer's owner (`exclude=<id>` leaves one out, e.g. the
    handover's source); `colleague` whom `customer=<id>` may be shared with, for who may share
    it. The radio list of a picker (`field=<name>`, `<name>_q` the text, `<name>` the one
    chosen, kept checked), or JSON with `format=json`. A constant number of queries."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials.html#user_picker"
    limit = 20

    def scope(self):
        user, params = self.request.user, self.request.GET
        purpose = params.get("for")
        if purpose == "owner":
            users = selectors.owner_choices(user)
            if params.get("exclude", "").isdigit():
                users = users.exclude(pk=params["exclude"])
            return users
        if purpose == "colleague" and params.get("customer", "").isdigit():
            customer = get_object_or_404(
                Customer.objects.visible_to(user).select_related("owner"), pk=params["customer"]
            )
            if not user.has_perm("customers.share_customer", customer):
                raise PermissionDenied
            return selectors.colleague_choices(customer)
        raise Http404

    def get(self, request, *args, **kwargs):
        params = request.GET
        field = params.get("field", "user")
        text = (params.get(f"{field}_q") or params.get("q") or "").strip()[:100]
        users = self.scope()
        found = list(selectors.people_search(users, text, limit=self.limit))
        if params.get("format") == "json":
            return JsonResponse(
                {
                    "results": [
                        {"id": u.pk, "username": u.username, "name": u.display_name} for u in found
                    ]
                }
            )
        chosen = params.get(field, "")
        picked = None
        if chosen.isdigit():
            picked = next((u for u in found if u.pk == int(chosen)), None) or (
                users.filter(pk=chosen).only(*selectors.PICKER_FIELDS).first()
            )
        results = [
            {"pk": u.pk, "label": person_label(u), "team": u.team.name if u.team else ""}
            for u in found
            if picked is None or u != picked
        ]
        return self.render_to_response(
            {
                "field": field,
                "q": text,
                "picked": {"pk": picked.pk, "label": person_label(picked)} if picked else None,
                "results": results,
            }
        )

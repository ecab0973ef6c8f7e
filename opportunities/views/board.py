"""The kanban: one column per stage with its count, amount and weighted amount over every
matching opportunity, the first cards of each column, and "more" loaded by htmx. The board
takes the list's filters (not its sort). Moves post to OpportunityMoveView."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from teams import policy

from .. import selectors
from ..filters import OpportunityFilter
from ..models import Stage
from ..selectors import board_cards
from .mixins import OpportunityScopeMixin

PER_COLUMN = 20
EMPTY = (None, "", [], False)
CARD_ORDER = ("-updated_at", "-pk")


class BoardMixin(PermissionRequiredMixin, OpportunityScopeMixin):
    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True

    @cached_property
    def stages(self):
        return list(Stage.objects.board())

    def filter_data(self):
        data = self.request.GET.copy()
        data.pop("o", None)
        data.pop("offset", None)
        return data or None

    @cached_property
    def filterset(self):
        return OpportunityFilter(
            self.filter_data(),
            queryset=self.get_queryset(),
            user=self.request.user,
            stages=self.stages,
        )

    def matching(self):
        """The filtered opportunities (all of them when a filter is not valid)."""
        filterset = self.filterset
        return filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()

    # Filters the running totals can answer (by owner, stage and status); any other filter
    # (grade, amount, month, source, search) sums the matching opportunities live.
    TOTALS_FILTERS = frozenset({"stage", "status", "owner", "team"})

    def columns(self):
        """Each stage's count, amount and weighted amount over every matching opportunity."""
        filterset = self.filterset
        valid = filterset.is_bound and filterset.is_valid()
        used = (
            {name for name, value in filterset.form.cleaned_data.items() if value not in EMPTY}
            if valid
            else set()
        )
        if not selectors.totals_available() or used - self.TOTALS_FILTERS:
            return selectors.pipeline_columns(opportunities=self.matching(), stages=self.stages)
        cleaned = filterset.form.cleaned_data if valid else {}
        totals_q = Q()
        if cleaned.get("stage"):
            totals_q &= Q(stage=cleaned["stage"])
        if cleaned.get("status"):
            totals_q &= Q(status=cleaned["status"])
        if cleaned.get("owner"):
            totals_q &= Q(owner=cleaned["owner"])
        if cleaned.get("team"):
            totals_q &= Q(owner__team_id__in=policy.team_subtree_ids(cleaned["team"].pk))
        scope = selectors.totals_scope(self.request.user)
        shared = scope.shared
        if shared is not None and valid:
            shared = filterset.filter_queryset(shared)  # the same filters, on the shared part
        return selectors.pipeline_columns_from_totals(
            scope=scope, stages=self.stages, totals_q=totals_q, shared=shared
        )

    def query(self):
        data = self.request.GET.copy()
        for name in ("o", "offset", "page"):
            data.pop(name, None)
        return data.urlencode()


def with_urls(cards):
    """Each card's page and move URLs, formatted from one reverse() each: a board renders a
    hundred cards and reverse() per card and link was a sixth of its time."""
    detail = reverse("opportunities:opportunity-detail", args=[0]).replace("/0/", "/{}/")
    move = reverse("opportunities:opportunity-move", args=[0]).replace("/0/", "/{}/")
    for card in cards:
        card.detail_url = detail.format(card.pk)
        card.move_url = move.format(card.pk)
    return cards


class BoardView(BoardMixin, TemplateView):
    template_name = "opportunities/opportunity_board.html"

    def get_context_data(self, **kwargs):
        matching = self.matching()
        columns = self.columns()
        cards = board_cards(
            opportunities=matching,
            stages=self.stages,
            per_column=PER_COLUMN,
            order=CARD_ORDER,
            # Walk each column's index when the scope is every opportunity or a team
            # subtree's (one row in a few matches); a rep's own few are ranked at once.
            walk_index=policy.reach(self.request.user) is not policy.Reach.OWN,
        )
        return {
            **super().get_context_data(**kwargs),
            "filter": self.filterset,
            "active_filters": self.filterset.active_count(),
            "query": self.query(),
            "filter_query": self.query(),
            "columns": [
                {
                    "column": column,
                    "cards": with_urls(cards[column.stage.pk]),
                    "next_offset": PER_COLUMN,
                }
                for column in columns
            ],
            "board_url": reverse("opportunities:opportunity-board"),
            "stages": self.stages,
        }


class BoardColumnView(BoardMixin, TemplateView):
    """GET ?offset=N (and the filters): the next cards of one column, for htmx."""

    template_name = "opportunities/partials/board_more.html"

    def get_context_data(self, **kwargs):
        stage = next((s for s in self.stages if s.pk == self.kwargs["stage"]), None)
        if stage is None:
            raise Http404
        offset = self.request.GET.get("offset", "")
        offset = int(offset) if offset.isdigit() else PER_COLUMN
        rows = list(
            self.matching()
            .filter(stage=stage)
            .select_related("customer", "owner")
            .order_by(*CARD_ORDER)[offset : offset + PER_COLUMN + 1]
        )
        return {
            **super().get_context_data(**kwargs),
            "stage": stage,
            "cards": with_urls(rows[:PER_COLUMN]),
            "board_url": reverse("opportunities:opportunity-board"),
            "next_offset": offset + PER_COLUMN if len(rows) > PER_COLUMN else None,
            "query": self.query(),
            "stages": self.stages,
        }

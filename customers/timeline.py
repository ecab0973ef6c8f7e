"""One timeline of everything that happened with a customer, newest first.

Each app registers a provider with `register(provider)`; `customers` never imports them.
A provider is `provider(customer, user) -> iterable of Event` and must run a constant
number of queries (no query per event).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass
class Event:
    when: datetime
    kind: str  # a short key: "followup", "grade", "survey", "merge", "contract"…
    icon: str  # a Bootstrap Icons name
    title: str
    body: str = ""
    url: str = ""
    who: object = None
    badges: list = field(default_factory=list)


_providers = []


def register(provider):
    _providers.append(provider)
    return provider


def events_for(customer, user, limit=100):
    events = []
    for provider in _providers:
        events.extend(provider(customer, user))
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]


def _aware(value):
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


@register
def followups(customer, user):
    for f in customer.followups.select_related("author", "contact")[:100]:
        badges = [str(_("late"))] if f.is_late else []
        if f.executive:
            badges.append(str(_("executive")))
        yield Event(
            when=f.occurred_at,
            kind="followup",
            icon="chat-dots" if f.method != "visit" else "geo-alt",
            title=f"{f.get_method_display()}" + (f" · {f.contact.name}" if f.contact else ""),
            body=f.summary,
            who=f.author,
            badges=badges,
        )


@register
def grade_changes(customer, user):
    for change in customer.grade_changes.select_related("changed_by")[:50]:
        yield Event(
            when=change.changed_at,
            kind="grade",
            icon="award",
            title=_("Grade %(old)s → %(new)s")
            % {"old": change.from_grade or "—", "new": change.to_grade},
            body=change.reason,
            who=change.changed_by,
        )


@register
def surveys(customer, user):
    for survey in customer.surveys.select_related("surveyor")[:50]:
        yield Event(
            when=_aware(survey.survey_date),
            kind="survey",
            icon="clipboard-check",
            title=_("Needs survey with %(name)s") % {"name": survey.respondent},
            body=survey.pain_points,
            who=survey.surveyor,
        )


@register
def merges_and_handovers(customer, user):
    for merge in customer.merges.select_related("by")[:20]:
        yield Event(
            when=merge.at,
            kind="merge",
            icon="union",
            title=_("Merged with %(name)s") % {"name": merge.merged_name},
            who=merge.by,
        )
    for handover in customer.handovers.select_related("by", "from_user", "to_user")[:20]:
        yield Event(
            when=handover.at,
            kind="handover",
            icon="arrow-left-right",
            title=_("Handed over from %(old)s to %(new)s")
            % {"old": handover.from_user, "new": handover.to_user},
            body=handover.note,
            who=handover.by,
        )

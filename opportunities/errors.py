"""What the opportunities services raise when a rule is broken; `str(error)` is the message
for the user (translated). Views catch `crm_site.errors.DomainError`; a page that wants more
reads the attributes (`missing`, `skipped`, `errors`, `problems`)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from crm_site.errors import DomainError
from crm_site.transitions import InvalidTransition

__all__ = [
    "ChecklistNotMet",
    "ImportRefused",
    "InvalidInput",
    "InvalidTransition",
    "OpportunityError",
    "SkipNeedsApproval",
]


def _listed(texts):
    return pgettext("between items of a list", ", ").join(texts)


class OpportunityError(DomainError):
    """A rule of opportunities, stages, quotes or the catalogue was broken."""


class InvalidInput(OpportunityError):
    """Values that break a rule of `validation.py`: `errors` is {field: [messages]}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class ChecklistNotMet(OpportunityError):
    """The target stage's checklist (阶段推进器) is not met: `missing` lists the
    StageRequirements still open, `labels` their texts in the reader's language."""

    def __init__(self, stage, missing):
        self.stage, self.missing = stage, list(missing)
        self.labels = [str(requirement.label) for requirement in self.missing]
        super().__init__(
            _("Before entering “%(stage)s”: %(missing)s.")
            % {"stage": stage.name, "missing": _listed(self.labels)}
        )


class SkipNeedsApproval(OpportunityError):
    """A forward move past one stage or more without an approved skip request: `skipped` are
    the stages it would pass over."""

    def __init__(self, from_stage, to_stage, skipped):
        self.from_stage, self.to_stage, self.skipped = from_stage, to_stage, list(skipped)
        super().__init__(
            _(
                "Moving from “%(from)s” to “%(to)s” skips %(skipped)s: ask your manager to "
                "approve the skip first."
            )
            % {
                "from": from_stage.name,
                "to": to_stage.name,
                "skipped": _listed(f"“{stage.name}”" for stage in self.skipped),
            }
        )


class ImportRefused(OpportunityError):
    """A catalogue file with problems: nothing was imported; `problems` are
    customers.excel.Problem rows (row, column, message)."""

    def __init__(self, problems):
        self.problems = list(problems)
        first = self.problems[0]
        where = _("row %(row)s") % {"row": first.row} if first.row else _("the file")
        super().__init__(
            ngettext(
                "Nothing was imported: the file has %(count)d problem, in %(where)s: %(message)s",
                "Nothing was imported: the file has %(count)d problems, the first in %(where)s: "
                "%(message)s",
                len(self.problems),
            )
            % {"count": len(self.problems), "where": where, "message": first.message}
        )

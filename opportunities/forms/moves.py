"""The move actions of an opportunity page and the kanban: a move to a stage, a skip
request and its decision, lost with a reason, reopen. They check the input's shape; the
rules of a move are the service's (services/moves.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Competitor, LostReason, Stage


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        elif not isinstance(field.widget, forms.HiddenInput | forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-control")


class MoveForm(forms.Form):
    """A move to another stage (the kanban posts the stage's id)."""

    to_stage = forms.ModelChoiceField(
        queryset=Stage.objects.active(),
        error_messages={
            "required": _("Choose a stage."),
            "invalid_choice": _("This stage does not exist (any more)."),
        },
    )


class SkipRequestForm(forms.Form):
    to_stage = forms.ModelChoiceField(
        label=_("to stage"),
        queryset=Stage.objects.none(),
        error_messages={"required": _("Choose a stage."), "invalid_choice": _("Choose a stage.")},
    )
    reason = forms.CharField(
        label=_("why skip"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the stages can be skipped.")},
    )

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].queryset = Stage.objects.active().filter(is_lost=False)
        if stages is not None:
            self.fields["to_stage"].choices = [(s.pk, s.name) for s in stages]
        _styled(self)


class SkipDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    comment = forms.CharField(
        label=_("manager's comment"), max_length=1000, required=False, widget=forms.TextInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class LoseForm(forms.Form):
    lost_reason = forms.ModelChoiceField(
        label=_("lost reason"),
        queryset=LostReason.objects.filter(is_active=True),
        empty_label=_("Choose a reason…"),
        error_messages={
            "required": _("Choose why the opportunity was lost."),
            "invalid_choice": _("Choose why the opportunity was lost."),
        },
    )
    won_competitor = forms.ModelChoiceField(
        label=_("winning competitor"),
        queryset=Competitor.objects.none(),
        required=False,
        empty_label=_("None of them / unknown"),
    )
    note = forms.CharField(label=_("about the loss"), max_length=300, required=False)

    def __init__(self, *args, opportunity, reasons=None, competitors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["won_competitor"].queryset = Competitor.objects.filter(opportunity=opportunity)
        if reasons is not None:
            self.fields["lost_reason"].choices = [("", _("Choose a reason…"))] + [
                (r.pk, r.name) for r in reasons
            ]
        if competitors is not None:
            self.fields["won_competitor"].choices = [("", _("None of them / unknown"))] + [
                (c.pk, c.name) for c in competitors
            ]
        _styled(self)


class ReopenForm(forms.Form):
    to_stage = forms.ModelChoiceField(
        label=_("into stage"),
        queryset=Stage.objects.open(),
        error_messages={"required": _("Choose a stage."), "invalid_choice": _("Choose a stage.")},
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        error_messages={"required": _("Say why the opportunity is reopened.")},
    )

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stages is not None:
            self.fields["to_stage"].choices = [(s.pk, s.name) for s in stages]
        _styled(self)


class TickForm(forms.Form):
    requirement = forms.IntegerField()
    checked = forms.BooleanField(required=False)

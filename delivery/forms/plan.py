from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput, PersonChoiceField
from teams.models import User

from .. import validation
from ..models import Phase, ProgressNote


class PhaseForm(forms.ModelForm):
    """A phase of the plan (template 5). `contract` bounds its dates; the owner is one of the
    contract's delivery team."""

    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Phase
        fields = [
            "name",
            "start_date",
            "end_date",
            "owner",
            "key_tasks",
            "deliverables",
            "risks",
            "mitigations",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "key_tasks": forms.Textarea(attrs={"rows": 2}),
            "deliverables": forms.Textarea(attrs={"rows": 2}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "mitigations": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, contract, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["owner"].queryset = User.objects.filter(pk__in=[u.pk for u in team])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            kept = self.instance.pk and (self.instance.start_date, self.instance.end_date) == (
                start,
                end,
            )
            errors = validation.phase_date_errors(
                start=start, end=end, contract=self.contract, beyond_term=bool(kept)
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        pass  # the service writes the phase (model validation would run on a half-made row)


class PercentForm(forms.Form):
    percent_done = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)


class NoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["week_of", "body", "next_steps"]
        widgets = {
            "week_of": DateInput,
            "body": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"week_of": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        pass

"""The approval chain's rows: one form per step, and an empty one to add a step."""

from django import forms

from ..models import ApprovalStep


class StepForm(forms.ModelForm):
    class Meta:
        model = ApprovalStep
        fields = (
            "order",
            "role",
            "name",
            "min_amount",
            "min_discount_percent",
            "min_credit_days",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = {"role": "form-select", "is_active": "form-check-input"}.get(name, "form-control")
            field.widget.attrs["class"] = css


StepFormSet = forms.modelformset_factory(ApprovalStep, form=StepForm, extra=1, can_delete=False)

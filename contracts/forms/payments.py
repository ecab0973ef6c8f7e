"""The payment plan (its instalments as a formset), a payment, an invoice and a change of an
instalment's collection stage. Amounts are read as text and checked by the same rules as the
services (validation.money_value), so the messages are the same."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput
from opportunities.forms.quotes import MoneyField

from ..models import Instalment, Invoice, Payment

MAX_INSTALMENTS = 60


def _styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)
        if isinstance(field, MoneyField):
            field.widget.attrs["inputmode"] = "decimal"


class InstalmentForm(forms.Form):
    due_date = forms.DateField(label=_("due date"), required=False, widget=DateInput())
    amount = MoneyField(label=_("amount"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm"

    def has_changed(self):
        return any(self.data.get(self.add_prefix(name), "") != "" for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.has_changed():
            if cleaned.get("due_date") is None:
                raise ValidationError(_("Enter the due date."))
            if cleaned.get("amount") is None:
                raise ValidationError(_("Enter the amount."))
        return cleaned


class BasePlanFormSet(forms.BaseFormSet):
    def filled(self):
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def instalments(self):
        return [
            {"due_date": f.cleaned_data["due_date"], "amount": f.cleaned_data["amount"]}
            for f in self.filled()
        ]


PlanFormSet = forms.formset_factory(
    InstalmentForm,
    formset=BasePlanFormSet,
    extra=2,
    max_num=MAX_INSTALMENTS,
    absolute_max=MAX_INSTALMENTS,
)


def plan_formset(data=None, *, instalments=(), prefix="plan"):
    if data is not None:
        return PlanFormSet(data, prefix=prefix)
    initial = [{"due_date": i.due_date, "amount": i.amount} for i in instalments]
    return PlanFormSet(initial=initial, prefix=prefix)


class _InstalmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("Instalment %(n)s · due %(date)s · %(owed)s yuan owed") % {
            "n": obj.position,
            "date": obj.due_date.isoformat(),
            "owed": f"{obj.outstanding:,.2f}",
        }


class _OnInstalment(forms.Form):
    instalment = _InstalmentChoice(
        label=_("instalment"),
        queryset=Instalment.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an instalment of this contract.")},
    )

    def __init__(self, *args, instalments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = instalments
        _styled(self)


class PaymentForm(_OnInstalment):
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    amount = MoneyField(label=_("amount"))
    method = forms.ChoiceField(label=_("method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)


class InvoiceForm(_OnInstalment):
    number = forms.CharField(label=_("invoice number"), max_length=30)
    kind = forms.ChoiceField(label=_("invoice type"), choices=Invoice.Kind.choices)
    amount = MoneyField(label=_("amount"))
    issued_on = forms.DateField(label=_("issued on"), widget=DateInput())


class CollectionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("collection"))
    note = forms.CharField(
        label=_("note"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Add a note saying what was done.")},
    )

    def __init__(self, *args, instalment, **kwargs):
        super().__init__(*args, **kwargs)
        following = Instalment.TRANSITIONS.allowed(instalment.collection_stage)
        labels = dict(Instalment.Collection.choices)
        self.fields["to_stage"].choices = [(s, labels[s]) for s in following]
        _styled(self)

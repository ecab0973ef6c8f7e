"""The quote arithmetic: one function, `price`, and nothing else computes money on a quote.

Prices are tax-included, the way Chinese quotes are written (含税单价). For each line, in
Decimal, rounding half up to the fen (0.01 yuan) where it says so:

    line total (含税金额)   = round(quantity × unit price × (100 − discount %) / 100)
    before tax (不含税金额) = round(line total / (1 + VAT rate / 100))
    tax (税额)              = line total − before tax
    cost (成本)             = round(quantity × unit cost)
    margin (毛利)           = before tax − cost

and for the quote, sums of the rounded line figures (never rounded again):

    total = Σ line total    before tax = Σ before tax    tax = Σ tax
    cost  = Σ cost          margin = Σ margin = before tax − cost

So a line of 1 × 0.01 at 50 % off is 0.005, rounded up to 0.01; a line at 100 % off is 0.00
with a cost still counted; 113.00 at 13 % is 100.00 before tax and 13.00 tax. The products
are computed with 50 significant digits, so nothing is rounded before the fen.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def round_fen(amount):
    """`amount` rounded half up to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineFigures:
    total: Decimal  # tax included
    before_tax: Decimal
    tax: Decimal
    cost: Decimal
    margin: Decimal


@dataclass(frozen=True)
class Totals:
    total: Decimal
    before_tax: Decimal
    tax: Decimal
    cost: Decimal
    margin: Decimal

    @property
    def margin_percent(self):
        """Margin as a percentage of the amount before tax (one decimal), or None."""
        if not self.before_tax:
            return None
        return (self.margin * HUNDRED / self.before_tax).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class Priced:
    lines: list  # [LineFigures], in the order given
    totals: Totals


def price(lines):
    """The figures of each line and the quote's totals.

    `lines` are objects or dicts with `quantity`, `unit_price`, `discount_percent`,
    `vat_rate` (percent: 13, "9", Decimal("6")…) and `unit_cost`, all already valid
    (`validation.py`)."""
    figures = []
    with localcontext() as context:
        context.prec = 50
        for line in lines:
            get = (
                line.get
                if isinstance(line, dict)
                else lambda name, _line=line: getattr(_line, name)
            )
            quantity = Decimal(get("quantity"))
            unit_price = Decimal(get("unit_price"))
            discount = Decimal(get("discount_percent") or 0)
            vat = Decimal(str(get("vat_rate")))
            unit_cost = Decimal(get("unit_cost") or 0)

            total = round_fen(quantity * unit_price * (HUNDRED - discount) / HUNDRED)
            before_tax = round_fen(total * HUNDRED / (HUNDRED + vat))
            cost = round_fen(quantity * unit_cost)
            figures.append(
                LineFigures(
                    total=total,
                    before_tax=before_tax,
                    tax=total - before_tax,
                    cost=cost,
                    margin=before_tax - cost,
                )
            )
    totals = Totals(
        total=sum((f.total for f in figures), ZERO),
        before_tax=sum((f.before_tax for f in figures), ZERO),
        tax=sum((f.tax for f in figures), ZERO),
        cost=sum((f.cost for f in figures), ZERO),
        margin=sum((f.margin for f in figures), ZERO),
    )
    return Priced(lines=figures, totals=totals)

"""The quote arithmetic, with every expected figure worked out by hand in the comments.

Prices are tax-included; a line total is rounded half up to the fen once, the amount before
tax once more from it, and the quote's totals are sums of the rounded line figures."""

from decimal import Decimal as D

import pytest

from opportunities.pricing import price


def line(quantity, unit_price, discount="0", vat="13", unit_cost="0"):
    return {
        "quantity": D(quantity),
        "unit_price": D(unit_price),
        "discount_percent": D(discount),
        "vat_rate": vat,
        "unit_cost": D(unit_cost),
    }


def test_half_a_fen_rounds_up():
    # 1 × 0.01 × 50% = 0.005 → 0.01 (ROUND_HALF_UP; banker's rounding would give 0.00)
    # before tax 0.01 / 1.13 = 0.00885 → 0.01; tax 0.01 − 0.01 = 0.00
    figures = price([line("1", "0.01", discount="50")]).lines[0]
    assert (figures.total, figures.before_tax, figures.tax) == (D("0.01"), D("0.01"), D("0.00"))


def test_half_up_not_half_even():
    # 3 × 0.35 = 1.05; × 50% = 0.525 → 0.53 (half-even would give 0.52)
    assert price([line("3", "0.35", discount="50")]).lines[0].total == D("0.53")
    # 1 × 2.675 is not a price (three decimals); 5 × 0.535 = 2.675 → 2.68 (a float gives 2.67)
    assert price([line("5", "0.535")]).lines[0].total == D("2.68")


def test_totals_are_sums_of_rounded_lines():
    # each line 0.005 → 0.01, so the total is 0.02, not round(0.005 + 0.005) = 0.01
    priced = price([line("1", "0.01", discount="50"), line("1", "0.01", discount="50")])
    assert priced.totals.total == D("0.02")
    assert priced.totals.before_tax == D("0.02")
    assert priced.totals.tax == D("0.00")


def test_a_full_discount_costs_still_count():
    # 2 × 1,130.00 × (100 − 100)% = 0.00; cost 2 × 600.00 = 1,200.00; margin −1,200.00
    figures = price([line("2", "1130.00", discount="100", unit_cost="600.00")]).lines[0]
    assert figures.total == D("0.00")
    assert figures.before_tax == D("0.00")
    assert figures.tax == D("0.00")
    assert figures.cost == D("1200.00")
    assert figures.margin == D("-1200.00")


@pytest.mark.parametrize(
    ("vat", "total", "before_tax", "tax"),
    [
        ("13", "113.00", "100.00", "13.00"),  # 113 / 1.13 = 100
        ("9", "109.00", "100.00", "9.00"),  # 109 / 1.09 = 100
        ("6", "106.00", "100.00", "6.00"),  # 106 / 1.06 = 100
        ("0", "100.00", "100.00", "0.00"),  # no VAT: all of it is before tax
        ("13", "100.00", "88.50", "11.50"),  # 100 / 1.13 = 88.4955… → 88.50
        ("9", "100.00", "91.74", "8.26"),  # 100 / 1.09 = 91.7431… → 91.74
        ("6", "100.00", "94.34", "5.66"),  # 100 / 1.06 = 94.3396… → 94.34
    ],
)
def test_tax_included_prices_split_by_rate(vat, total, before_tax, tax):
    figures = price([line("1", total, vat=vat)]).lines[0]
    assert (figures.total, figures.before_tax, figures.tax) == (D(total), D(before_tax), D(tax))


def test_a_quote_across_the_four_rates():
    priced = price(
        [
            line("1", "113.00", vat="13", unit_cost="50.00"),
            line("1", "109.00", vat="9", unit_cost="50.00"),
            line("1", "106.00", vat="6", unit_cost="50.00"),
            line("1", "100.00", vat="0", unit_cost="50.00"),
        ]
    )
    # total 113 + 109 + 106 + 100 = 428.00; before tax 4 × 100 = 400.00; tax 28.00
    # cost 4 × 50 = 200.00; margin 400 − 200 = 200.00, 50.0 % of the amount before tax
    totals = priced.totals
    assert (totals.total, totals.before_tax, totals.tax) == (D("428.00"), D("400.00"), D("28.00"))
    assert (totals.cost, totals.margin) == (D("200.00"), D("200.00"))
    assert totals.margin_percent == D("50.0")


def test_fractional_quantity_and_discount():
    # 2.5 × 399.99 = 999.975; × (100 − 12.5)% = 874.978125 → 874.98
    # before tax 874.98 / 1.13 = 774.3185… → 774.32; tax 874.98 − 774.32 = 100.66
    # cost 2.5 × 0.33 = 0.825 → 0.83; margin 774.32 − 0.83 = 773.49
    figures = price([line("2.5", "399.99", discount="12.5", unit_cost="0.33")]).lines[0]
    assert figures.total == D("874.98")
    assert figures.before_tax == D("774.32")
    assert figures.tax == D("100.66")
    assert figures.cost == D("0.83")
    assert figures.margin == D("773.49")


def test_large_amounts_keep_every_fen():
    # 9,999,999.99 × 99,999.99 = (10⁷ − 0.01)(10⁵ − 0.01) = 10¹² − 10⁵ − 10³ + 0.0001
    # = 999,999,899,000.0001 → 999,999,899,000.00 (a float would lose the fen)
    figures = price([line("99999.99", "9999999.99", vat="0")]).lines[0]
    assert figures.total == D("999999899000.00")

"""Properties of the import reader over random workbooks (Hypothesis): whatever the cells,
formulas, merged cells, blank rows, huge strings and sheet names, the form never raises,
never keeps part of a file, and answers within the bounds of tests/customers/
test_import_files.py. The examples are derandomized, so a run is the same everywhere."""

import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from customers import excel, services
from customers.xlsx import limits
from tests.factories import IndustryFactory

from . import workbooks
from .workbooks import MEMORY, SECONDS, Error, Formula, Raw, Shared, Styled, check

pytestmark = pytest.mark.django_db

PROPERTIES = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # The fixtures (a user, an industry) are only read; each example rolls back its writes.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Text that XML can hold, and some it cannot (a control character makes a damaged part).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
ODD_TEXT = st.text(max_size=6)
HUGE = st.integers(20_000, 33_000).map(lambda n: "长" * n)
GOOD = {
    "客户名称": st.integers(1, 10**6).map(lambda n: f"随机{n}号科技有限公司"),
    "电话": st.integers(10**7, 10**8 - 1).map(lambda n: f"021-{n}"),
    "区域": st.sampled_from(["华东", "华南", "south", "north"]),
    "预算下限(万元)": st.integers(0, 100),
    "预计采购时间": st.sampled_from(["2026-09-30", "2026-09", 46295]),
    "战略客户": st.sampled_from(["是", "否", True, False]),
}
ERRORS = st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!"]).map(Error)


def cached_values():
    return st.one_of(st.none(), TEXT, st.integers(-5, 10**6), ERRORS, st.just(""))


def cell_values(strings, clean=False):
    """Any cell; `clean` leaves out what makes a damaged file (control characters, a text
    index out of the table)."""
    plain = st.one_of(
        st.none(),
        TEXT,
        TEXT if clean else ODD_TEXT,
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=False),
        st.booleans(),
        ERRORS,
        st.builds(Formula, st.sampled_from(["1+1", "A1", 'IF(B2="","",B2)']), cached_values()),
        st.builds(
            Styled,
            st.one_of(st.none(), st.integers(0, 80_000), st.floats(-1, 3e6)),
            st.integers(0, 6),  # 5 and 6 are not in styles.xml
        ),
        st.sampled_from(
            [
                Raw('<c r="{ref}" t="d"><v>2026-09-30T00:00:00</v></c>'),
                Raw('<c r="{ref}" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c>'),
                Raw('<c r="{ref}"><f t="shared" si="0"/></c>'),
                Raw('<c r="{ref}" t="b"><v>1</v></c>'),
                Raw('<c r="{ref}" t="s"><v></v></c>'),
            ]
        ),
    )
    if strings:
        last = len(strings) - 1 if clean else len(strings)  # one index out of the table
        plain = plain | st.integers(0, last).map(Shared)
    return plain


@st.composite
def workbook_specs(draw, huge=True, clean=False):
    strings = draw(st.lists(st.one_of(TEXT, HUGE) if huge else TEXT, max_size=5))
    values = cell_values(strings, clean) | (HUGE if huge else st.nothing())
    header = draw(
        st.sampled_from(["template", "template", "shuffled", "random"]).flatmap(
            lambda kind: {
                "template": st.just(excel.HEADERS),
                "shuffled": st.permutations(excel.HEADERS).map(list),
                "random": st.lists(TEXT, max_size=5),
            }[kind]
        )
    )
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        # Mostly customers that can be imported, so that both answers are seen often.
        kind = draw(st.sampled_from(["good", "good", "good", "odd", "blank", "gap"]))
        if kind == "blank":
            rows.append([None] * draw(st.integers(0, 3)))
        elif kind == "gap":
            rows.extend([None] * draw(st.integers(1, 40)))
        else:
            row = {column: draw(strategy) for column, strategy in GOOD.items()}
            odd = draw(st.lists(st.sampled_from(excel.HEADERS), max_size=4 if kind == "odd" else 0))
            for column in odd:
                row[column] = draw(values)
            width = max(len(header), 29)
            cells = [row.get(h) for h in header] + [None] * (width - len(header))
            if draw(st.booleans()):
                cells += draw(st.lists(values, max_size=3))
            rows.append(cells)
    merged = draw(st.lists(st.sampled_from(["A2:A3", "B2:D2", "A1:B1", "C3:C9"]), max_size=2))
    after = ""
    if merged:
        refs = "".join(f'<mergeCell ref="{ref}"/>' for ref in merged)
        after = f'<mergeCells count="{len(merged)}">{refs}</mergeCells>'
    return {
        "rows": rows,
        "strings": strings,
        "after": after,
        "sheet_name": draw(st.one_of(st.just("客户"), TEXT, TEXT if clean else ODD_TEXT)),
        "dimension": draw(st.booleans()),
    }


def build(spec):
    sheet = workbooks.sheet_xml(spec["rows"], dimension=spec["dimension"], after=spec["after"])
    content = workbooks.parts(sheet, strings=spec["strings"], sheet_name=spec["sheet_name"])
    buffer = io.BytesIO()
    workbooks.write(buffer, content, level=1)
    return buffer.getvalue()


def _has_content(value, strings):
    if isinstance(value, Styled):
        value = value.value
    if isinstance(value, Formula):
        if isinstance(value.cached, str):  # a text result, empty or blank: an empty cell
            return bool(value.cached.strip())
        return True
    if isinstance(value, Shared):
        return value.index >= len(strings) or bool(strings[value.index].strip())
    if isinstance(value, Raw):
        return "<v></v>" not in value.xml
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def content_rows(spec):
    """Excel's numbers of the rows below the header that hold anything."""
    return [
        number
        for number, cells in enumerate(spec["rows"][1:], start=2)
        if cells and any(_has_content(value, spec["strings"]) for value in cells)
    ]


def assert_all_or_nothing(answer, spec, user):
    assert answer.seconds < SECONDS
    assert answer.peak < MEMORY
    if not answer.valid:
        event("refused: " + (answer.error[:40] or "problems in rows"))
        assert answer.rows == []
        return
    event("imported")
    # Every row with something in it is imported: none is skipped without a word.
    assert [row.row for row in answer.rows] == content_rows(spec)
    with transaction.atomic():
        log = services.customers_import(by=user, rows=answer.rows, filename="random.xlsx")
        assert log.customer_count == len(answer.rows)
        transaction.set_rollback(True)


@pytest.fixture
def industry(db):
    return IndustryFactory(name="制造业")


@PROPERTIES
@given(spec=workbook_specs())
def test_random_workbooks_are_imported_whole_or_refused_whole(rep, industry, spec):
    answer = check(rep, build(spec))  # never raises
    assert_all_or_nothing(answer, spec, rep)


@PROPERTIES
@given(
    spec=workbook_specs(huge=False, clean=True),
    blank_rows=st.integers(0, 400),
    width=st.integers(1, 60),
    strings=st.integers(0, 300),
)
def test_random_shapes_stop_at_the_first_bound(
    rep, industry, monkeypatch, spec, blank_rows, width, strings
):
    # The bounds made small, so that random files cross them in a few milliseconds.
    monkeypatch.setattr(limits, "MAX_ROWS_SCANNED", 300)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 40)
    monkeypatch.setattr(limits, "MAX_CELLS", 3000)
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 200)
    tail = ["尾行"] + [None] * (width - 2) + ["x"]
    spec = {
        **spec,
        "rows": spec["rows"] + [None] * blank_rows + [tail],
        "strings": spec["strings"] + [f"文本{n}" for n in range(strings)],
    }

    answer = check(rep, build(spec))

    assert_all_or_nothing(answer, spec, rep)
    # The table of texts is read before the sheet, the sheet row by row.
    if len(spec["strings"]) > 200:
        assert "table of texts holds more than 200 entries" in answer.error
    elif len(spec["rows"]) > 300:
        assert "The sheet goes past row 300" in answer.error
    elif width > 40:
        assert "beyond column AN" in answer.error

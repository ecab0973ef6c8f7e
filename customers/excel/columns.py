"""The file format: the template's columns (Chinese headers, whatever the interface language),
how choices are written in it, and what reading a file yields (ImportRow, Problem)."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy

from .. import normalize
from ..models import Contact, Customer

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of the template: its header, where the value goes and how it is read."""

    header: str  # the file format: Chinese whatever the interface language
    target: str  # "name", "contact.phone", "owner", "tags"…
    english: str = ""  # the header an English export writes; imports accept it too
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: type | None = None
    help: str = ""


def _max(model, name):
    return model._meta.get_field(name).max_length


COLUMNS = [
    Column(
        "客户名称",
        "name",
        english="Customer name",
        required=True,
        max_length=_max(Customer, "name"),
    ),
    Column(
        "统一社会信用代码",
        "credit_code",
        english="Unified social credit code",
        kind="credit_code",
        help=gettext_lazy("18 characters: digits and capital letters."),
    ),
    Column(
        "行业",
        "industry",
        english="Industry",
        kind="industry",
        help=gettext_lazy("One of the industries an administrator keeps (see below)."),
    ),
    Column(
        "员工规模",
        "employee_band",
        english="Employees",
        kind="choice",
        choices=Customer.EmployeeBand,
    ),
    Column(
        "年营业额",
        "revenue_band",
        english="Annual revenue",
        kind="choice",
        choices=Customer.RevenueBand,
    ),
    Column("区域", "region", english="Region", kind="choice", choices=Customer.Region),
    Column(
        "注册地址", "address", english="Registered address", max_length=_max(Customer, "address")
    ),
    Column("主营业务", "main_business", english="Main business"),
    Column(
        "法定代表人",
        "legal_representative",
        english="Legal representative",
        max_length=_max(Customer, "legal_representative"),
    ),
    Column(
        "电话",
        "phone",
        english="Phone",
        kind="phone",
        help=gettext_lazy("A landline or mobile number."),
    ),
    Column("采购决策流程", "decision_process", english="Purchase decision process"),
    Column(
        "线索来源", "lead_source", english="Lead source", kind="choice", choices=Customer.LeadSource
    ),
    Column("初步需求", "initial_need", english="Initial need"),
    Column(
        "预算下限(万元)",
        "budget_min",
        english="Budget from (10k CNY)",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元), e.g. 50."),
    ),
    Column(
        "预算上限(万元)",
        "budget_max",
        english="Budget to (10k CNY)",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元); not below the lower bound."),
    ),
    Column(
        "预计采购时间",
        "expected_purchase_date",
        english="Expected purchase",
        kind="date",
        help=gettext_lazy("A date such as 2026-06-30, or a month such as 2026-06."),
    ),
    Column(
        "客户状态",
        "status",
        english="Status",
        kind="choice",
        choices=Customer.Status,
        help=gettext_lazy("Empty means lead."),
    ),
    Column(
        "客户等级",
        "grade",
        english="Grade",
        kind="grade",
        help=gettext_lazy(
            "A, B or C. Empty: computed from the annual purchase estimate. "
            "An A customer waits for a manager's second check."
        ),
    ),
    Column(
        "年采购额预估(万元)",
        "annual_purchase_estimate",
        english="Annual purchase estimate (10k CNY)",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元) a year; decides the grade when no grade is given."),
    ),
    Column(
        "战略客户",
        "strategic",
        english="Strategic",
        kind="bool",
        help=gettext_lazy("是 or 否: an explicit strategic intent makes the customer grade A."),
    ),
    Column(
        "标签",
        "tags",
        english="Tags",
        kind="tags",
        help=gettext_lazy("Existing tags, separated by commas or 、."),
    ),
    Column(
        "负责人(用户名)",
        "owner",
        english="Owner (username)",
        kind="owner",
        help=gettext_lazy(
            "The owner's username. Empty: you. A sales rep can only import their own customers."
        ),
    ),
    Column("备注", "notes", english="Notes"),
    Column("联系人姓名", "contact.name", english="Contact name", max_length=_max(Contact, "name")),
    Column(
        "联系人职务", "contact.title", english="Contact title", max_length=_max(Contact, "title")
    ),
    Column("联系人电话", "contact.phone", english="Contact phone", kind="phone"),
    Column("联系人邮箱", "contact.email", english="Contact email", kind="email"),
    Column(
        "联系人微信", "contact.wechat", english="Contact WeChat", max_length=_max(Contact, "wechat")
    ),
    Column(
        "决策角色",
        "contact.decision_role",
        english="Role in the decision",
        kind="choice",
        choices=Contact.DecisionRole,
    ),
]
HEADERS = [column.header for column in COLUMNS]
# An English header names the same column as its Chinese one (folded: case and spaces).
ENGLISH_HEADERS = {" ".join(column.english.lower().split()): column.header for column in COLUMNS}


def column_header(text):
    """The template's (Chinese) header for a header cell, given in Chinese or English."""
    return ENGLISH_HEADERS.get(" ".join(text.lower().split()), text)


# Words people type for a choice that are neither its code nor its label.
EXTRA_ALIASES = {
    Customer.EmployeeBand: {"50人以下": "lt50", "1000人以上": "1000_plus"},
    Customer.RevenueBand: {"1000万以下": "lt1000w", "10亿以上": "gt10y"},
    Customer.Status: {"休眠": "dormant", "流失": "churned"},
    Customer.LeadSource: {"公开招标": "tender", "招投标": "tender", "企业年报": "tender"},
    Contact.DecisionRole: {"决策者": "decision_maker", "技术": "technical", "使用者": "user"},
}


def _fold(text):
    """The same choice typed two ways folds to the same key (width, case, dashes, spaces)."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"[‐-―−~～]", "-", text)
    return re.sub(r"\s+", "", text)


@functools.cache
def zh_label(choices, code):
    """The Chinese label of a choice: the file format's words."""
    if not code:
        return ""
    with translation.override("zh-hans"):
        return str(choices(code).label)


@functools.cache
def _choice_lookup(choices):
    lookup = {}
    for code, label in choices.choices:
        lookup[_fold(code)] = code
        lookup[_fold(label)] = code
        lookup[_fold(zh_label(choices, code))] = code
    for alias, code in EXTRA_ALIASES.get(choices, {}).items():
        lookup[_fold(alias)] = code
    return lookup


def allowed_labels(choices):
    return "、".join(zh_label(choices, code) for code in choices.values)


@dataclass
class Problem:
    row: int | None  # Excel's row number; None for the whole file
    column: str  # "F · 客户等级", or "" for the whole row or file
    message: str


@dataclass
class ImportRow:
    row: int
    customer: dict
    contact: dict | None
    tags: list = field(default_factory=list)
    owner: object = None
    grade_given: bool = False

    @functools.cached_property
    def keys(self):
        """Duplicate keys: the same normalisation as selectors.find_duplicates."""
        return {
            "name_key": normalize.name_key(self.customer.get("name", "")),
            "credit_code": normalize.credit_code(self.customer.get("credit_code", "")),
            "phone_key": normalize.phone_key(self.customer.get("phone", "")),
        }

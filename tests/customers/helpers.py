"""What a user sends the customer pages: the data each form posts, an Excel upload, a press of
Export. The topic tests and the visibility matrix (test_visibility.py) send the same."""

import io
from datetime import timedelta
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from customers import excel
from customers.models import Contact, Customer, FollowUp
from teams.models import OutboxMessage

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
EXPORT_URL = reverse("customers:customer-export")


# --- customers --------------------------------------------------------------------------------


def payload(**overrides):
    """The create form with the first contact, filled in as a rep would."""
    data = {
        "name": "杭州青禾食品有限公司",
        "credit_code": "91330100mA2B3C4D5E",
        "status": Customer.Status.LEAD,
        "industry": "",
        "employee_band": Customer.EmployeeBand.MEDIUM,
        "revenue_band": Customer.RevenueBand.UNDER_100M,
        "region": Customer.Region.EAST,
        "address": "杭州市余杭区文一西路1号",
        "legal_representative": "陈青",
        "phone": "0571-8888 1234",
        "main_business": "休闲食品",
        "lead_source": Customer.LeadSource.EXHIBITION,
        "initial_need": "包装线升级",
        "decision_process": "采购部提需求，总经理拍板",
        "budget_min": "20",
        "budget_max": "60",
        "expected_purchase_date": "2026-12-31",
        "annual_purchase_estimate": "30",
        "grade_source": Customer.GradeSource.COMPUTED,
        "grade": "",
        "grade_reason": "",
        "notes": "展会上认识",
        "contact_name": "陈经理",
        "contact_title": "采购经理",
        "contact_phone": "+86 139 0000 1111",
        "contact_email": "chen@example.com",
        "contact_wechat": "chen_qh",
        "contact_decision_role": Contact.DecisionRole.DECISION_MAKER,
        "contact_is_key": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_payload(customer, **overrides):
    """The edit form as it opens for `customer`, with `overrides` typed over it."""
    data = {
        "name": customer.name,
        "credit_code": customer.credit_code,
        "status": customer.status,
        "industry": customer.industry_id or "",
        "employee_band": customer.employee_band,
        "revenue_band": customer.revenue_band,
        "region": customer.region,
        "address": customer.address,
        "legal_representative": customer.legal_representative,
        "phone": customer.phone,
        "main_business": customer.main_business,
        "lead_source": customer.lead_source,
        "initial_need": customer.initial_need,
        "decision_process": customer.decision_process,
        "budget_min": customer.budget_min or "",
        "budget_max": customer.budget_max or "",
        "expected_purchase_date": "",
        "annual_purchase_estimate": customer.annual_purchase_estimate,
        "grade_source": customer.grade_source,
        "grade": customer.grade,
        "grade_reason": "",
        "notes": customer.notes,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


GRADING_SETTINGS = {
    "a_threshold": "100",
    "b_threshold": "20",
    "a_executive_visit_days": "30",
    "a_routine_contacts": "2",
    "b_contact_days": "14",
    "b_visit_days": "30",
    "c_contact_days": "30",
}
"""The admin's grading settings form with the defaults: A from 100, B from 20 (万元)."""


# --- follow-ups and surveys ---------------------------------------------------------------------


def local(dt):
    """A datetime as a datetime-local input shows it."""
    return timezone.localtime(dt).strftime(LOCAL_MINUTE)


def full_form(**overrides):
    """The full follow-up form: an executive visit an hour ago with a next action."""
    data = {
        "occurred_at": local(timezone.now() - timedelta(hours=1)),
        "method": FollowUp.Method.VISIT,
        "executive": "on",
        "contact": "",
        "goal": "确认年度采购计划",
        "summary": "客户计划三季度扩产，需要两条新产线。",
        "feedback": "对交付周期有顾虑",
        "next_action": "发送方案初稿",
        "next_action_owner": "",
        "next_action_due": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def survey_data(
    lines=(("统一客户数据", "must"), ("移动端拜访签到", "value_add")), surveyor=None, **overrides
):
    """The needs survey form with up to three need lines (description, priority)."""
    data = {
        "survey_date": timezone.localdate().isoformat(),
        "surveyor": surveyor.pk if surveyor else "",
        "respondent": "陈主任",
        "respondent_title": "信息中心主任",
        "pain_points": "销售数据分散在个人表格里，管理层看不到进展。",
        "budget_min": "10",
        "budget_max": "50",
        "decision_process": "信息中心提需求，总经理审批，采购部执行。",
        "needs-TOTAL_FORMS": "3",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "30",
    }
    for index in range(3):
        description, priority = lines[index] if index < len(lines) else ("", "")
        data[f"needs-{index}-description"] = description
        data[f"needs-{index}-priority"] = priority
    data.update(overrides)
    return data


# --- Excel import and export ------------------------------------------------------------------


def xlsx(rows, headers=None, name="customers.xlsx"):
    """An upload in the template's layout; `rows` are dicts of header → value."""
    headers = headers or excel.HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=excel.XLSX_CONTENT_TYPE)


def good_row(n=1, **extra):
    """Row `n` of a valid import, with its first contact."""
    return {
        "客户名称": f"导入测试{n}号机械有限公司",
        "统一社会信用代码": f"91310000MA1K{n:06d}",
        "行业": "制造业",
        "员工规模": "200–999人",
        "区域": "华东",
        "电话": f"021-5{n:07d}",
        "线索来源": "展会",
        "预算下限(万元)": 10,
        "预算上限(万元)": 30,
        "预计采购时间": "2026-09-30",
        "年采购额预估(万元)": 50,
        "联系人姓名": f"王{n}",
        "联系人职务": "采购经理",
        "联系人电话": f"1390000{n:04d}",
        "联系人邮箱": f"wang{n}@example.com",
        "决策角色": "决策人",
        **extra,
    }


def export(client, user, params=None):
    """The list's Export button: a POST to the export URL with the list's query string."""
    client.force_login(user)
    return client.post(f"{EXPORT_URL}?{urlencode(params)}" if params else EXPORT_URL)


def ask_for_export(client, user, query=""):
    """Press Export on the list filtered by `query`; returns the response and the tasks it
    enqueued (the test's transaction never commits, so none is sent)."""
    client.force_login(user)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    response = client.post(f"{EXPORT_URL}?{query}" if query else EXPORT_URL)
    enqueued = [
        (message.task, message.args)
        for message in OutboxMessage.objects.exclude(pk__in=before).order_by("pk")
    ]
    return response, enqueued


def download(client, log):
    return client.get(reverse("customers:export-download", args=[log.pk]))

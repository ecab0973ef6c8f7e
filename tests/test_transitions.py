"""crm_site.transitions: a status table allows the moves it lists and refuses the rest, with a
message in the reader's language."""

import pytest
from django.utils import translation

from crm_site.errors import DomainError
from crm_site.transitions import InvalidTransition, Transitions

TABLE = Transitions(
    {
        "draft": {"in_approval", "cancelled"},
        "in_approval": {"draft", "approved"},
        "approved": {"signed"},
    }
)
LABELS = {"draft": "Draft", "in_approval": "In approval", "approved": "Approved"}


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("draft", "in_approval", True),
        ("draft", "cancelled", True),
        ("in_approval", "draft", True),
        ("draft", "approved", False),  # no skipping the approval
        ("approved", "draft", False),
        ("signed", "approved", False),  # nothing leaves a status without a row
        ("draft", "draft", False),  # staying put is not a change
    ],
)
def test_the_table_allows_only_what_it_lists(old, new, allowed):
    assert TABLE.can(old, new) is allowed
    if allowed:
        TABLE.check(old, new)
    else:
        with pytest.raises(InvalidTransition):
            TABLE.check(old, new)


def test_a_refusal_names_both_statuses_and_is_a_domain_error():
    with pytest.raises(DomainError) as refused:
        TABLE.check("draft", "approved", labels=LABELS)
    assert str(refused.value) == "“Draft” cannot change to “Approved”."


def test_the_refusal_speaks_chinese():
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as refused:
        TABLE.check("approved", "draft", labels={"approved": "已批准", "draft": "草稿"})
    assert str(refused.value) == "状态不能从“已批准”变为“草稿”。"


def test_choices_members_and_strings_are_the_same_status():
    from django.db import models

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"

    table = Transitions({Status.DRAFT: {Status.SENT}})
    assert table.can("draft", "sent")
    assert table.can(Status.DRAFT, Status.SENT)
    assert table.allowed(Status.SENT) == frozenset()
    assert list(table) == [("draft", "sent")]

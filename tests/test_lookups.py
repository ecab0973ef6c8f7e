"""crm_site/lookups.py: `icontains_indexed` finds exactly what `icontains` finds, whatever the
text's length (two characters go through the bigram index on PostgreSQL), on either database."""

import pytest
from django.db import connection

from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text", ["科技", "技有", "Ab", "ab", "AB", "%_", "_x", "科", "上海科技", "b c", "xyz", "不存"]
)
def test_icontains_indexed_finds_what_icontains_finds(text):
    for name in ["上海科技有限公司", "杭州精密机械", "ABC Trading", "a b c", "%_ 折扣", "xx_x"]:
        CustomerFactory(name=name)
    indexed = set(Customer.objects.filter(name__icontains_indexed=text).values_list("pk"))
    plain = set(Customer.objects.filter(name__icontains=text).values_list("pk"))
    assert indexed == plain


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_a_two_character_text_is_asked_through_the_bigram_index():
    two = str(Customer.objects.filter(name__icontains_indexed="科技").query)
    three = str(Customer.objects.filter(name__icontains_indexed="科技有").query)
    assert "crm_bigrams(UPPER(" in two
    assert "crm_bigrams" not in three
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_name_bigram'")
        (definition,) = cursor.fetchone()
    assert "crm_bigrams(upper((name)::text))" in definition

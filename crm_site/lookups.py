"""`field__any_of=<subquery>`: `field IN (subquery)` that PostgreSQL can answer from an index.

On PostgreSQL it compiles to `field = ANY(ARRAY(subquery))`: the subquery runs once (an
InitPlan) and the outer query then probes the field's index with its values, also inside
an OR (`owner_id = ANY(…) OR id = ANY(…)` is a BitmapOr of two indexes). A plain `IN
(subquery)` is planned as a join, which inside an OR, or behind a join to the users table,
read every row: a manager's customer list at 100k customers took ~1 s, now a few ms.
Elsewhere (SQLite) it is `IN (subquery)`.
"""

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import IContains


@ForeignObject.register_lookup
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return value, []

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


@Field.register_lookup
class IContainsIndexed(Lookup):
    """`field__icontains_indexed=text`: `icontains`, which on PostgreSQL a text of two
    characters also asks through the column's bigram index (`crm_bigrams(UPPER(column)) @>
    ARRAY[UPPER(text)]`, crm_site/migration_ops.py `upper_bigram_indexes`): a trigram index
    cannot serve "科技" and PostgreSQL read every row (the global search: 0.5 s for a director).
    A longer text is the plain `icontains` (the trigram index), and so is every text elsewhere
    (SQLite). Only for columns that have the bigram index."""

    lookup_name = "icontains_indexed"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        if isinstance(self.rhs, str) and len(self.rhs) == 2:
            lhs, lhs_params = compiler.compile(self.lhs)
            # The LIKE first: where the index is not used (a filter on rows read some other
            # way), a row that fails it never computes its bigrams.
            sql = f"({sql} AND crm_bigrams(UPPER({lhs}::text)) @> ARRAY[UPPER(%s)])"
            params = (*params, *lhs_params, self.rhs)
        return sql, params

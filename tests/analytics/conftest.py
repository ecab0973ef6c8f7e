import pytest
from django.db import connections


@pytest.fixture(autouse=True)
def replica_in_the_test_transaction():
    """The test settings' `replica` mirrors the test database; inside a test's transaction it
    reads through the same database connection (a wrapper of its own, so its queries are
    counted apart), as a streaming replica would show the committed rows."""
    if "replica" not in connections.settings:
        yield
        return
    default, replica = connections["default"], connections["replica"]
    default.ensure_connection()
    replica.connection = default.connection
    replica.autocommit = True  # as its settings say: the request's end never closes it
    yield
    replica.connection = None

"""The databases the analytics tests declare: the test settings define the `replica` alias on
PostgreSQL only (crm_site/settings/test.py), as production has a streaming replica there."""

import pytest
from django.conf import settings

HAS_REPLICA = "replica" in settings.DATABASES
READS = ["default", "replica"] if HAS_REPLICA else ["default"]
needs_replica = pytest.mark.skipif(
    not HAS_REPLICA, reason="the replica alias is PostgreSQL's (crm_site/settings/test.py)"
)

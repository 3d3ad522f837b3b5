"""Generic plans for the entity page's statements (coverage_site/query_plans.py)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection

from coverage_site.query_plans import generic_plans
from tests.content import build_summit

pytestmark = pytest.mark.django_db


def _settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), current_setting('jit')")
        return cursor.fetchone()


def test_the_block_runs_on_generic_plans_without_jit_and_puts_both_back(on_postgres):
    """Inside, statements use their generic plans and are not JIT-compiled; an enclosing
    transaction (this test's) finds both settings as they were once the block ends."""
    before = _settings()
    with generic_plans():
        assert connection.in_atomic_block
        assert _settings() == ("force_generic_plan", "off")
    assert _settings() == before
    assert before[0] == "auto"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_settings_end_with_the_blocks_own(on_postgres):
    """Without an enclosing transaction the block has its own, and its settings (SET LOCAL)
    end with it: nothing is left on the connection for the next statement or, behind a
    pooler in transaction mode, for another client."""
    before = _settings()
    with generic_plans():
        assert _settings() == ("force_generic_plan", "off")
    assert not connection.in_atomic_block
    assert _settings() == before


def test_a_failed_block_leaves_the_settings_as_they_were(on_postgres):
    """An exception inside the block (a page not found) rolls the block back, settings too."""
    before = _settings()
    with pytest.raises(LookupError), generic_plans():
        raise LookupError("no such entity")
    assert _settings() == before


def test_after_a_database_error_the_rollback_puts_the_settings_back(on_postgres):
    """A statement failing inside the block aborts the transaction; rolling back to the
    enclosing savepoint undoes the settings with everything else."""
    from django.db import DatabaseError, transaction

    before = _settings()
    with pytest.raises(DatabaseError), transaction.atomic(), generic_plans():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    assert _settings() == before


def test_elsewhere_the_block_just_runs(db):
    """On SQLite there is nothing to set: no transaction is opened and no statement sent."""
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's behaviour")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, generic_plans():
        pass
    assert queries.captured_queries == []


def test_the_entity_pages_statements_are_planned_once(client, settings, on_postgres):
    """Repeated requests for an entity page run its statements on generic plans: PostgreSQL
    stops planning them afresh with each request's clock (the relations' nested EXISTS cost
    more to plan than to run), and the page still shows what it did."""
    settings.PUBLIC_CACHE_SECONDS = 0
    content = build_summit()
    url = content.sk_group.get_absolute_url()
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    runs = (connection.settings_dict["OPTIONS"].get("prepare_threshold") or 0) + 3
    for _ in range(runs):
        response = client.get(url)
        assert response.content == first.content
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ['%FROM "entities_entityrelation"%'],
        )
        plans = cursor.fetchall()
    if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        assert plans == []  # nothing is prepared: every statement is planned as it comes
        return
    assert len(plans) == 1
    generic, custom = plans[0]
    assert generic >= 2 and custom == 0

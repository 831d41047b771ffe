"""``bot/store/tables.py`` and the migrations describe the same schema: after ``migrate``,
Alembic's comparison of the live database with the declared tables finds nothing to change
(a table, column or index declared on one side only would show up here)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import Store
from bot.store.tables import metadata


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return list(compare_metadata(context, metadata))


async def test_the_declared_tables_match_the_migrated_schema(database_url: str) -> None:
    store = Store.open(database_url)
    await store.migrate()
    async with store.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
        indexes = await conn.run_sync(lambda c: sa.inspect(c).get_indexes("outbox"))
    await store.close()

    assert differences == []
    assert {"ix_outbox_target_pending", "ix_outbox_platform_due"} <= {i["name"] for i in indexes}

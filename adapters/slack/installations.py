"""Which bot token posts to which workspace.

Single workspace: the one ``SLACK_BOT_TOKEN``. Multi-workspace (OAuth): one bot per
installation, kept in the bot's own database by slack-sdk's async SQLAlchemy stores (tables
``slack_installations``, ``slack_bots``, ``slack_oauth_states``), created on start if missing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.notify.ports import PermanentDeliveryError, TransientDeliveryError
from bot.secret import Secret

log = logging.getLogger(__name__)

STATE_EXPIRATION_SECONDS: Final = 600
CREATE_ATTEMPTS: Final = 5


class Installations:
    """Bot tokens by Slack team id."""

    def __init__(
        self,
        static_token: Secret | None,
        store: AsyncSQLAlchemyInstallationStore | None = None,
        states: AsyncSQLAlchemyOAuthStateStore | None = None,
    ) -> None:
        self._static = static_token
        self.store = store
        self.states = states

    @classmethod
    def for_oauth(
        cls, static_token: Secret | None, client_id: str, engine: AsyncEngine
    ) -> Installations:
        store = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)
        states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine, logger=log
        )
        return cls(static_token, store, states)

    async def create_tables(self) -> None:
        """Our three tables, next to the core's; ``create_all`` leaves existing ones alone."""
        for holder in (self.store, self.states):
            if holder is None:
                continue
            for attempt in range(CREATE_ATTEMPTS):
                try:
                    async with holder.engine.begin() as conn:
                        await conn.run_sync(holder.metadata.create_all)
                    break
                except SQLAlchemyError:
                    # Another replica was creating them at the same moment: look again.
                    if attempt == CREATE_ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.05 * (attempt + 1))

    async def bot_token(self, workspace: str | None) -> str:
        """The token that may post in ``workspace``; raises a delivery error when none can."""
        if self.store is not None and workspace:
            try:
                token = await self._find_bot_token(self.store, workspace)
            except Exception as error:  # the database is away: try again later
                reason = f"installation lookup failed: {type(error).__name__}"
                raise TransientDeliveryError(reason) from error
            if token:
                return token
        if self._static is not None:
            return self._static.reveal()
        if not workspace:
            raise PermanentDeliveryError(
                "no workspace for this Slack channel: write it as slack:TEAM_ID/CHANNEL_ID"
            )
        raise PermanentDeliveryError(f"the app is not installed in workspace {workspace}")

    async def forget(self, workspace: str) -> None:
        """Drop a workspace's installation (uninstalled, or its token revoked)."""
        store = self.store
        if store is None:
            return
        async with store.engine.begin() as conn:
            for table in (store.bots, store.installations):
                c = table.c
                await conn.execute(
                    table.delete().where(c.client_id == store.client_id, c.team_id == workspace)
                )

    @staticmethod
    async def _find_bot_token(
        store: AsyncSQLAlchemyInstallationStore, workspace: str
    ) -> str | None:
        """The newest bot token for the team, whatever its Enterprise Grid org.

        slack-sdk's ``async_find_bot`` also matches on ``enterprise_id``, which a Target does
        not carry; a team id is unique across orgs, so the team alone is enough.
        """
        c = store.bots.c
        query = (
            select(c.bot_token)
            .where(c.client_id == store.client_id, c.team_id == workspace, c.bot_token.is_not(None))
            .order_by(c.installed_at.desc())
            .limit(1)
        )
        async with store.engine.connect() as conn:
            token = (await conn.execute(query)).scalar()
        return str(token) if token else None

"""Which bot token posts to which workspace.

Single workspace: the one ``SLACK_BOT_TOKEN``. Multi-workspace (OAuth): one bot per
installation, kept in the bot's own database by slack-sdk's async SQLAlchemy stores (tables
``slack_installations``, ``slack_bots``, ``slack_oauth_states``), created on start if missing.

A fan-out posts to many channels of a few workspaces, so a workspace's token is read from the
database once and kept: forgotten when this process saves an install or forgets a workspace,
and after ``TOKEN_TTL_SECONDS`` (another replica may have taken the install).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Final

from slack_sdk.oauth.installation_store import Bot
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
TOKEN_TTL_SECONDS: Final = 60.0


class _InstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack-sdk's store, which says when it saved a bot (an install or a reinstall)."""

    on_saved: Callable[[str | None], None] = staticmethod(lambda _team: None)

    async def async_save_bot(self, bot: Bot) -> None:
        await super().async_save_bot(bot)
        self.on_saved(bot.team_id)


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
        self._tokens: dict[str, tuple[float, str]] = {}
        """team id -> (monotonic time read, its bot token). A workspace without one is not
        kept: "not installed" disables channels, so it is always asked of the database."""
        if isinstance(store, _InstallationStore):
            store.on_saved = self.changed

    @classmethod
    def for_oauth(
        cls, static_token: Secret | None, client_id: str, engine: AsyncEngine
    ) -> Installations:
        store = _InstallationStore(client_id=client_id, engine=engine, logger=log)
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
            token = await self._installed_token(self.store, workspace)
            if token:
                return token
        if self._static is not None:
            return self._static.reveal()
        if not workspace:
            raise PermanentDeliveryError(
                "no workspace for this Slack channel: write it as slack:TEAM_ID/CHANNEL_ID"
            )
        raise PermanentDeliveryError(f"the app is not installed in workspace {workspace}")

    def changed(self, workspace: str | None) -> None:
        """The workspace's install changed here: read its token again next time."""
        if workspace:
            self._tokens.pop(workspace, None)

    async def replaced(self, workspace: str, token: str) -> bool:
        """Whether Slack refused ``token`` only because it was replaced: a newer install
        (here or in another replica) holds a different one."""
        self.changed(workspace)
        try:
            return await self.bot_token(workspace) != token
        except (TransientDeliveryError, PermanentDeliveryError):
            return False

    async def forget(self, workspace: str) -> None:
        """Drop a workspace's installation (uninstalled, or its token revoked)."""
        store = self.store
        if store is None:
            return
        self.changed(workspace)
        async with store.engine.begin() as conn:
            for table in (store.bots, store.installations):
                c = table.c
                await conn.execute(
                    table.delete().where(c.client_id == store.client_id, c.team_id == workspace)
                )
        self.changed(workspace)  # a lookup that ran meanwhile may have kept the old token

    async def _installed_token(
        self, store: AsyncSQLAlchemyInstallationStore, workspace: str
    ) -> str | None:
        now = time.monotonic()
        cached = self._tokens.get(workspace)
        if cached is not None and now - cached[0] < TOKEN_TTL_SECONDS:
            return cached[1]
        try:
            token = await self._find_bot_token(store, workspace)
        except Exception as error:  # the database is away: try again later
            reason = f"installation lookup failed: {type(error).__name__}"
            raise TransientDeliveryError(reason) from error
        if token:
            self._tokens[workspace] = (now, token)
        return token

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

"""The Slack adapter: slack-bolt's async app on the bot's own HTTP server (or Socket Mode),
and the delivery the dispatcher posts alerts through.

HTTP mode adds ``POST /slack/events`` to the ``serve`` server (``events_route``: the slash
command answered before bolt, the rest by bolt); every request's signature is verified (401
when it is missing, wrong or older than five minutes). With ``SLACK_APP_TOKEN``
the same app runs over Socket Mode and no events route is added. With ``SLACK_CLIENT_ID`` the
OAuth install routes are added and tokens come from the installations in the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import listeners
from adapters.slack.clients import TIMEOUT_SECONDS
from adapters.slack.commands import Background, SlashCommands
from adapters.slack.delivery import SlackDelivery
from adapters.slack.events_route import EVENTS_PATH, EventsRoute
from adapters.slack.installations import Installations
from bot.api import CoreAPI
from bot.notify.ports import ChatAdapter, PermanentDeliveryError
from bot.settings import Settings

log = logging.getLogger(__name__)

BOT_SCOPES: Final = (
    "commands",
    "chat:write",
    "app_mentions:read",
    "channels:join",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
)
"""What the app asks for at install, the same list as ``deploy/slack/manifest.yml``:
the command, posting, mentions, joining a public channel to post alerts there, and reading
alerts back (public and private channels, direct and group messages): a thread root, to
notice that someone deleted it, and after a crash the alert an unfinished try may have posted,
so it is not posted twice."""

INSTALL_PATH: Final = "/slack/install"
REDIRECT_PATH: Final = "/slack/oauth_redirect"
RECONNECT_SECONDS: Final = (5.0, 15.0, 60.0)


class SlackAdapter:
    name = "slack"

    def __init__(self, settings: Settings, core: CoreAPI) -> None:
        self._core = core
        self._settings = settings
        if settings.slack_client_id:
            self.installations = Installations.for_oauth(
                settings.slack_bot_token, settings.slack_client_id, core.engine
            )
        else:
            self.installations = Installations(settings.slack_bot_token)
        self._delivery = SlackDelivery(settings.slack_api_url, self.installations, self.revoked)
        self.bolt = _bolt_app(settings, self.installations)
        later = Background()
        installed = self._installed if self.installations.store is not None else None
        commands = SlashCommands(core, later, installed)
        listeners.register(self.bolt, commands, core, later, self.revoked)
        self._socket: AsyncSocketModeHandler | None = None
        self._connecting: asyncio.Task[None] | None = None
        if settings.slack_app_token is None:
            assert settings.slack_signing_secret is not None, "checked by _bolt_app"
            route = EventsRoute(self.bolt, settings.slack_signing_secret.reveal(), commands)
            core.web.router.add_post(EVENTS_PATH, route.handle)
        if self.bolt.oauth_flow is not None:
            core.web.router.add_get(INSTALL_PATH, self._oauth)
            core.web.router.add_get(REDIRECT_PATH, self._oauth)

    def deliveries(self) -> Mapping[str, ChatAdapter]:
        return {"slack": self._delivery}

    async def start(self) -> None:
        await self.installations.create_tables()
        if self._settings.slack_bot_token is not None and self._settings.slack_client_id is None:
            await self._check_token()
        app_token = self._settings.slack_app_token
        if app_token is not None:
            self._socket = AsyncSocketModeHandler(self.bolt, app_token.reveal())
            self._connecting = asyncio.create_task(self._connect(self._socket), name="slack socket")

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        await self._delivery.close()

    async def revoked(self, team_id: str, reason: str) -> None:
        """The app was uninstalled or its token revoked: stop that workspace's alerts."""
        try:
            # The token goes first: once a channel shows as unsubscribed, nothing can post
            # with a token the workspace has taken back.
            await self.installations.forget(team_id)
            stopped = await self._core.disable_targets("slack", team_id, reason)
        except Exception:
            log.exception("could not clean up Slack workspace %s after %s", team_id, reason)
            return
        log.warning(
            "Slack workspace %s: %s; alerts stopped in %d channels", team_id, reason, stopped
        )

    async def _installed(self, workspace: str | None) -> bool:
        try:
            await self.installations.bot_token(workspace)
        except PermanentDeliveryError:
            return False
        return True

    # --- HTTP ------------------------------------------------------------------------

    async def _oauth(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        assert flow is not None, "OAuth routes exist only with an OAuth flow"
        bolt_request = await to_bolt_request(request)
        if request.path == INSTALL_PATH:
            response = await flow.handle_installation(bolt_request)
        else:
            response = await flow.handle_callback(bolt_request)
        return await to_aiohttp_response(response)

    # --- start-up --------------------------------------------------------------------

    async def _check_token(self) -> None:
        """Say early, in the log, whether the bot token works (never the token itself), and
        learn the one workspace of this single-workspace app."""
        client = self.bolt.client
        try:
            who = await client.auth_test()
        except SlackApiError as error:
            log.error("SLACK_BOT_TOKEN does not work: Slack says %s", error.response.get("error"))
            return
        except Exception as error:  # Slack unreachable: the command and alerts retry later
            log.warning("could not reach Slack to check the bot token: %s", type(error).__name__)
            return
        log.info("Slack: workspace %s as @%s", who.get("team_id"), who.get("user"))
        if who.get("team_id"):  # static slack:CHANNEL targets are in this one workspace
            self._core.learn_team("slack", str(who["team_id"]))

    async def _connect(self, handler: AsyncSocketModeHandler) -> None:
        """Open Socket Mode, retrying while Slack cannot be reached; slack-sdk reconnects after."""
        attempt = 0
        while True:
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
            except Exception as error:
                wait = RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)]
                log.warning(
                    "Socket Mode: could not connect (%s); retrying in %gs", _why(error), wait
                )
                attempt += 1
                await asyncio.sleep(wait)
                continue
            log.info("Slack: connected over Socket Mode")
            return


class _BoltLogFilter(logging.Filter):
    """Two of bolt's log lines we replace.

    bolt reads ``SLACK_BOT_TOKEN`` from the environment by itself and then warns that the
    ``client`` we hand it (pointed at ``SLACK_API_URL``) wins: it does, on purpose. And on a bad
    signature it logs the whole request body, ``response_url`` included (a URL that can post to
    the channel for half an hour); ``SlackAdapter`` logs a short line instead.
    """

    DROPPED = ("As you gave `client` as well", "Invalid request signature detected")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.DROPPED)


def _bolt_app(settings: Settings, installations: Installations) -> AsyncApp:
    """bolt's app, with ``process_before_response``: otherwise bolt runs each listener in a
    task and polls for its ``ack()`` every 10 ms, the floor of every answer (12 ms for one,
    hundreds under a burst); our listeners ack at once and leave slow work to tasks."""
    secret = settings.slack_signing_secret
    if settings.slack_app_token is None and secret is None:
        # Settings refuses this too; an empty secret would let anyone sign requests.
        raise ValueError("SLACK_SIGNING_SECRET is required for /slack/events")
    token = settings.slack_bot_token.reveal() if settings.slack_bot_token else None
    signing_secret = secret.reveal() if secret else ""
    logger = logging.getLogger("adapters.slack.bolt")
    if not any(isinstance(f, _BoltLogFilter) for f in logger.filters):
        logger.addFilter(_BoltLogFilter())  # bolt copies it onto each of its loggers
    if installations.store is None:
        client = AsyncWebClient(
            token=token, base_url=settings.slack_api_url, timeout=TIMEOUT_SECONDS
        )
        return AsyncApp(
            name="is-claude-down",
            logger=logger,
            signing_secret=signing_secret,
            client=client,
            process_before_response=True,
        )
    assert settings.slack_client_id, "OAuth needs SLACK_CLIENT_ID"
    assert settings.slack_client_secret, "Settings requires SLACK_CLIENT_SECRET with it"
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.reveal(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=_authorize_url(settings.slack_api_url),
        installation_store=installations.store,
        installation_store_bot_only=True,
        state_store=installations.states,
    )
    client = AsyncWebClient(base_url=settings.slack_api_url, timeout=TIMEOUT_SECONDS)
    return AsyncApp(
        name="is-claude-down",
        logger=logger,
        signing_secret=signing_secret,
        client=client,
        installation_store=installations.store,
        installation_store_bot_only=True,
        oauth_settings=oauth,
        process_before_response=True,
    )


def _authorize_url(api_url: str) -> str:
    """Slack's authorize page next to its API (GovSlack and proxies have their own)."""
    parts = urlsplit(api_url)
    path = parts.path.rstrip("/").removesuffix("/api")
    return f"{parts.scheme}://{parts.netloc}{path}/oauth/v2/authorize"


def _why(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__

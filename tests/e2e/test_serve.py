"""``is-claude-down serve`` as a subprocess: probes, metrics, the status API, the webhook."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from fakes.statuspage import FakeStatuspage
from tests.e2e.process import BotProcess, bot_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(statuspage: FakeStatuspage, tmp_path: Path, **env: str) -> tuple[BotProcess, str]:
    port = free_port()
    settings = bot_env(
        STATUS_PAGE_URL=statuspage.url,
        HOST="127.0.0.1",
        PORT=str(port),
        STATUSPAGE_WEBHOOK_TOKEN="hook-token-1234",
        **env,
    )
    bot = BotProcess(["serve"], settings, tmp_path)
    base = f"http://127.0.0.1:{port}"
    bot.wait_for(lambda: _answers(base + "/healthz"), what="the server to listen")
    return bot, base


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_probes_status_api_and_clean_sigterm(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    bot, base = serve(statuspage, tmp_path)
    try:
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
        status = httpx.get(base + "/api/status").json()
        advice = httpx.get(base + "/api/status", params={"code": "503", "since": "3"}).json()[
            "advice"
        ]
        bad = httpx.get(base + "/api/status", params={"code": "teapot"})
        metrics = httpx.get(base + "/metrics").text
        assert bot.terminate() == 0
    finally:
        bot.close()
    assert status["verdict"] == "degraded"
    assert status["incidents"][0]["name"] == "Elevated errors on Claude Opus 4.6"
    assert advice["kind"] == "known-incident"
    assert bad.status_code == 400
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    polls = {
        s.labels["result"]: s.value
        for s in families["icd_polls"].samples
        if s.name.endswith("_total")
    }
    assert polls["ok"] >= 1
    assert families["icd_status_indicator"].samples[0].value == 1
    assert any("stopped" in line for line in bot.stderr)


def test_not_ready_until_the_feed_was_read(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    statuspage.set_fault("http-503-html")
    bot, base = serve(statuspage, tmp_path)
    try:
        bot.wait_for(lambda: len(statuspage.requests) >= 2, what="a few failed polls")
        not_ready = httpx.get(base + "/readyz").status_code
        unknown = httpx.get(base + "/api/status").json()
        statuspage.set_fault(None)
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
    finally:
        bot.close()
    assert not_ready == 503
    assert unknown["verdict"] == "unknown"
    assert unknown["advice"]["kind"] == "feed-unknown"


def test_statuspage_webhook_triggers_a_poll_and_is_never_trusted(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot, base = serve(statuspage, tmp_path, POLL_INTERVAL_SECONDS="3600")
    forged = (Path(__file__).parents[1] / "fixtures/statuspage/webhook-incident.json").read_text()
    try:
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
        before = len(statuspage.requests)
        wrong = httpx.post(base + "/webhooks/statuspage/not-the-token", content=forged)
        right = httpx.post(base + "/webhooks/statuspage/hook-token-1234", content=forged)
        bot.wait_for(lambda: len(statuspage.requests) > before, what="the triggered poll")
        status = httpx.get(base + "/api/status").json()
    finally:
        bot.close()
    assert wrong.status_code == 404
    assert right.status_code == 202
    assert status["verdict"] == "operational"  # the forged incident in the payload is ignored
    assert status["incidents"] == []
    assert "hook-token-1234" not in "\n".join(bot.stderr)


def test_json_logs_are_one_object_per_line(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    bot, base = serve(statuspage, tmp_path, LOG_FORMAT="json")
    try:
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
        assert bot.terminate() == 0
    finally:
        bot.close()
    records = [json.loads(line) for line in bot.stderr if line.strip()]
    assert records
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)


def test_sigterm_mid_poll_finishes_the_poll_and_exits_cleanly(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot, base = serve(statuspage, tmp_path, FEED_TIMEOUT_SECONDS="3")
    try:
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
        statuspage.set_fault("timeout")  # the next poll hangs until the feed timeout
        before = len(statuspage.requests)
        bot.wait_for(lambda: len(statuspage.requests) > before, what="a poll in flight")
        started = time.monotonic()
        code = bot.terminate(timeout=30)
        took = time.monotonic() - started
    finally:
        bot.close()
    assert code == 0
    assert took < 15
    assert any("stopped" in line for line in bot.stderr)
    assert not any("Traceback" in line for line in bot.stderr), "\n".join(bot.stderr)


def test_no_secret_reaches_the_logs(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    secrets = {
        "STATUSPAGE_WEBHOOK_TOKEN": "hook-token-1234",
        "ANTHROPIC_API_KEY": "sk-ant-secret-5678",
    }
    bot, base = serve(
        statuspage,
        tmp_path,
        LOG_LEVEL="DEBUG",
        PROBE="key",
        PROBE_URL=statuspage.url,
        **{"ANTHROPIC_API_KEY": secrets["ANTHROPIC_API_KEY"]},
    )
    try:
        bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")
        httpx.post(base + "/webhooks/statuspage/hook-token-1234", content=b"{}")
        httpx.post(base + "/webhooks/statuspage/wrong-token", content=b"{}")
        bot.wait_for(lambda: len(bot.stderr) > 10, what="some logging")
        bot.terminate()
    finally:
        bot.close()
    logged = "\n".join(bot.stderr + bot.stdout)
    for value in secrets.values():
        assert value not in logged

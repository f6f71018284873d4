"""The benchmark's load client: counts answers, errors and latency correctly."""

from __future__ import annotations

import asyncio
import threading

import pytest
from aiohttp import web

from evaluation.load import LoadResult, run_level, valid_reply


def test_percentiles_use_nearest_rank() -> None:
    result = LoadResult(concurrency=1, seconds=1.0, latencies=[i / 1000 for i in range(1, 101)])
    assert result.percentile(0.50) == pytest.approx(50.0)
    assert result.percentile(0.95) == pytest.approx(95.0)
    assert result.percentile(0.99) == pytest.approx(99.0)
    assert result.throughput == 100.0


@pytest.mark.parametrize(
    ("status", "body", "ok"),
    [(200, [{"text": "hi"}], True), (200, [], False), (500, [{"text": "x"}], False), (200, {"a": 1}, False)],
)
def test_a_reply_counts_only_when_it_carries_messages(status, body, ok) -> None:
    assert valid_reply(status, body) is ok


def _serve(handler) -> tuple[str, asyncio.AbstractEventLoop, web.AppRunner]:
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}/webhook", loop, runner


def test_a_level_sends_whole_conversations_and_counts_failures() -> None:
    seen: list[tuple[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["sender"], body["message"]))
        if body["message"] == "broken":
            return web.json_response({"error": "x"}, status=500)
        return web.json_response([{"text": "ok"}])

    url, loop, runner = _serve(handler)
    try:
        result = asyncio.run(run_level(url, [["hi", "what is il2", "broken", "bye"]], concurrency=3, seconds=0.5))
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
    assert result.messages > 0 and result.errors > 0
    assert result.errors == sum(1 for _, text in seen if text == "broken")
    assert result.messages == sum(1 for _, text in seen if text != "broken")
    # Every conversation keeps one sender id from its first message to its last.
    by_sender: dict[str, list[str]] = {}
    for sender, text in seen:
        by_sender.setdefault(sender, []).append(text)
    assert all(texts == ["hi", "what is il2", "broken", "bye"][: len(texts)] for texts in by_sender.values())

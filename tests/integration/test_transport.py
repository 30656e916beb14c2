"""PTB's requests over aiohttp (bot/channels/telegram/transport.py) against a real loopback
server: parameters as JSON, files multipart, timeouts and failures as PTB's errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.channels.telegram.transport import AiohttpRequest

TOKEN = "4242:TRANSPORT-test"
OK = {"ok": True, "result": True}


ME = {"id": 4242, "is_bot": True, "first_name": "Readiness", "username": "readiness_bot"}


async def get_me(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "result": ME})


@asynccontextmanager
async def server(handler: Any) -> AsyncIterator[str]:
    """A Bot API at a loopback port: getMe answered (PTB asks it first), the rest by `handler`."""
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/getMe", get_me)
    app.router.add_post("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def bot_at(base_url: str, **request: Any) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest(**request))
    async with bot:
        yield bot


async def test_a_call_goes_as_one_json_object_with_ptbs_user_agent() -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen.update(path=request.path, type=request.content_type, body=await request.json())
        seen["agent"] = request.headers["User-Agent"]
        message = {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, "text": "é"}
        return web.json_response({"ok": True, "result": message})

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="a:1")]])
    async with server(handler) as url, bot_at(url) as bot:
        sent = await bot.send_message(chat_id=7, text="¿Listo?", reply_markup=markup)
    assert sent.text == "é"
    assert seen["path"] == f"/bot{TOKEN}/sendMessage"
    assert seen["type"] == "application/json"
    assert seen["body"] == {
        "chat_id": 7,
        "text": "¿Listo?",
        "reply_markup": {"inline_keyboard": [[{"text": "Sí", "callback_data": "a:1"}]]},
    }
    assert "python-telegram-bot" in seen["agent"]


async def test_an_answer_that_is_not_json_is_ptbs_error_and_its_bytes_are_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"<html>Ana Lopez +1 555 0100</html>", status=200)

    async with server(handler) as url, bot_at(url) as bot:
        with pytest.raises(TelegramError, match="Invalid server response"):
            await bot.send_chat_action(chat_id=7, action="typing")
    assert "Ana" not in caplog.text


def test_invalid_utf8_in_an_answer_reads_as_replacement_characters_as_in_ptb() -> None:
    payload = b'{"ok": true, "result": {"text": "caf\xe9"}}'
    assert AiohttpRequest.parse_json_payload(payload) == {
        "ok": True,
        "result": {"text": "caf\ufffd"},
    }


async def test_a_photo_goes_as_multipart_with_its_name_and_type() -> None:
    seen: dict[str, Any] = {}
    png = b"\x89PNG\r\n\x1a\n" + b"chart" * 100

    async def handler(request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["photo"]
        seen.update(chat=form["chat_id"], name=upload.filename, data=upload.file.read())  # type: ignore[union-attr]
        message = {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}}
        return web.json_response({"ok": True, "result": message})

    async with server(handler) as url, bot_at(url) as bot:
        await bot.send_photo(chat_id=7, photo=InputFile(png, filename="chart.png"))
    assert seen == {"chat": "7", "name": "chart.png", "data": png}


async def test_a_server_that_does_not_answer_in_time_is_a_timeout() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response(OK)

    async with server(handler) as url, bot_at(url, read_timeout=0.2) as bot:
        with pytest.raises(TimedOut):
            await bot.send_chat_action(chat_id=7, action="typing")


async def test_no_server_is_a_network_error() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:9/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_telegrams_refusal_comes_back_as_ptbs_error() -> None:
    async def handler(request: web.Request) -> web.Response:
        refusal = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        return web.json_response(refusal, status=400)

    async with server(handler) as url, bot_at(url) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_chat_action(chat_id=7, action="typing")


async def test_before_initialize_it_says_so() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")

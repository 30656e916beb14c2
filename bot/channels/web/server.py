"""The web channel as an aiohttp application: routes, safety headers, limits and error pages.

It is served by the same `readiness-bot run` process as the Telegram webhook, or alone when
there is no bot token.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.channels.web import texts as web_texts
from bot.channels.web.channel import Refused, WebChannel
from bot.channels.web.forms import FormRefused
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
"""Bytes a form may post: a typed answer's 4,096 characters, even all in 4-byte UTF-8,
urlencoded, fit; anything larger is refused before it is read."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def web_application(channel: WebChannel) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY,
        middlewares=[_headers(channel), _error_pages(channel)],
    )
    app.router.add_get("/", channel.home)
    app.router.add_get("/c/{token}", channel.landing)
    app.router.add_post("/c/{token}", channel.begin)
    app.router.add_get("/i", channel.interview)
    app.router.add_post("/i", channel.answer)
    app.router.add_post("/language", channel.language)
    app.router.add_get("/resume", channel.resume_form)
    app.router.add_post("/resume", channel.resume)
    app.router.add_get("/pause", channel.pause)
    app.router.add_get("/erase", channel.erase_form)
    app.router.add_post("/erase", channel.erase)
    app.router.add_post("/leave", channel.leave)
    app.router.add_get("/static/{name}", _static)
    return app


def content_security_policy(exit_url: str) -> str:
    """Nothing from elsewhere: this site's own stylesheet and script only (the script may
    post to this site: Leave now). The form-action list names the Leave now site, where the
    no-JavaScript form's redirect goes."""
    parts = urlsplit(exit_url)
    exit_origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "script-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            f"form-action 'self' {exit_origin}".strip(),
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def _headers(channel: WebChannel) -> Middleware:
    policy = content_security_policy(channel.exit_url)

    @web.middleware
    async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _protect(request, error.headers, policy, secure=channel.secure)
            raise
        _protect(request, response.headers, policy, secure=channel.secure)
        return response

    return headers


def _protect(
    request: web.Request, headers: MutableMapping[str, str], policy: str, *, secure: bool
) -> None:
    headers["Content-Security-Policy"] = policy
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    # Static files hold nothing of anyone's; every other page may, so none is cached.
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"


def _error_pages(channel: WebChannel) -> Middleware:
    @web.middleware
    async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except Refused as refused:
            return channel.refusal_page(request, refused.msgid, refused.status)
        except FormRefused:
            return channel.refusal_page(request, web_texts.NOT_OUR_FORM, 400)
        except web.HTTPRequestEntityTooLarge:
            return channel.refusal_page(request, web_texts.TOO_BIG, 413)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            return channel.refusal_page(request, web_texts.NOT_FOUND, 404)
        except web.HTTPException:
            raise
        except StorageError as error:
            # The request's words are not in the message: only what kind of failure it was.
            log.warning("web page not served: database %s", type(error).__name__)
            return channel.refusal_page(request, web_texts.UNAVAILABLE, 503)
        except Exception:
            log.exception("web page failed")
            return channel.refusal_page(request, web_texts.BROKEN, 500)

    return error_pages


async def _static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(path)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

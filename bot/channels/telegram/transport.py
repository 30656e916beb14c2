"""PTB's requests carried by aiohttp instead of httpx.

python-telegram-bot builds every Bot API call and parses every answer; only the HTTP round
trip is this module's. Measured on this project's 2-core machine (3,000 POSTs to a loopback
server, 16 at a time): httpx 1.9-2.4 ms of CPU per request, aiohttp 0.18-0.20 ms. An answer
costs two or three requests (its getUpdates share, the next screen, the tap's
acknowledgement), so httpx's connection pool was about a third of the bot's CPU per answer
(docs/performance.md). aiohttp is already the web channel's server.

Calls go as one JSON object and answers are read with orjson: PTB's form encoding (each
parameter through json.dumps, then the whole form URL-encoded) and json.loads took 77 us of a
question with nine buttons, orjson 4.5 us.
"""

from __future__ import annotations

from typing import IO, Any, cast

import aiohttp
import orjson
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults for HTTPXRequest, so that a call waits exactly as long as it did.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_TIMEOUT = 20.0
"""Writing a photo or a document (a report's chart, an export) may take longer than a text."""
DEFAULT = type(BaseRequest.DEFAULT_NONE)
JSON_HEADERS = {"Content-Type": "application/json"}
"""What PTB passes for a timeout the call did not set (its DefaultValue)."""


class AiohttpRequest(BaseRequest):
    """A BaseRequest over one aiohttp session, opened in `initialize` (inside the event loop)."""

    def __init__(self, pool_size: int = 256, read_timeout: float | None = READ_TIMEOUT) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """PTB's, with orjson, and without logging the payload when it is not JSON: an
        answer from Telegram can carry a respondent's name."""
        try:
            parsed = orjson.loads(payload)
        except orjson.JSONDecodeError:
            try:  # PTB reads invalid UTF-8 as replacement characters; so does this.
                parsed = orjson.loads(payload.decode("utf-8", "replace"))
            except orjson.JSONDecodeError as error:
                raise TelegramError("Invalid server response") from error
        return cast("dict[str, Any]", parsed)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            # PTB sets its own User-Agent header on every request; aiohttp's stays out of it.
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        body = _body(request_data)
        files = isinstance(body, aiohttp.FormData)
        headers = None if body is None or files else JSON_HEADERS
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: a file's upload is bounded by the whole call's time.
            total=_given(write_timeout, MEDIA_TIMEOUT) if files else None,
            # Waiting for a free connection and making one, as httpx's pool and connect.
            connect=_sum(
                _given(pool_timeout, POOL_TIMEOUT), _given(connect_timeout, CONNECT_TIMEOUT)
            ),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as answer:
                return answer.status, await answer.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name says what failed where the message is empty.
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _given(value: object, default: float | None) -> float | None:
    if isinstance(value, DEFAULT):
        return default
    return cast("float | None", value)


def _sum(*timeouts: float | None) -> float | None:
    """None (no limit) if any part has none."""
    return None if None in timeouts else sum(t for t in timeouts if t is not None)


def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
    """The call's parameters as one JSON object (PTB's documented way to use another JSON
    library: encode `parameters`, not `json_parameters`); multipart when files go too, as
    the Bot API takes files only that way."""
    if request_data is None:
        return None
    uploads = request_data.multipart_data
    if not uploads:
        return orjson.dumps(request_data.parameters)
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in uploads.items():
        data = content.read() if hasattr(content, "read") else content
        form.add_field(
            name, cast("bytes | IO[bytes]", data), filename=filename, content_type=mimetype
        )
    return form

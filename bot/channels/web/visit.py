"""A browser's visit, kept in its one cookie, sealed: the browser can neither read nor change it.

Nothing else is stored in the browser, and nothing of the visit in the database: the cookie
names the interview by its resume code (the database knows only the code's keyed hash), and
carries the few words to say once on the page after a redirect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace

from bot.privacy import Sealer, SealError, derive_key, web_respondent_key
from bot.services.views import Phrase

COOKIE = "visit"
CONTEXT = b"web-visit"
MAX_NOTES = 4
"""A page says at most this many things at once; the cookie stays far below browsers' 4 KB."""


@dataclass(frozen=True)
class Visit:
    token: str
    """Random, for this browser: the forms' CSRF tokens are derived from it."""
    code: str | None = None
    """The resume code of her interview, once she has begun one."""
    locale: str | None = None
    """The language she picked, for pages shown before an interview has its own."""
    notes: tuple[Phrase, ...] = ()
    """What to say once, on the next page shown."""

    def noting(self, *phrases: Phrase) -> Visit:
        return replace(self, notes=(*self.notes, *phrases)[-MAX_NOTES:])

    def said(self) -> Visit:
        return replace(self, notes=())


class Visits:
    """Seals visits into cookie values and opens them; derives their CSRF tokens and keys."""

    def __init__(self, secret: bytes, sealer: Sealer) -> None:
        self._secret = secret
        self._sealer = sealer
        self._csrf_key = derive_key(secret, "web-csrf")

    @staticmethod
    def new() -> Visit:
        return Visit(token=secrets.token_urlsafe(18))

    def dump(self, visit: Visit) -> str:
        body = {
            "t": visit.token,
            "c": visit.code,
            "l": visit.locale,
            "n": [[note.msgid, note.params] for note in visit.notes],
        }
        sealed = self._sealer.seal(json.dumps(body).encode(), context=CONTEXT)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def load(self, value: str | None) -> Visit | None:
        """The visit in a cookie, or None for no cookie, or one this server did not seal."""
        if not value or len(value) > 3000:
            return None
        try:
            sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            body = json.loads(self._sealer.open(sealed, context=CONTEXT))
            notes = tuple(Phrase(str(m), dict(p)) for m, p in body.get("n", ()))
            return Visit(str(body["t"]), body.get("c"), body.get("l"), notes)
        except (binascii.Error, SealError, ValueError, KeyError, TypeError):
            return None

    def csrf(self, visit: Visit) -> str:
        return hmac.new(self._csrf_key, visit.token.encode(), hashlib.sha256).hexdigest()[:32]

    def csrf_ok(self, visit: Visit, sent: str) -> bool:
        return hmac.compare_digest(self.csrf(visit), sent)

    def respondent_key(self, code: str) -> str:
        return web_respondent_key(self._secret, code)

"""The one signed envelope every value the bot hands out and takes back rides in.

Confirm buttons (``sealed``), runs across orgs (``sealed_runs``), form metadata and the
buttons of grants and requests (``sealed_views``) all travel through Slack and come back
from whoever clicked: each is ``body "." base64url(HMAC-SHA256(domain + body))``, with the
HMAC under the secret every process shares and a *domain* tag per kind of value, so a
MAC made for one kind can never pass for another. What the body holds, and how it is
checked once authentic, is each module's own business.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def b64(data: bytes) -> str:
    """Unpadded base64url: what a button value holds."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(body: str, key: bytes, domain: bytes) -> str:
    """``body`` (already ASCII: base64url, say) with its MAC; ValueError without a key."""
    if not key:
        raise ValueError("the signing key is empty")
    return f"{body}.{_mac(body, key, domain)}"


def signed_body(value: str, key: bytes, domain: bytes, *, max_chars: int) -> str | None:
    """The body of ``value`` if this key signed it for ``domain``, else None."""
    body, dot, mac = value.rpartition(".")
    if not (dot and body and value.isascii() and len(value) <= max_chars):
        return None
    return body if hmac.compare_digest(mac, _mac(body, key, domain)) else None


def _mac(body: str, key: bytes, domain: bytes) -> str:
    return b64(hmac.new(key, domain + body.encode(), hashlib.sha256).digest())

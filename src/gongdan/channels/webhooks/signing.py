"""The webhook signature: ``X-Gongdan-Signature: t=<unix>,v1=<hex>``.

``v1`` is the hex HMAC-SHA256, keyed by the subscription's secret, of ``f"{t}.{body}"`` where
``body`` is the exact request body. Receivers recompute it, compare in constant time and refuse
timestamps too far from their clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: str) -> str:
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: str) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, value: str, body: str, *, now: int, tolerance: int = 300) -> bool:
    """True when ``value`` is a valid header for ``body`` signed within ``tolerance`` seconds."""
    parts = dict(p.split("=", 1) for p in value.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))

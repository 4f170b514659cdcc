"""The ASGI application ``gongdan web`` serves (granian's ASGI interface).

Event streams (``/desk/live/stream/``) run on the event loop through Django's ASGI handler, so
hundreds can stay open without holding a thread. Every other request goes to Django's WSGI
handler on a fixed pool of ``GONGDAN_WEB_THREADS`` threads (``core.asgi_bridge``), as under a
WSGI server: persistent database connections, no thread made per request. See
docs/decisions/0006-live-updates.md.
"""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")

from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from gongdan.core.asgi_bridge import WsgiBridge

STREAM_PREFIXES = ("/desk/live/stream/",)

django_asgi = get_asgi_application()
django_wsgi = WsgiBridge(
    get_wsgi_application(), threads=int(os.environ.get("GONGDAN_WEB_THREADS", "1") or 1)
)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    kind = scope["type"]
    if kind == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if kind == "http" and scope["path"].startswith(STREAM_PREFIXES):
        await django_asgi(scope, receive, send)
    elif kind == "http":
        await django_wsgi(scope, receive, send)

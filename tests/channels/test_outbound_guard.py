"""Outbound requests reach public addresses only (issue 12, defect 5: webhook SSRF).

Admins type webhook and robot URLs and see the answers: the desk must not become a way to read
its own network. Refused when saved (422 with a code) and again at every delivery, after one
resolution whose address is then the one connected to.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured

from gongdan.channels import http
from gongdan.channels.choices import Vendor, WebhookEvent
from gongdan.channels.models import TeamRobot, WebhookDelivery, WebhookSubscription
from gongdan.channels.services import robot_save
from gongdan.channels.webhooks import services
from gongdan.core.errors import ValidationFailed
from gongdan.testing import Api, World
from tests.channels.conftest import Server

PUBLIC = "93.184.215.14"  # a public address (no DNS needed to resolve it)
REFUSED_URLS = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
]


@pytest.fixture
def no_networks_allowed(settings: Any) -> None:
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = []


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names resolved by a table (``resolver[name] = [addresses]``), each lookup counted."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            return real(host, port, *args, **kwargs)
        table.setdefault("__lookups__", []).append(host)
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[ipaddress.ip_address(a).version], socket.SOCK_STREAM, 6, "", (a, port))
            for a in table[host]
        ]

    monkeypatch.setattr(http.socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_subscription_to_a_local_or_private_address_is_refused(
    world: World, api: Api, url: str, no_networks_allowed: None
) -> None:
    response = api.as_(world.admin).post(
        "/webhooks", {"name": "内网", "url": url, "event_types": ["ticket.created"]}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "webhook.private_address"
    assert "is a local or private network address" in response.json()["fields"]["url"]
    assert WebhookSubscription.objects.count() == 0


def test_the_refusal_is_translated(world: World, api: Api, no_networks_allowed: None) -> None:
    world.admin.language = "zh-hans"
    world.admin.save(update_fields=["language"])

    response = api.as_(world.admin).post(
        "/webhooks",
        {"name": "元数据", "url": "http://169.254.169.254/", "event_types": ["ticket.created"]},
    )

    assert response.json()["message"] == (
        "169.254.169.254 是本机或内网地址。只能使用公网地址，"
        "除非服务器的 GONGDAN_WEBHOOK_ALLOWED_NETWORKS 设置允许该网段。"
    )


def test_changing_a_subscription_to_a_private_address_is_refused(
    world: World, api: Api, no_networks_allowed: None
) -> None:
    sub, _ = services.webhook_create(
        actor=world.admin, name="ERP", url=f"http://{PUBLIC}/hook", event_types=["sla.breached"]
    )

    response = api.as_(world.admin).patch(f"/webhooks/{sub.pk}", {"url": "http://10.1.2.3/x"})

    assert response.status_code == 422
    assert response.json()["code"] == "webhook.private_address"
    sub.refresh_from_db()
    assert sub.url == f"http://{PUBLIC}/hook"


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    world: World, resolver: dict[str, list[str]], no_networks_allowed: None
) -> None:
    resolver["erp.example.cn"] = [PUBLIC, "10.0.0.7"]

    with pytest.raises(ValidationFailed) as caught:
        services.webhook_create(
            actor=world.admin,
            name="ERP",
            url="https://erp.example.cn/h",
            event_types=["sla.breached"],
        )
    assert caught.value.code == "webhook.private_address"


def test_allowed_networks_admit_chosen_intranet_ranges_only(world: World, settings: Any) -> None:
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd00:1::/64"]

    inside, _ = services.webhook_create(
        actor=world.admin, name="ERP", url="http://10.20.1.5/h", event_types=["sla.breached"]
    )
    inside_v6, _ = services.webhook_create(
        actor=world.admin, name="ERP6", url="http://[fd00:1::5]/h", event_types=["sla.breached"]
    )
    with pytest.raises(ValidationFailed) as caught:
        services.webhook_create(
            actor=world.admin, name="no", url="http://10.21.0.1/h", event_types=["sla.breached"]
        )

    assert (inside.url, inside_v6.url) == ("http://10.20.1.5/h", "http://[fd00:1::5]/h")
    assert caught.value.code == "webhook.private_address"


def test_a_malformed_allowed_network_is_a_configuration_error(settings: Any) -> None:
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/33"]

    with pytest.raises(ImproperlyConfigured, match="GONGDAN_WEBHOOK_ALLOWED_NETWORKS"):
        http.address_allowed("10.0.0.1")


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]"],
)
def test_every_spelling_of_loopback_is_refused_when_sending(
    server: Server, settings: Any, host: str
) -> None:
    # Given a receiver on loopback and no network allowed
    port = server.url.rsplit(":", 1)[1]
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = []

    # When a request is sent to it, spelled as decimal, hex, octal, short or IPv6-mapped
    result = http.request("POST", f"http://{host}:{port}/hook", body=b"{}")

    # Then nothing was sent, and the reason names the address
    assert result.status is None and result.error.startswith("refused: ")
    assert "127.0.0.1" in result.error
    assert server.seen == []


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery(
    world: World,
    server: Server,
    settings: Any,
    resolver: dict[str, list[str]],
    live: Callable[[], Any],
) -> None:
    # Given a subscription saved while its name resolved to a public address
    port = int(server.url.rsplit(":", 1)[1])
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = []
    resolver["hooks.example.cn"] = [PUBLIC]
    sub, _ = services.webhook_create(
        actor=world.admin,
        name="ERP",
        url=f"http://hooks.example.cn:{port}/hook",
        event_types=[WebhookEvent.TICKET_CREATED],
    )

    # When DNS now answers loopback and an event is delivered
    resolver["hooks.example.cn"] = ["127.0.0.1"]
    with live():
        world.ticket()

    # Then the delivery failed without a request, and the log says why
    delivery = WebhookDelivery.objects.filter(subscription=sub).order_by("id").first()
    assert delivery is not None
    assert (delivery.status, delivery.status_code) == ("failed", None)
    assert delivery.error.startswith("refused: hooks.example.cn resolves to 127.0.0.1")
    assert server.seen == []


def test_the_checked_address_is_the_one_connected_to(
    server: Server, settings: Any, resolver: dict[str, list[str]]
) -> None:
    # Given a name allowed through its intranet address, resolved once per request
    port = int(server.url.rsplit(":", 1)[1])
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    resolver["erp.intranet.example"] = ["127.0.0.1"]

    result = http.request("POST", f"http://erp.intranet.example:{port}/hook?x=1", body=b"{}")

    # Then the request went to that address with the name as Host, after a single lookup
    assert result.status == 200
    assert resolver["__lookups__"] == ["erp.intranet.example"]
    assert server.seen[0].headers["Host"] == f"erp.intranet.example:{port}"
    assert (server.seen[0].path, server.seen[0].query) == ("/hook", {"x": "1"})


def test_a_redirect_to_a_private_address_is_not_followed(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = lambda seen: (
        302,
        {},
        {"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
    )
    sub, _ = services.webhook_create(
        actor=world.admin,
        name="ERP",
        url=f"{server.url}/hook",
        event_types=[WebhookEvent.TICKET_CREATED],
    )

    with live():
        world.ticket()

    delivery = WebhookDelivery.objects.filter(subscription=sub).order_by("id").first()
    assert delivery is not None and (delivery.status, delivery.status_code) == ("failed", 302)
    assert [s.path for s in server.seen] == ["/hook"]


def test_a_robot_on_a_private_address_is_refused(world: World, no_networks_allowed: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        robot_save(
            actor=world.admin,
            robot_id=None,
            fields={
                "team": world.it_team,
                "vendor": Vendor.WECOM,
                "name": "值班群",
                "webhook_url": "http://169.254.169.254/cgi-bin/webhook/send?key=k",
                "events": [],
                "is_active": True,
            },
        )

    assert caught.value.code == "robot.private_address"
    assert "webhook_url" in caught.value.fields
    assert TeamRobot.objects.count() == 0


# --- TLS: the pinned connection still names and verifies the host ----------------------------


@pytest.fixture
def tls_server(tmp_path: Path, settings: Any) -> Iterator[tuple[int, ssl.SSLContext, list[str]]]:
    """An HTTPS receiver on loopback with a certificate for ``hooks.example.cn`` only; yields
    its port, a client context that trusts it, and the SNI names it was asked for."""
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hooks.example.cn")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hooks.example.cn")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    sni: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    server_context.sni_callback = lambda sock, server_name, ctx: sni.append(server_name) and None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert_file))
    yield httpd.server_address[1], client_context, sni
    httpd.shutdown()
    httpd.server_close()


def test_tls_to_a_pinned_address_sends_sni_and_verifies_the_name(
    tls_server: tuple[int, ssl.SSLContext, list[str]],
    resolver: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, trusted, sni = tls_server
    monkeypatch.setattr(http.ssl, "create_default_context", lambda: trusted)
    resolver["hooks.example.cn"] = ["127.0.0.1"]
    resolver["evil.example.cn"] = ["127.0.0.1"]

    good = http.request("POST", f"https://hooks.example.cn:{port}/h", body=b"{}")
    wrong_name = http.request("POST", f"https://evil.example.cn:{port}/h", body=b"{}")

    assert (good.status, good.error) == (204, "")
    assert sni[0] == "hooks.example.cn"
    assert wrong_name.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in wrong_name.error or "match" in wrong_name.error


def test_the_workspace_form_shows_the_refusal_on_the_url_field(
    world: World, no_networks_allowed: None
) -> None:
    response = world.client_for(world.admin).post(
        "/desk/channels/webhooks/new/",
        {"name": "元数据", "url": "http://169.254.169.254/", "event_types": ["sla.breached"]},
    )

    page = response.content.decode()
    assert "169.254.169.254 is a local or private network address" in page
    assert WebhookSubscription.objects.count() == 0

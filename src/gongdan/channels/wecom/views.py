"""``/channels/wecom/callback/<app>/``: WeCom's URL verification (GET) and messages (POST).

Every answer other than success is a JSON ``{"code", "message"}``: a bad signature is 403, an
unknown app 404, malformed input 400, a misconfigured app 503 — never a 500.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gongdan.channels.models import WecomApp
from gongdan.channels.wecom.crypto import WecomCrypto, WecomCryptoError
from gongdan.channels.wecom.inbound import BadXml, parse_xml, wecom_message_receive


def _error(code: str, status: int) -> JsonResponse:
    messages = {
        400: _("The callback request is malformed."),
        403: _("The callback signature is not valid."),
        404: _("No such WeCom app."),
        503: _("The WeCom app is not configured correctly."),
    }
    return JsonResponse({"code": code, "message": messages[status], "fields": {}}, status=status)


def _crypto_status(exc: WecomCryptoError) -> int:
    if exc.code == "wecom.bad_signature":
        return 403
    return 503 if exc.code == "wecom.bad_aes_key" else 400


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wecom_callback(request: HttpRequest, app: str) -> HttpResponse:
    row = WecomApp.objects.filter(code=app, is_active=True).first()
    if row is None:
        return _error("wecom.unknown_app", 404)
    signature, timestamp, nonce = (
        request.GET.get(k, "") for k in ("msg_signature", "timestamp", "nonce")
    )
    if not (signature and timestamp and nonce):
        return _error("wecom.missing_parameters", 400)
    try:
        crypto = WecomCrypto(
            token=row.token, encoding_aes_key=row.encoding_aes_key, receive_id=row.corp_id
        )
        if request.method == "GET":
            echostr = request.GET.get("echostr", "")
            if not echostr:
                return _error("wecom.missing_parameters", 400)
            return HttpResponse(
                crypto.verify_url(signature, timestamp, nonce, echostr), content_type="text/plain"
            )
        encrypt = parse_xml(request.body).get("Encrypt", "")
        if not encrypt:
            return _error("wecom.bad_xml", 400)
        crypto.verify(signature, timestamp, nonce, encrypt)
        message = parse_xml(crypto.decrypt(encrypt))
    except WecomCryptoError as exc:
        return _error(exc.code, _crypto_status(exc))
    except BadXml:
        return _error("wecom.bad_xml", 400)
    wecom_message_receive(app=row, message=message)
    return HttpResponse("", content_type="text/plain")

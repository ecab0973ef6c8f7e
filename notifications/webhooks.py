"""Posting a text message to a 企业微信 (WeCom) or 钉钉 (DingTalk) group robot.

Both robots take the same JSON for a text message, `{"msgtype": "text", "text": {"content":
…}}`, and answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}`; any other answer is a
failure. A DingTalk robot with the "sign" security setting (加签) also wants `timestamp` and
`sign` (HMAC-SHA256 of "timestamp\\nsecret", base64) in the query string. Every call is bounded
by NOTIFICATION_WEBHOOK_TIMEOUT_SECONDS.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .models import TeamChannel

MAX_TEXT = 2000  # both robots cut longer texts; keep the message readable


class WebhookError(Exception):
    """The robot did not take the message (network, timeout, HTTP error, errcode)."""


def payload(text):
    return {"msgtype": "text", "text": {"content": text[:MAX_TEXT]}}


def signed_url(channel, *, now_ms=None):
    if channel.provider != TeamChannel.Provider.DINGTALK or not channel.secret:
        return channel.webhook_url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        channel.secret.encode(), f"{timestamp}\n{channel.secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in channel.webhook_url else "?"
    return f"{channel.webhook_url}{separator}timestamp={timestamp}&sign={sign}"


def post(channel, text, *, timeout=None):
    """Post `text` to the channel's robot; raises WebhookError unless it took it."""
    url = signed_url(channel)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise WebhookError("the webhook URL is not http(s)")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload(text), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    timeout = timeout if timeout is not None else settings.NOTIFICATION_WEBHOOK_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(10_000)
    except urllib.error.HTTPError as error:
        raise WebhookError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise WebhookError(f"{type(error).__name__}: {error}") from error
    try:
        answer = json.loads(body or b"{}")
    except ValueError as error:
        raise WebhookError("the robot's answer is not JSON") from error
    if answer.get("errcode", 0) != 0:
        raise WebhookError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")

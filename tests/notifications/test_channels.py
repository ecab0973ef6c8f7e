"""Channels: each reader's preferences per kind, email one by one or in the morning digest,
and a team's WeCom or DingTalk group robot, tested against a local HTTP server (one that
takes the message, one that answers 500, one that hangs), never a real address."""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from notifications import channels, services, webhooks
from notifications.kinds import DEFAULT_CHANNEL, Channel, Kind
from notifications.models import Notification, Preference, TeamChannel, TeamPost
from notifications.tasks import post_to_team_task
from teams.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _notify(user, key="test/1", kind=Kind.TASK_DUE):
    return services.notify(
        recipient=user,
        kind=kind,
        key=key,
        title="Task due: %(task)s",
        args={"task": "Call back"},
        url="/customers/1/",
    )[0]


# --- preferences -------------------------------------------------------------------------------


def test_every_user_sets_their_preferences(client, rep):
    client.force_login(rep)
    url = reverse("notifications:preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].fields[Kind.TASK_DUE].initial == DEFAULT_CHANNEL[Kind.TASK_DUE]
    data = {kind: Channel.IN_APP for kind in Kind.values} | {Kind.TASK_DUE: Channel.DIGEST}
    assert client.post(url, data).status_code == 302
    assert Preference.objects.get(user=rep, kind=Kind.TASK_DUE).channel == Channel.DIGEST
    assert channels.channel_for(rep, Kind.TASK_DUE) == Channel.DIGEST


def test_a_bad_channel_is_refused_and_nothing_saved(client, rep):
    client.force_login(rep)
    data = {kind: Channel.IN_APP for kind in Kind.values} | {Kind.TASK_DUE: "pigeon"}
    page = client.post(reverse("notifications:preferences"), data)
    assert page.status_code == 200
    assert page.context["form"].errors[Kind.TASK_DUE]
    assert not Preference.objects.exists()
    with pytest.raises(ValueError):
        services.preferences_save(user=rep, channels={Kind.TASK_DUE: "pigeon"})


# --- email -------------------------------------------------------------------------------------


def test_the_email_channel_enqueues_one_email_through_the_outbox(rep):
    services.preferences_save(user=rep, channels={Kind.TASK_DUE: Channel.EMAIL})
    notification = _notify(rep)
    assert list(OutboxMessage.objects.values_list("task", "args")) == [
        ("notifications.tasks.send_notification_email_task", [notification.pk])
    ]
    assert channels.email_one(notification.pk) is True
    assert channels.email_one(notification.pk) is False  # the task arriving twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [rep.email]
    assert "Call back" in mail.outbox[0].subject
    assert f"/notifications/{notification.pk}/open/" in mail.outbox[0].body


def test_in_app_only_sends_nothing(rep):
    services.preferences_save(user=rep, channels={Kind.TASK_DUE: Channel.IN_APP})
    _notify(rep)
    assert not OutboxMessage.objects.exists()


def test_the_morning_digest_gathers_each_readers_notifications_once(rep, manager):
    services.preferences_save(user=rep, channels={Kind.TASK_DUE: Channel.DIGEST})
    _notify(rep, "test/a")
    _notify(rep, "test/b")
    _notify(manager, "test/c")  # task_due defaults to in-app only
    services.preferences_save(user=manager, channels={Kind.APPROVAL_WAITING: Channel.DIGEST})
    _notify(manager, "test/d", kind=Kind.APPROVAL_WAITING)
    assert not OutboxMessage.objects.exists()  # digests wait for the morning
    assert channels.send_digests() == 2
    assert channels.send_digests() == 0
    by_reader = {message.to[0]: message for message in mail.outbox}
    assert set(by_reader) == {rep.email, manager.email}
    # in the company's language (the default, Chinese), as every email
    assert "2" in by_reader[rep.email].subject
    assert by_reader[rep.email].body.count("任务到期：Call back") == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1  # test/c


# --- team robots -------------------------------------------------------------------------------


class Robot:
    """A local robot: records what it is sent and answers as told."""

    def __init__(self, mode):
        self.mode, self.received = mode, []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers["Content-Length"])
                robot.received.append((self.path, json.loads(self.rfile.read(length))))
                if robot.mode == "hang":
                    time.sleep(2)
                    return
                status, answer = {
                    "ok": (200, {"errcode": 0, "errmsg": "ok"}),
                    "500": (500, {}),
                    "errcode": (200, {"errcode": 310000, "errmsg": "keywords not in content"}),
                }[robot.mode]
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=k"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(request):
    server = Robot(request.param)
    yield server
    server.close()


def _channel(team, url, provider=TeamChannel.Provider.WECOM, **extra):
    return TeamChannel.objects.create(
        team=team, provider=provider, webhook_url=url, kinds=[Kind.TASK_DUE], **extra
    )


@pytest.mark.parametrize("robot", ["ok"], indirect=True)
@pytest.mark.parametrize("provider", TeamChannel.Provider.values)
def test_a_notification_is_posted_to_the_team_robot_once(rep, org, robot, provider):
    channel = _channel(org["team_a"], robot.url, provider)
    notification = _notify(rep)
    assert ("notifications.tasks.post_to_team_task", [channel.pk, notification.pk]) in list(
        OutboxMessage.objects.values_list("task", "args")
    )
    assert post_to_team_task.apply(args=[channel.pk, notification.pk]).get() is True
    assert post_to_team_task.apply(args=[channel.pk, notification.pk]).get() is False
    assert len(robot.received) == 1
    path, body = robot.received[0]
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("任务到期：Call back\n")  # the company language
    assert body["text"]["content"].endswith("/customers/1/")
    assert TeamPost.objects.get().posted_at is not None


@pytest.mark.parametrize("robot", ["ok"], indirect=True)
def test_other_kinds_and_other_teams_are_not_posted(rep, other_rep, org, robot):
    _channel(org["team_a"], robot.url)
    _notify(rep, kind=Kind.APPROVAL_WAITING)
    _notify(other_rep, key="test/2")
    assert not OutboxMessage.objects.filter(task__endswith="post_to_team_task").exists()


@pytest.mark.parametrize("robot", ["500", "errcode"], indirect=True)
def test_a_failing_robot_is_retried_then_given_up(rep, org, robot):
    channel = _channel(org["team_a"], robot.url)
    notification = _notify(rep)
    result = post_to_team_task.apply(args=[channel.pk, notification.pk])
    assert isinstance(result.result, webhooks.WebhookError)
    assert len(robot.received) == 1 + post_to_team_task.max_retries
    post = TeamPost.objects.get()
    assert post.posted_at is None and post.attempts == 1 + post_to_team_task.max_retries
    assert post.last_error
    assert Notification.objects.get().read_at is None  # the notification itself is untouched


@pytest.mark.parametrize("robot", ["hang"], indirect=True)
@override_settings(NOTIFICATION_WEBHOOK_TIMEOUT_SECONDS=0.3)
def test_a_robot_that_hangs_costs_the_timeout_only(rep, org, robot):
    channel = _channel(org["team_a"], robot.url)
    notification = _notify(rep)
    started = time.monotonic()
    with pytest.raises(webhooks.WebhookError):
        channels.post_to_team(channel.pk, notification.pk)
    assert time.monotonic() - started < 1.5
    assert TeamPost.objects.get().posted_at is None


def test_a_dingtalk_robot_with_a_secret_gets_a_signed_address(org):
    channel = TeamChannel(
        team=org["team_a"],
        provider=TeamChannel.Provider.DINGTALK,
        webhook_url="http://127.0.0.1:9/robot/send?access_token=t",
        secret="SEC123",
    )
    url = webhooks.signed_url(channel, now_ms=1700000000000)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    expected = base64.b64encode(
        hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()
    ).decode()
    assert query == {"access_token": ["t"], "timestamp": ["1700000000000"], "sign": [expected]}
    channel.provider = TeamChannel.Provider.WECOM
    assert webhooks.signed_url(channel) == channel.webhook_url


# --- the admin pages for team channels ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("admin_user", 200), ("rep", 403), ("manager", 403), ("director", 403)]
)
def test_only_admins_manage_team_channels(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("notifications:teamchannel-list")).status_code == status
    assert client.get(reverse("notifications:teamchannel-create")).status_code == status


def test_an_admin_points_a_team_at_a_robot(client, admin_user, org, rep):
    client.force_login(admin_user)
    url = reverse("notifications:teamchannel-create")
    data = {
        "team": org["team_a"].pk,
        "provider": TeamChannel.Provider.WECOM,
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "kinds": [Kind.TASK_DUE, Kind.APPROVAL_WAITING],
        "is_active": "on",
    }
    page = client.post(url, data | {"secret": "x"})
    assert page.status_code == 200 and page.context["form"].errors["secret"]
    page = client.post(url, data | {"webhook_url": "ftp://example.com/x"})
    assert page.context["form"].errors["webhook_url"]
    assert not TeamChannel.objects.exists()
    assert client.post(url, data).status_code == 302
    channel = TeamChannel.objects.get()
    assert channel.kinds == [Kind.TASK_DUE, Kind.APPROVAL_WAITING]
    client.force_login(rep)
    delete = reverse("notifications:teamchannel-delete", args=[channel.pk])
    assert client.post(delete).status_code == 403
    client.force_login(admin_user)
    assert client.post(delete).status_code == 302
    assert not TeamChannel.objects.exists()

"""/healthz: 200 when database and broker answer, 503 otherwise, never hangs.

Anyone (a load balancer) gets the overall status only; logged-in admins get each service's.
"""

import socket
import threading

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_without_login_says_only_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_unhealthy_without_login_says_only_unavailable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_admin_sees_each_service(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_other_logged_in_users_see_only_the_status(client, rep, settings):
    client.force_login(rep)
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get(reverse("healthz")).json() == {"status": "unavailable"}


def test_broker_refusing_connections_is_503(client, settings, admin_user):
    client.force_login(admin_user)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": response.json()["broker"],
    }
    assert response.json()["broker"] in {"error", "timeout"}


@pytest.fixture
def silent_server():
    """A TCP server that accepts and then never answers: a hung broker."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_hung_broker_answers_503_instead_of_hanging(client, settings, silent_server, admin_user):
    client.force_login(admin_user)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] in {"timeout", "error"}


def test_database_down_is_503(client, monkeypatch, admin_user):
    client.force_login(admin_user)
    from teams import views

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "_database_ok", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"

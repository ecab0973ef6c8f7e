"""The deployment files (docker-compose.yml, Dockerfile, .env.example, the dependency locks)
agree with the code.

Docker is not needed: the compose file is validated against the vendored Compose Specification
schema (tests/data/compose-spec.json), and every module, management command and environment
variable it names is checked against the project. `manage.py check --deploy` runs in a
subprocess with the production settings.
"""

import importlib
import importlib.util
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.urls import resolve
from jsonschema import Draft7Validator
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SCHEMA_FILE = ROOT / "tests" / "data" / "compose-spec.json"
SETTINGS_DIR = ROOT / "crm_site" / "settings"
PYPROJECT = ROOT / "pyproject.toml"
BASE_LOCK = ROOT / "requirements" / "base.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"

PRODUCTION_SETTINGS = "crm_site.settings.production"
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("db", "redis")

# Runs manage.py exactly as `python manage.py ...` would, except that base.py's
# `Env.read_env(BASE_DIR / ".env")` is a no-op: a developer's own .env (DEBUG=True, a local
# SECRET_KEY...) must not leak into the production checks.
RUN_MANAGE_WITHOUT_DOTENV = (
    "import runpy, sys, environ; "
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None); "
    "sys.argv = ['manage.py', *sys.argv[1:]]; "
    "runpy.run_path('manage.py', run_name='__main__')"
)


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile():
    return DOCKERFILE.read_text(encoding="utf-8")


def _as_text(value):
    """A compose command (string or list) as one shell-like string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return " ".join(str(part) for part in value)


def _environment(service):
    """A service's `environment`, whether written as a mapping or as a list of KEY=VALUE."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {key: "" if value is None else str(value) for key, value in env.items()}
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)


def _service_commands(compose):
    """(service, text) for every command, entrypoint and health check in the compose file."""
    for name, service in compose["services"].items():
        for key in ("command", "entrypoint"):
            if service.get(key):
                yield name, _as_text(service[key])
        test = (service.get("healthcheck") or {}).get("test")
        if test:
            yield name, _as_text(test)


def _dockerfile_cmd(dockerfile):
    match = re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.MULTILINE)
    assert match, "the Dockerfile needs an exec-form CMD [...]"
    return json.loads(match.group(1))


def _gunicorn_targets(text):
    """`module:attr` arguments following `gunicorn` in a command line."""
    targets = []
    for segment in re.split(r"&&|;|\|\|", text):
        tokens = shlex.split(segment)
        if "gunicorn" not in tokens:
            continue
        after = tokens[tokens.index("gunicorn") + 1 :]
        targets += [t for t in after if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", t)]
    return targets


def _celery_apps(text):
    """(app, subcommand) for every `celery -A app <subcommand>` in a command line."""
    return re.findall(r"\bcelery\s+(?:-A|--app)[\s=]+(\S+)\s+(\w+)", text)


def _env_example_names():
    """(active, mentioned): names set in .env.example, and names set or shown commented out."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    active = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    mentioned = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    return active, mentioned


def _settings_env_names():
    """Names the base and production settings read through django-environ's `env(...)`."""
    names = set()
    for module in ("base.py", "production.py"):
        source = (SETTINGS_DIR / module).read_text(encoding="utf-8")
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
    # DEBUG is read in base.py but production.py always sets it to False.
    return names - {"DEBUG"}


def _production_env(tmp_path, **overrides):
    """A clean, real-looking production environment (nothing inherited but PATH and HOME)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="crm.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "-c", RUN_MANAGE_WITHOUT_DOTENV, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- docker-compose.yml -----------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification(compose):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    errors = sorted(Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, error.path)) or '<root>'}: {error.message}" for error in errors
    )


def test_compose_has_the_expected_services(compose):
    services = compose["services"]
    assert set(BACKING_SERVICES + APP_SERVICES) <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in APP_SERVICES:
        assert "build" in services[name], f"{name} must be built from the Dockerfile"
        env_file = services[name].get("env_file")
        env_files = [env_file] if isinstance(env_file, str) else env_file or []
        paths = [item if isinstance(item, str) else item["path"] for item in env_files]
        assert ".env" in paths, f"{name} must read its secrets from .env"


def test_exactly_one_celery_beat(compose):
    beats = [
        (name, app)
        for name, text in _service_commands(compose)
        for app, subcommand in _celery_apps(text)
        if subcommand == "beat"
    ]
    assert [name for name, _ in beats] == ["beat"]
    beat = compose["services"]["beat"]
    assert (beat.get("deploy") or {}).get("replicas", 1) == 1
    # The schedule file must live somewhere the non-root user can write.
    schedule = re.search(r"(?:--schedule[=\s]|-s\s)(\S+)", _as_text(beat["command"]))
    assert schedule, "beat needs --schedule pointing at a writable file"
    assert schedule.group(1).startswith(("/app/var/", "/tmp/")), schedule.group(1)  # noqa: S108


def test_app_services_use_importable_production_settings(compose):
    for name in APP_SERVICES:
        env = _environment(compose["services"][name])
        module = env.get("DJANGO_SETTINGS_MODULE")
        assert module == PRODUCTION_SETTINGS, f"{name}: DJANGO_SETTINGS_MODULE={module!r}"
        assert importlib.util.find_spec(module) is not None, module
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert "@db:" in env["DATABASE_URL"], f"{name}: DATABASE_URL must point at the db service"
        assert env["REDIS_URL"].startswith("redis://redis:"), name


def test_gunicorn_target_imports(compose, dockerfile):
    web = compose["services"]["web"]
    targets = _gunicorn_targets(_as_text(web["command"]))
    assert targets == ["crm_site.wsgi:application"]
    # The test session's settings module is already set, so crm_site.wsgi's setdefault
    # leaves it alone and importing the module is safe.
    settings_module = os.environ["DJANGO_SETTINGS_MODULE"]
    for target in targets:
        module_name, attribute = target.split(":")
        assert importlib.util.find_spec(module_name) is not None, module_name
        module = importlib.import_module(module_name)
        assert callable(getattr(module, attribute)), target
    assert os.environ["DJANGO_SETTINGS_MODULE"] == settings_module
    # The image's default command serves the same application.
    assert _gunicorn_targets(shlex.join(_dockerfile_cmd(dockerfile))) == targets


def test_celery_app_resolves(compose):
    apps = {app for _, text in _service_commands(compose) for app, _ in _celery_apps(text)}
    subcommands = {
        name: [sub for _, sub in _celery_apps(_as_text(compose["services"][name]["command"]))]
        for name in ("worker", "beat")
    }
    assert subcommands == {"worker": ["worker"], "beat": ["beat"]}
    assert apps == {"crm_site"}
    crm_celery = importlib.import_module("crm_site.celery")
    assert isinstance(crm_celery.app, Celery)
    # Celery's own lookup for `-A crm_site` lands on that app.
    assert find_app("crm_site") is crm_celery.app


def test_management_commands_exist(compose, dockerfile):
    texts = [text for _, text in _service_commands(compose)] + [dockerfile]
    used = {command for text in texts for command in re.findall(r"manage\.py\s+([\w-]+)", text)}
    assert {"migrate", "collectstatic"} <= used
    unknown = used - set(get_commands())
    assert not unknown, f"unknown management commands: {sorted(unknown)}"


def test_web_healthcheck_hits_healthz(compose):
    web = compose["services"]["web"]
    test = web["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    text = _as_text(test)
    assert "http://127.0.0.1:8000/healthz" in text
    assert "urllib" in text and "curl" not in text
    assert resolve("/healthz").url_name == "healthz"
    # Plain HTTP from inside the container must not be redirected to HTTPS.
    production = (SETTINGS_DIR / "production.py").read_text(encoding="utf-8")
    assert re.search(r"SECURE_REDIRECT_EXEMPT\s*=\s*\[[^\]]*\^healthz\$", production)
    assert any(str(port).split(":")[-1] == "8000" for port in web.get("ports", []))


def test_dependencies_wait_for_healthy_services(compose):
    services = compose["services"]
    for name in BACKING_SERVICES + ("web",):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} needs a healthcheck"
    assert "pg_isready" in _as_text(services["db"]["healthcheck"]["test"])
    assert "redis-cli ping" in _as_text(services["redis"]["healthcheck"]["test"])
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for backing in BACKING_SERVICES:
            assert depends_on[backing]["condition"] == "service_healthy", (name, backing)


def test_named_volumes(compose):
    declared = set(compose.get("volumes") or {})
    assert {"postgres-data", "redis-data", "media"} <= declared
    mounts = {}
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source, target = (
                volume.split(":")[:2]
                if isinstance(volume, str)
                else (volume["source"], volume["target"])
            )
            if not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} uses undeclared volume {source}"
                mounts[(name, source)] = target
    assert mounts[("db", "postgres-data")] == "/var/lib/postgresql/data"
    assert mounts[("redis", "redis-data")] == "/data"
    # The worker writes queued exports that web serves: one volume, one path, both services.
    assert mounts[("web", "media")] == mounts[("worker", "media")] == "/app/var/media"


# --- Dockerfile, .dockerignore, .env.example --------------------------------------------------


def test_dockerfile(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.MULTILINE)
    assert "pip install --no-cache-dir" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"
    # One RUN instruction (with its `\` continuation lines) sets the build-only environment.
    collectstatic = re.search(
        r"^RUN (?:[^\n]*\\\n)*[^\n]*manage\.py collectstatic --noinput", dockerfile, re.M
    )
    assert collectstatic, "the Dockerfile must run collectstatic"
    step = collectstatic.group()
    assert f"DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}" in step
    assert "SECRET_KEY=" in step and "ALLOWED_HOSTS=" in step
    assert not re.search(r"^(?:ENV|ARG)\b.*SECRET_KEY", dockerfile, re.M), "no secret in the image"
    assert re.search(r"^EXPOSE 8000\b", dockerfile, re.MULTILINE)
    assert _dockerfile_cmd(dockerfile)[0] == "gunicorn"
    ignored = set(DOCKERIGNORE.read_text(encoding="utf-8").split())
    assert {".venv", "var", ".git", "test-artifacts", "__pycache__", ".env"} <= ignored
    # The image installs the runtime lock, every file checked against its hash.
    copied = re.search(r"^COPY requirements/base\.txt (\S+)$", dockerfile, re.MULTILINE)
    assert copied, "the Dockerfile must install from requirements/base.txt"
    assert f"pip install --no-cache-dir --require-hashes -r {copied.group(1)}" in dockerfile


def test_env_example_lists_every_variable(compose):
    active, mentioned = _env_example_names()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text("utf-8")))
    needed = _settings_env_names() | interpolated | {"DATABASE_URL", "REDIS_URL"}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "LOG_LEVEL"} <= needed
    missing = needed - mentioned
    assert not missing, f".env.example does not mention {sorted(missing)}"
    # Variables without a default must be set, not just shown.
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"}
    assert required <= active
    # Placeholders only, never a real secret.
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        value = re.search(rf"^{name}=(.*)$", text, re.MULTILINE).group(1)
        assert value.startswith("replace-"), f"{name} in .env.example must be a placeholder"


# --- production settings ----------------------------------------------------------------------


def test_production_check_deploy_is_clean(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(tmp_path, variable):
    result = _manage("check", env=_production_env(tmp_path, **{variable: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert variable in result.stderr, result.stderr


# --- the dependency locks ---------------------------------------------------------------------


def _pins(lock):
    """{name: (version, hash count)} of a pip-compile lock with --generate-hashes."""
    pins = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8")):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", entry)
        if match:
            name = canonicalize_name(match.group(1))
            pins[name] = (Version(match.group(2)), entry.count("--hash=sha256:"))
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"), [(BASE_LOCK, []), (DEV_LOCK, ["dev"])], ids=["base", "dev"]
)
def test_the_lock_pins_every_range_of_pyproject_with_hashes(lock, extras):
    """A range changed in pyproject.toml without `make lock` fails here, not on a fresh machine."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [
        text for extra in extras for text in project["optional-dependencies"][extra]
    ]
    pins = _pins(lock)
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in {lock.name}: run `make lock`"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock.name} pins {name}=={version} outside {text!r}: run `make lock`"
        )
    unhashed = sorted(name for name, (_, hashes) in pins.items() if not hashes)
    assert not unhashed, f"{lock.name} pins without a hash: {unhashed}"


def test_the_dev_lock_installs_the_same_runtime_as_the_base_lock():
    base, dev = _pins(BASE_LOCK), _pins(DEV_LOCK)
    assert {name: dev[name][0] for name in base if name in dev} == {
        name: version for name, (version, _) in base.items()
    }


@pytest.mark.parametrize(
    ("stamp", "lock"),
    [
        (".venv/.installed-base", "requirements/base.txt"),
        (".venv/.installed-dev", "requirements/dev.txt"),
    ],
)
def test_a_changed_lock_is_installed_again_with_its_hashes(stamp, lock):
    """`make run` and `make test` reinstall when their lock is newer than the last install."""
    result = subprocess.run(
        ["make", "--dry-run", f"--what-if={lock}", stamp],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"pip install --quiet --require-hashes -r {lock}" in result.stdout

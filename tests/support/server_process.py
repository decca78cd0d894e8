"""``budget-planner serve`` as a real process on 127.0.0.1, and a standard-library browser for it.

For the crash, concurrency and security tests and the load benchmark (``benchmarks/load.py``)::

    database = fresh_database("sqlite" | "postgresql", tmp_path)   # its own file or schema
    accounts = seed(database.url, tmp_path, units=["清远市", "韶关市"])  # round open, accounts
    with Server(database.url, tmp_path / "instance") as server:     # started, ready
        browser = Browser(server.base_url)
        browser.login("清远市")
        page = browser.upload([(data, "清远市-表四.xlsx")])
        server.kill()                                                # SIGKILL, workers too
        server.start()                                               # same database and port
    database.drop()

The server runs in a process group of its own (its parse workers with it), so ``kill()`` takes
them all at once, as a power cut would. Accounts get the password ``PASSWORD`` (cheaply hashed).
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ROUND_ID = "guangdong-2024"
PASSWORD = "secret-pass-1"
CHEAP_HASH = "pbkdf2:sha256:1000"
# this interpreter with ``-m``, not the installed script: the tree under test is the one imported
CLI = [sys.executable, "-m", "budget_planner"]
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
VERSION_LINK = re.compile(r'href="/versions/(\d+)"')


# ---------------------------------------------------------------- a database of its own


@dataclass
class Database:
    url: str
    backend: str
    drop: Callable[[], None]


def fresh_database(backend: str, tmp_dir: Path) -> Database:
    """An empty SQLite file, or a new PostgreSQL schema (``drop()`` removes it), as the storage
    tests make them."""
    from test_storage_support import new_database

    url, drop = new_database(backend, tmp_dir)
    return Database(url, backend, drop)


def seed(url: str, tmp_dir: Path, units: Sequence[str] = ("清远市", "韶关市")) -> dict[str, str]:
    """Migrate, load the province round and open it, and make the accounts: ``admin``,
    ``finance`` and one per unit named by the unit's short name. Returns username → role."""
    from budget_planner.storage import accounts, repository
    from budget_planner.storage.db import make_engine, make_session_factory, upgrade
    from budget_planner.templates.round import load_round

    toml_text = (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{ROUND_ID}.toml")
        .read_text("utf-8")
    )
    engine = make_engine(url, tmp_dir)
    upgrade(engine)
    method, accounts.PASSWORD_METHOD = accounts.PASSWORD_METHOD, CHEAP_HASH
    made = {"admin": "admin", "finance": "finance"}
    try:
        with make_session_factory(engine)() as session:
            stored = repository.load_round_into_db(session, load_round(), toml_text)
            repository.open_round(session, ROUND_ID)
            province = stored.collector
            repository.create_user(
                session, "admin", PASSWORD, province, reviewer=True, must_change_password=False
            )
            repository.create_user(
                session, "finance", PASSWORD, province, finance=True, must_change_password=False
            )
            for name in units:
                unit = repository.find_unit(session, ROUND_ID, name, scope=None)
                assert unit is not None, name
                repository.create_user(session, name, PASSWORD, unit, must_change_password=False)
                made[name] = "unit"
    finally:
        accounts.PASSWORD_METHOD = method
        engine.dispose()
    return made


# ---------------------------------------------------------------- the server process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``budget-planner serve`` on a free 127.0.0.1 port, in a process group of its own."""

    def __init__(self, database_url: str, instance: Path, env: dict[str, str] | None = None):
        self.database_url = database_url
        self.instance = instance
        self.env = env or {}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = instance / "serve.log"
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_PLANNER_")}
        env.update(
            DATABASE_URL=self.database_url,
            SESSION_COOKIE_SECURE="0",  # plain http on 127.0.0.1
            SECRET_KEY="server-process-test-key",  # sessions survive a restart
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env)
        return env

    def start(self, timeout: float = 60) -> Server:
        """Start (or start again) and wait until the login page answers."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.instance.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):
            self.starts += 1
            with open(self.log_path, "ab") as log:
                log.write(f"\n==== start {self.starts} on port {self.port}\n".encode())
                self.proc = subprocess.Popen(
                    [
                        *CLI,
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(self.port),
                        "--instance",
                        str(self.instance),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=self._environment(),
                    start_new_session=True,
                )
            if self._wait_ready(timeout):
                return self
            if attempt < 2 and "端口" in self.log():  # the port was taken meanwhile: another one
                self.port = free_port()
                continue
            self.kill()
            raise RuntimeError(f"budget-planner serve did not start:\n{self.log()[-3000:]}")
        raise AssertionError("unreachable")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/login")
                    if conn.getresponse().status == 200:
                        return True
                finally:
                    conn.close()
            time.sleep(0.1)
        return False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)  # the group this Server started: serve and its workers

    def kill(self) -> None:
        """SIGKILL the server and its parse workers at once (a power cut, as the process sees it)."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
        else:
            self._signal_group(signal.SIGKILL)  # any worker left behind

    def restart(self) -> Server:
        self.kill()
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- a browser


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def version_ids(self) -> list[int]:
        """The versions a page links to, in order, without repeats."""
        return list(dict.fromkeys(int(v) for v in VERSION_LINK.findall(self.text)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kw):  # a 302 is the answer under test, not followed
        return None


@dataclass
class Browser:
    """Cookies in an ``http.cookiejar``; the CSRF token read from the pages as a form carries it."""

    base_url: str
    timeout: float = 60
    username: str | None = None
    token: str | None = None
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Page:
        req = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self._opener.open(req, timeout=self.timeout) as response:
                page = Page(response.status, _lower(response.headers), response.read(), path)
        except urllib.error.HTTPError as error:
            with error:
                page = Page(error.code, _lower(error.headers), error.read(), path)
        found = _CSRF.search(page.text) if "html" in page.headers.get("content-type", "") else None
        if found:
            self.token = found.group(1)
        if method == "POST" and page.status == 303 and "shown=" in page.location:
            return self.get(
                page.location
            )  # a form's answer, after the redirect (web/after_post.py)
        return page

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def csrf(self) -> str:
        if self.token is None:
            self.get("/password" if self.username else "/login")
        assert self.token, "no CSRF token on the page"
        return self.token

    def post(self, path: str, fields: dict | None = None, token: bool = True) -> Page:
        data = dict(fields or {})
        if token:
            data["csrf_token"] = self.csrf()
        body = urllib.parse.urlencode(data).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def login(self, username: str, password: str = PASSWORD) -> Page:
        self.token = None
        page = self.post("/login", {"username": username, "password": password})
        if page.status == 302 and "/login" not in page.location:
            self.username = username
            self.token = None  # read afresh from a signed-in page
        return page

    def upload(
        self,
        files: Iterable[tuple[bytes, str]],
        attachment: tuple[bytes, str] | None = None,
        unit: str | None = None,
        token: bool = True,
    ) -> Page:
        """The upload form as a browser sends it (admin: on behalf of ``unit``)."""
        parts: list[tuple[str, str | tuple[bytes, str]]] = [("files", f) for f in files]
        if attachment is not None:
            parts.append(("attachment", attachment))
        path = "/upload"
        if unit is not None:
            parts.append(("unit", unit))
            path = "/admin/upload"
        if token:
            parts.append(("csrf_token", self.csrf()))
        boundary, body = multipart(parts)
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def multipart(parts: Sequence[tuple[str, str | tuple[bytes, str]]]) -> tuple[str, bytes]:
    """``multipart/form-data`` as browsers write it (file names in UTF-8, quotes escaped)."""
    boundary = f"----bp{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in parts:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            data, filename = value
            quoted = filename.replace('"', "%22")
            out += (
                f'Content-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            out += data
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode()
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return boundary, bytes(out)

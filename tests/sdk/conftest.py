"""Fixtures for the wechatpy compatibility suite.

One `openmini serve` runs for the whole session on a free loopback port with a
fresh data folder. Every test builds its own subjects, apps and users with the
admin CLI (the `world` fixture), so tests do not depend on each other or on the
demo that the server seeds on first start.

wechatpy is pointed at the server the way the spec ("How the SDKs are pointed at
another host") describes: `API_BASE_URL` on the client and on its API objects,
and a subclass whose `fetch_access_token` asks our `/cgi-bin/token`. Only
instances are changed; wechatpy's classes keep their defaults.
"""

import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
import requests
from openmini_client import OpenMiniWeChatClient

DEFAULT_BIN = "/work/main/target/debug/openmini"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env() -> dict:
    """The caller's environment without OPENMINI_* settings that could point
    the server or the CLI at another address, database or config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENMINI_")}
    env["OPENMINI_LOG"] = "info"
    env["NO_COLOR"] = "1"
    return env


@dataclass
class Server:
    base_url: str
    data_dir: Path
    log_path: Path
    binary: str
    process: subprocess.Popen

    def log_text(self) -> str:
        """The server's stderr so far, without terminal colour codes."""
        raw = self.log_path.read_text(encoding="utf-8", errors="replace")
        return ANSI_ESCAPE.sub("", raw)

    def log_size(self) -> int:
        return len(self.log_text())

    def wait_for_signin_code(self, phone: str, since: int, timeout: float = 5.0) -> str:
        """The 6-digit code that POST /client/v1/signin/start logged for `phone`
        (as `signin_code=NNNNNN`) after log offset `since`."""
        # The log masks the phone: 13800138001 -> 138****8001.
        masked = phone[:3] + "****" + phone[-4:]
        pattern = re.compile(
            r"phone=" + re.escape(masked) + r".*?signin_code=(\d{6})"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.findall(self.log_text()[since:])
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(
            f"no signin_code for {masked} in the server log {self.log_path}"
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    binary = os.environ.get("OPENMINI_BIN", DEFAULT_BIN)
    if not os.access(binary, os.X_OK):
        pytest.fail(f"openmini binary not found or not executable: {binary}")

    data_dir = tmp_path_factory.mktemp("openmini-data")
    log_path = data_dir / "server.stderr.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"

    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [
                binary, "serve",
                "--addr", f"127.0.0.1:{port}",
                "--data", str(data_dir),
                "--log-format", "text",
            ],
            # cwd = the data folder, so no ./openmini.toml is picked up.
            cwd=data_dir,
            env=_clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )

    srv = Server(base_url, data_dir, log_path, binary, process)
    try:
        _wait_healthy(srv, timeout=30.0)
        yield srv
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(srv: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.process.poll() is not None:
            raise RuntimeError(
                f"openmini serve exited with {srv.process.returncode}:\n"
                + srv.log_text()[-4000:]
            )
        try:
            if requests.get(srv.base_url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"openmini serve did not answer /healthz within {timeout}s:\n"
        + srv.log_text()[-4000:]
    )


# --------------------------------------------------------------------------
# The admin CLI
# --------------------------------------------------------------------------


class CliError(Exception):
    def __init__(self, args, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        try:
            self.json = json.loads(stdout)
        except ValueError:
            self.json = None
        super().__init__(
            f"{' '.join(args)} exited with {returncode}\n"
            f"stdout: {stdout}\nstderr: {stderr}"
        )


@dataclass
class Admin:
    """Runs `openmini ... --data DIR --json` on the server's store."""

    server: Server

    def run(self, *args) -> dict:
        argv = [self.server.binary, *map(str, args),
                "--data", str(self.server.data_dir), "--json"]
        done = subprocess.run(
            argv, capture_output=True, text=True, env=_clean_env(),
            cwd=self.server.data_dir, timeout=60,
        )
        if done.returncode != 0:
            raise CliError(argv, done.returncode, done.stdout, done.stderr)
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def admin(server) -> Admin:
    return Admin(server)


# --------------------------------------------------------------------------
# Per-test data: subjects, open-platform accounts, apps, users
# --------------------------------------------------------------------------


@dataclass
class App:
    appid: str
    secret: str
    kind: str
    subject: int
    open_appid: Optional[str]


@dataclass
class User:
    id: int
    phone: str


# Phones unique across the session (the demo uses 138/139 and +1 numbers).
_phones = (f"137{n:08d}" for n in itertools.count(int(time.time()) % 10_000 * 1000))
_names = itertools.count(1)


class World:
    """Creates fresh, isolated fixtures for one test through the admin CLI."""

    def __init__(self, admin: Admin):
        self.admin = admin

    def subject(self, name: Optional[str] = None) -> int:
        name = name or f"Subject {next(_names)}"
        return self.admin.run("subject", "create", "--name", name)["id"]

    def open_account(self, subject: int) -> str:
        return self.admin.run("open-account", "create", "--subject", subject)["open_appid"]

    def app(self, subject: Optional[int] = None, kind: str = "miniprogram",
            open_appid: Optional[str] = None, name: Optional[str] = None) -> App:
        subject = subject if subject is not None else self.subject()
        args = ["app", "create", "--subject", subject, "--kind", kind,
                "--name", name or f"{kind} {next(_names)}"]
        if open_appid:
            args += ["--open-account", open_appid]
        out = self.admin.run(*args)
        return App(out["appid"], out["appsecret"], kind, subject, out.get("open_appid"))

    def user(self, name: Optional[str] = None) -> User:
        phone = next(_phones)
        args = ["user", "create", "--phone", phone]
        if name:
            args += ["--name", name]
        return User(self.admin.run(*args)["id"], phone)

    def block(self, user: User) -> dict:
        return self.admin.run("user", "block", "--id", user.id)

    def login_code(self, app: App, user: User) -> str:
        """A wx.login code, as the container would hand it to the mini program."""
        return self.admin.run("login-code", "--app", app.appid, "--user", user.id)["code"]

    def phone_code(self, app: App, user: User) -> str:
        return self.admin.run("phone-code", "--app", app.appid, "--user", user.id)["code"]


@pytest.fixture
def world(admin) -> World:
    return World(admin)


# --------------------------------------------------------------------------
# wechatpy pointed at OpenMini
# --------------------------------------------------------------------------


@pytest.fixture
def wechat(server):
    """Factory: wechat(app) or wechat(appid, secret) -> OpenMiniWeChatClient."""

    def make(app_or_appid, secret=None, **kwargs) -> OpenMiniWeChatClient:
        if isinstance(app_or_appid, App):
            appid, secret = app_or_appid.appid, app_or_appid.secret
        else:
            appid = app_or_appid
        return OpenMiniWeChatClient(appid, secret, server.base_url, timeout=10, **kwargs)

    return make


# --------------------------------------------------------------------------
# Plain HTTP, for endpoints wechatpy 1.8.18 has no method for
# --------------------------------------------------------------------------


class Http:
    """requests against the server, sending JSON bodies as raw bytes with no
    Content-Type, the way wechatpy does."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path, **params) -> requests.Response:
        return self.session.get(self.base_url + path, params=params, timeout=10)

    def post(self, path, body=None, params=None, headers=None) -> requests.Response:
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self.session.post(self.base_url + path, data=body, params=params,
                                 headers=headers, timeout=30)


@pytest.fixture(scope="session")
def http(server) -> Http:
    return Http(server.base_url)

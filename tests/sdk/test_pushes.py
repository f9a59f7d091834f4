"""Pushes to the developer's server, checked with wechatpy's own helpers: the URL check
answers through `check_signature`, safe-mode bodies decrypt with `WeChatCrypto`, and
the events of a consent dialog, a delivered subscription message and a user's
customer-service line arrive in XML and in JSON. Also the weekly push and its
allowance, and the inbox's live stream."""

import json
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from test_subscribe import _logged_in, _private_template
from test_wechatpy import json_of

TOKEN = "openminiToken42"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class DevServer:
    """A developer's server: verifies every request with wechatpy and queues what it
    received as (query, body). `answer` is what it says to pushes."""

    def __init__(self):
        self.received = queue.Queue()
        self.answer = (200, b"success")
        self.echo = True
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _query(self):
                return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

            def do_GET(self):
                q = self._query()
                try:
                    check_signature(TOKEN, q["signature"], q["timestamp"], q["nonce"])
                except (InvalidSignatureException, KeyError):
                    self.send_response(403)
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write((q["echostr"] if outer.echo else "nope").encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.put((self._query(), body.decode("utf-8"), self.headers.get("Content-Type")))
                status, text = outer.answer
                self.send_response(status)
                self.end_headers()
                self.wfile.write(text)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/wechat"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def next(self, timeout=10.0):
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the developer server got no push") from None

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def dev():
    d = DevServer()
    yield d
    d.close()


def _configure(http, token, dev, fmt, mode):
    return http.post("/wxa/server/set", {"url": dev.url, "token": TOKEN, "encoding_aes_key": AES_KEY,
                                         "format": fmt, "mode": mode}, params={"access_token": token})


def _decrypt(app, query, body, fmt):
    """The plaintext of a safe-mode push, through wechatpy's WeChatCrypto (which also
    checks msg_signature)."""
    assert query["encrypt_type"] == "aes"
    check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
    crypto = WeChatCrypto(TOKEN, AES_KEY, app.appid)
    msg = body if fmt == "xml" else json.loads(body)
    return crypto.decrypt_message(msg, query["msg_signature"], query["timestamp"], query["nonce"])


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_safe_mode_events_decrypt_with_wechatpy(server, world, wechat, http, dev, fmt):
    app, auth, client, openid = _logged_in(server, world, wechat, http)
    token = client.access_token
    json_of(_configure(http, token, dev, fmt, "safe"))
    got = json_of(http.get("/wxa/server/get", access_token=token))
    assert got["mode"] == "safe" and got["format"] == fmt and "token" not in got
    _, _, template_id, data = _private_template(http, token)

    # 1. The user accepts in a consent dialog: subscribe_msg_popup_event.
    tap = json_of(http.post(f"/client/v1/apps/{app.appid}/tap", headers=auth))["tap"]
    json_of(http.post(f"/client/v1/apps/{app.appid}/subscribe",
                      {"tmplIds": [template_id], "tap": tap, "accepted": [template_id]}, headers=auth))
    query, body, ctype = dev.next()
    assert query["openid"] == openid
    assert ("xml" in ctype) == (fmt == "xml")
    plain = _decrypt(app, query, body, fmt)
    if fmt == "xml":
        event = xmltodict.parse(plain)["xml"]
        item = event["SubscribeMsgPopupEvent"]["List"]
    else:
        event = json.loads(plain)
        item = event["List"]  # one item: an object, not an array
        assert isinstance(event["CreateTime"], str) and isinstance(item["PopupScene"], str)
    assert event["Event"] == "subscribe_msg_popup_event"
    assert event["FromUserName"] == openid
    assert item["TemplateId"] == template_id and item["SubscribeStatusString"] == "accept"

    # 2. wechatpy sends it: subscribe_msg_sent_event with the same msgid.
    sent = client.wxa.send_subscribe_message(openid, template_id, data, page="pages/index/index")
    query, body, _ = dev.next()
    plain = _decrypt(app, query, body, fmt)
    if fmt == "xml":
        item = xmltodict.parse(plain)["xml"]["SubscribeMsgSentEvent"]["List"]
    else:
        item = json.loads(plain)["List"]
    assert str(item["MsgID"]) == str(sent["msgid"])
    assert str(item["ErrorCode"]) == "0"

    # 3. The user writes from the inbox: a text message.
    json_of(http.post(f"/client/v1/apps/{app.appid}/cs/messages", {"content": "发票怎么开？"}, headers=auth))
    query, body, _ = dev.next()
    plain = _decrypt(app, query, body, fmt)
    msg = xmltodict.parse(plain)["xml"] if fmt == "xml" else json.loads(plain)
    assert msg["MsgType"] == "text" and msg["Content"] == "发票怎么开？"
    # …which opened the window: the developer replies through wechatpy.
    client.message.send_text(openid, "您好，请在订单页申请。")

    # A forged signature does not pass wechatpy's check.
    with pytest.raises(InvalidSignatureException):
        WeChatCrypto(TOKEN, AES_KEY, app.appid).decrypt_message(
            body if fmt == "xml" else json.loads(body), "0" * 40, query["timestamp"], query["nonce"])

    # The worker records an attempt after the developer's answer arrives: poll briefly.
    wanted = {"subscribe_msg_popup_event", "subscribe_msg_sent_event", "text"}
    deadline = time.monotonic() + 10
    while True:
        log = json_of(http.get("/wxa/server/deliveries", access_token=token))["list"]
        kinds = {d["kind"] for d in log if d["state"] == "delivered"}
        if wanted <= kinds:
            break
        assert time.monotonic() < deadline, log
        time.sleep(0.05)


def test_url_check_must_echo(server, world, wechat, http, dev):
    app, _, client, _ = _logged_in(server, world, wechat, http)
    dev.echo = False
    r = _configure(http, client.access_token, dev, "xml", "safe").json()
    assert r["errcode"] == 40097 and "echostr" in r["errmsg"]
    assert json_of(http.get("/wxa/server/get", access_token=client.access_token))["url"] is None
    bad_key = http.post("/wxa/server/set", {"url": dev.url, "token": TOKEN, "encoding_aes_key": "short",
                                            "mode": "safe"}, params={"access_token": client.access_token}).json()
    assert bad_key["errcode"] == 40097


def test_a_failing_developer_server_never_blocks_sends(server, world, wechat, http, dev):
    app, auth, client, openid = _logged_in(server, world, wechat, http)
    token = client.access_token
    json_of(http.post("/wxa/server/set", {"url": dev.url, "token": TOKEN, "format": "json", "mode": "plain"},
                      params={"access_token": token}))
    dev.answer = (500, b"<html>oops</html>")
    json_of(http.post(f"/client/v1/apps/{app.appid}/cs/messages", {"content": "hi"}, headers=auth))
    query, body, _ = dev.next()
    check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
    assert json.loads(body)["Content"] == "hi"  # plain mode: JSON in the clear
    # The send goes through regardless; the failure waits in the log for its retry.
    client.message.send_text(openid, "reply")
    deadline = time.monotonic() + 10
    while True:
        log = json_of(http.get("/wxa/server/deliveries", access_token=token))["list"]
        if log and log[0]["attempts"] >= 1 and log[0]["last_status"] == 500:
            break
        assert time.monotonic() < deadline, log
        time.sleep(0.1)
    assert log[0]["state"] == "pending" and "HTTP 500" in log[0]["last_error"]
    assert log[0]["next_time"] > log[0]["create_time"]


def test_weekly_push_allowance_and_live_inbox(server, world, wechat, http):
    app, auth, client, openid = _logged_in(server, world, wechat, http)
    token = client.access_token
    push = {"touser": openid, "title": "本周精选", "content": "新品上架，点击查看", "page": "pages/index/index?from=push"}
    r = http.post("/wxa/push/send", push, params={"access_token": token}).json()
    assert r["errcode"] == 43101, "not in My mini programs yet"
    json_of(http.post(f"/client/v1/my-apps/{app.appid}", headers=auth))

    events = queue.Queue()

    # Stream from the newest message now, so nothing sent after this line is missed
    # however long the stream takes to open.
    newest = requests.get(server.base_url + "/client/v1/inbox", headers=auth, timeout=10).json()["messages"]
    after = newest[0]["id"] if newest else 0

    def listen():
        with requests.get(server.base_url + f"/client/v1/inbox/stream?after={after}", headers=auth, stream=True, timeout=15) as s:
            for line in s.iter_lines():  # SSE is UTF-8 by definition
                if line and line.startswith(b"data:"):
                    events.put(json.loads(line[5:].decode("utf-8")))
                    return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    sent = json_of(http.post("/wxa/push/send", push, params={"access_token": token}))
    live = events.get(timeout=10)
    assert live["folder"] == "push" and live["title"] == "本周精选" and live["appid"] == app.appid

    again = http.post("/wxa/push/send", push, params={"access_token": token}).json()
    assert again["errcode"] == 45110, "one push per user per week by default"
    allowance = json_of(http.get("/wxa/push/getallowance", access_token=token))
    assert allowance["allowance"] == 1 and "reason" in allowance and allowance["policy"]["baseline"] == 1

    # The user opens it: the page and scene 1104; then stops receiving.
    opened = json_of(http.post(f"/client/v1/inbox/{live['id']}/open", headers=auth))
    assert (opened["appid"], opened["path"], opened["query"], opened["scene"]) == (app.appid, "pages/index/index", "from=push", 1104)
    json_of(http.post(f"/client/v1/inbox/{live['id']}/stop", headers=auth))
    subs = json_of(http.session.get(f"{server.base_url}/client/v1/apps/{app.appid}/subscriptions", headers=auth, timeout=10))
    assert subs["push"] == {"added": True, "enabled": False}
    assert sent["msgid"] > 0

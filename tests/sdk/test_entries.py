"""Web pages and service accounts through wechatpy (docs/traffic.md): a website's
server gets its jsapi_ticket and signs a page with wechatpy's own
`client.jsapi.get_jsapi_ticket()` and `get_jsapi_signature()`, and the platform's
`wx.config` check (`POST /client/v1/jssdk/verify`, what the JS-SDK sends) accepts
exactly that signature; a service account sets its menu with a `miniprogram` button
through `client.menu.create` and reads it back with `client.menu.get`."""

import json
import time

import pytest
from wechatpy.exceptions import WeChatClientException
from wechatpy.utils import random_string

APP_JSON = {"pages": ["pages/index/index", "pages/item/item"]}


def _deploy(world, admin, tmp_path, subject):
    app = world.app(subject=subject, name="SDK 咖啡")
    root = tmp_path / "coffee"
    for page in ("index", "item"):
        (root / "pages" / page).mkdir(parents=True)
        (root / "pages" / page / f"{page}.js").write_text("Page({});\n", encoding="utf-8")
        (root / "pages" / page / f"{page}.wxml").write_text(f"<view>{page}</view>\n", encoding="utf-8")
    (root / "app.json").write_text(json.dumps(APP_JSON), encoding="utf-8")
    (root / "app.js").write_text("App({});\n", encoding="utf-8")
    admin.run("app", "deploy", "--app", app.appid, str(root))
    return app


def _verify(http, appid, url, timestamp, noncestr, signature, origin):
    return http.post("/client/v1/jssdk/verify",
                     {"appId": appid, "url": url, "timestamp": timestamp, "nonceStr": noncestr,
                      "signature": signature, "openTagList": ["wx-open-launch-weapp"]},
                     headers={"Origin": origin})


def test_jsapi_ticket_and_signature_round_trip(world, wechat, http):
    site = world.app(kind="website")
    client = wechat(site)
    ticket = client.jsapi.get_jsapi_ticket()
    assert ticket and ticket == client.jsapi.get_ticket("jsapi")["ticket"], "one ticket per period"
    assert client.jsapi.get_ticket("jsapi")["expires_in"] == 7200

    url = "https://shop.example.com/menu?table=12"
    noncestr = random_string(16)
    timestamp = int(time.time())
    signature = client.jsapi.get_jsapi_signature(noncestr, ticket, timestamp, url)
    r = _verify(http, site.appid, url, timestamp, noncestr, signature, "https://shop.example.com")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["errMsg"] == "config:ok"
    assert body["openTagList"] == ["wx-open-launch-weapp"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"

    # A forged signature, a changed URL, a stale timestamp, another page's origin.
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    stale = int(time.time()) - 11 * 60
    stale_sig = client.jsapi.get_jsapi_signature(noncestr, ticket, stale, url)
    for args in [
        (url, timestamp, noncestr, forged, "https://shop.example.com"),
        (url + "&x=1", timestamp, noncestr, signature, "https://shop.example.com"),
        (url, stale, noncestr, stale_sig, "https://shop.example.com"),
        (url, timestamp, noncestr, signature, "https://evil.example.com"),
    ]:
        r = _verify(http, site.appid, *args)
        assert r.status_code == 400, (args, r.text)
        assert r.json()["errcode"] == 87009, r.text


def test_mini_programs_have_no_jsapi_ticket(world, wechat):
    client = wechat(world.app(kind="miniprogram"))
    with pytest.raises(WeChatClientException) as e:
        client.jsapi.get_jsapi_ticket()
    assert e.value.errcode == 48001


def test_menu_with_a_miniprogram_button(world, wechat, admin, tmp_path):
    subject = world.subject()
    mp = _deploy(world, admin, tmp_path, subject)
    service = world.app(subject=subject, kind="service")
    client = wechat(service)
    assert client.menu.get() is None, "46003: no menu yet"
    menu = {"button": [
        {"type": "miniprogram", "name": "点单", "url": "https://coffee.example.com",
         "appid": mp.appid, "pagepath": "pages/item/item?id=1"},
        {"name": "更多", "sub_button": [
            {"type": "view", "name": "官网", "url": "https://coffee.example.com"},
            {"type": "click", "name": "签到", "key": "SIGN_IN"},
        ]},
    ]}
    assert client.menu.create(menu)["errcode"] == 0
    got = client.menu.get()["menu"]["button"]
    assert got[0] == {"type": "miniprogram", "name": "点单", "url": "https://coffee.example.com",
                      "appid": mp.appid, "pagepath": "pages/item/item?id=1", "sub_button": []}
    assert [b["name"] for b in got[1]["sub_button"]] == ["官网", "签到"]

    # A mini program of another subject, or a page the mini program does not have.
    foreign = world.app()
    bad = {"button": [dict(menu["button"][0], appid=foreign.appid)]}
    with pytest.raises(WeChatClientException) as e:
        client.menu.create(bad)
    assert e.value.errcode == 40166
    bad = {"button": [dict(menu["button"][0], pagepath="pages/none/none")]}
    with pytest.raises(WeChatClientException) as e:
        client.menu.create(bad)
    assert e.value.errcode == 40165
    assert client.menu.get()["menu"]["button"] == got, "a refused menu changes nothing"

    client.menu.delete()
    assert client.menu.get() is None

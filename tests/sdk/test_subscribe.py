"""Subscription messages through wechatpy: the developer's server picks a template from
the public library, the user accepts it in a consent dialog after a tap (client API),
and wechatpy's own `wxa.send_subscribe_message` sends exactly one message per one-time
grant, which lands in the user's inbox."""

import pytest
import requests
from wechatpy.exceptions import WeChatClientException

from test_wechatpy import json_of


def _sign_in(server, http, user):
    offset = server.log_size()
    json_of(http.post("/client/v1/signin/start", {"phone": user.phone}))
    code = server.wait_for_signin_code(user.phone, since=offset)
    token = json_of(http.post("/client/v1/signin/verify", {"phone": user.phone, "code": code}))["token"]
    return {"Authorization": "Bearer " + token}


def _one_time_template(http, access_token):
    categories = json_of(http.get("/wxaapi/newtmpl/getcategory", access_token=access_token))["data"]
    for category in categories:
        titles = json_of(http.get("/wxaapi/newtmpl/getpubtemplatetitles", access_token=access_token,
                                  ids=str(category["id"]), start=0, limit=30))
        for t in titles["data"]:
            if t["type"] == 2:
                return t
    raise AssertionError("no one-time template in the library")


def _logged_in(server, world, wechat, http):
    """A fresh mini program and user: signed in to the host, logged in to the app.
    Returns (app, auth headers, wechatpy client, openid)."""
    app = world.app()
    user = world.user()
    auth = _sign_in(server, http, user)
    client = wechat(app)
    code = json_of(http.post(f"/client/v1/apps/{app.appid}/login", headers=auth))["code"]
    openid = client.wxa.code_to_session(code)["openid"]
    return app, auth, client, openid


def _private_template(http, token):
    """The developer picks a public one-time template and two of its keywords.
    Returns (public title entry, keywords, priTmplId, valid data)."""
    title = _one_time_template(http, token)
    keywords = json_of(http.get("/wxaapi/newtmpl/getpubtemplatekeywords", access_token=token,
                                tid=title["tid"]))["data"][:2]
    added = json_of(http.post("/wxaapi/newtmpl/addtemplate",
                              {"tid": str(title["tid"]), "kidList": [k["kid"] for k in keywords],
                               "sceneDesc": "测试"}, params={"access_token": token}))
    data = {k["rule"] + str(k["kid"]): {"value": k["example"]} for k in keywords}
    return title, keywords, added["priTmplId"], data


def test_subscription_message_round_trip(server, world, wechat, http):
    app, auth, client, openid = _logged_in(server, world, wechat, http)
    title, keywords, template_id, data = _private_template(http, client.access_token)

    # Without consent the send is refused.
    with pytest.raises(WeChatClientException) as refused:
        client.wxa.send_subscribe_message(openid, template_id, data, page="pages/index/index")
    assert refused.value.errcode == 43101

    # What the host's consent dialog shows: the template's title and keywords, this
    # app's templates only.
    shown = requests.get(server.base_url + f"/client/v1/apps/{app.appid}/templates",
                         params={"ids": template_id + ",nope"}, headers=auth, timeout=10).json()
    assert shown == {"templates": [{"priTmplId": template_id, "title": title["title"], "type": 2,
                                    "keywords": [k["name"] for k in keywords]}]}
    other = world.app()
    assert requests.get(server.base_url + f"/client/v1/apps/{other.appid}/templates",
                        params={"ids": template_id}, headers=auth, timeout=10).json() == {"templates": []}

    # The user taps, the dialog opens, the user accepts.
    tap = json_of(http.post(f"/client/v1/apps/{app.appid}/tap", headers=auth))["tap"]
    answer = json_of(http.post(f"/client/v1/apps/{app.appid}/subscribe",
                               {"tmplIds": [template_id], "tap": tap, "accepted": [template_id]},
                               headers=auth))
    assert answer["errMsg"] == "requestSubscribeMessage:ok"
    assert answer[template_id] == "accept"
    # The same tap does not open a second dialog.
    again = http.post(f"/client/v1/apps/{app.appid}/subscribe",
                      {"tmplIds": [template_id], "tap": tap, "accepted": [template_id]}, headers=auth)
    assert again.status_code == 400

    # One grant, one message.
    sent = client.wxa.send_subscribe_message(openid, template_id, data, page="pages/index/index")
    assert sent["errcode"] == 0 and sent["msgid"] > 0
    with pytest.raises(WeChatClientException) as twice:
        client.wxa.send_subscribe_message(openid, template_id, data)
    assert twice.value.errcode == 43101

    # A bad value names its field.
    field = next(iter(data))
    tap = json_of(http.post(f"/client/v1/apps/{app.appid}/tap", headers=auth))["tap"]
    json_of(http.post(f"/client/v1/apps/{app.appid}/subscribe",
                      {"tmplIds": [template_id], "tap": tap, "accepted": [template_id]}, headers=auth))
    bad = dict(data)
    bad[field] = {"value": "x" * 200}
    with pytest.raises(WeChatClientException) as invalid:
        client.wxa.send_subscribe_message(openid, template_id, bad)
    assert invalid.value.errcode == 47003
    assert f"data.{field}.value" in invalid.value.errmsg

    # The message is in the user's inbox, with its page.
    inbox = requests.get(server.base_url + "/client/v1/inbox", headers=auth, timeout=10).json()["messages"]
    assert len(inbox) == 1
    assert inbox[0]["title"] == title["title"]
    assert inbox[0]["page"] == "pages/index/index"
    assert [line["value"] for line in inbox[0]["body"]["lines"]] == [k["example"] for k in keywords]


def test_customer_service_window_through_wechatpy(server, world, wechat, http):
    app, auth, client, openid = _logged_in(server, world, wechat, http)

    # Before the user acts, the app cannot write.
    with pytest.raises(WeChatClientException) as early:
        client.message.send_text(openid, "您好")
    assert early.value.errcode == 45015

    # Entering the service session allows 2 messages within a minute.
    json_of(http.post(f"/client/v1/apps/{app.appid}/cs/enter", headers=auth))
    client.message.send_text(openid, "您好，有什么可以帮您？")
    client.message.send_link(openid, {"title": "订单详情", "description": "点击查看", "url": "https://example.com/o/1"})
    with pytest.raises(WeChatClientException) as third:
        client.message.send_text(openid, "还在吗？")
    assert third.value.errcode == 45047

    # The user writes: 5 more, and typing is allowed right after.
    json_of(http.post(f"/client/v1/apps/{app.appid}/cs/messages", {"content": "在吗？"}, headers=auth))
    client.message.send_text(openid, "收到")
    inbox = requests.get(server.base_url + "/client/v1/inbox", headers=auth, timeout=10).json()["messages"]
    # The conversation: the app's 2 replies, the user's line, the app's answer.
    assert [m["folder"] for m in inbox] == ["customer_service"] * 4
    assert [m["fromUser"] for m in inbox] == [False, True, False, False]
    assert inbox[0]["body"] == {"content": "收到"}
    assert inbox[1]["body"] == {"content": "在吗？"} and inbox[1]["read"]


def test_legacy_template_message_with_a_form_id(server, world, wechat, http):
    app, auth, client, openid = _logged_in(server, world, wechat, http)
    _, _, template_id, data = _private_template(http, client.access_token)

    form_id = json_of(http.post(f"/client/v1/apps/{app.appid}/forms", headers=auth))["formId"]
    sent = client.wxa.send_template_message(openid, template_id, data, form_id, page="pages/index/index")
    assert sent["errcode"] == 0
    with pytest.raises(WeChatClientException) as used:
        client.wxa.send_template_message(openid, template_id, data, form_id)
    assert used.value.errcode == 41029
    with pytest.raises(WeChatClientException) as invalid:
        client.wxa.send_template_message(openid, template_id, data, "not-a-form-id")
    assert invalid.value.errcode == 41028

    prepay_id = json_of(http.post(f"/client/v1/apps/{app.appid}/payments", headers=auth))["prepay_id"]
    for _ in range(3):
        client.wxa.send_template_message(openid, template_id, data, prepay_id)
    with pytest.raises(WeChatClientException) as fourth:
        client.wxa.send_template_message(openid, template_id, data, prepay_id)
    assert fourth.value.errcode == 41029

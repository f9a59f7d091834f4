"""The real wechatpy SDK (1.8.18) against OpenMini.

Each test reads like a developer's own code: wechatpy's methods wherever
wechatpy 1.8.18 has one (`fetch_access_token`, `wxa.code_to_session`,
`wxa.create_open` / `get_open` / `bind_open` / `unbind_open`,
`WeChatWxaCrypto`), and plain HTTP for the endpoints it lacks
(`/cgi-bin/stable_token`, `/wxa/checksession`,
`/wxa/business/getuserphonenumber`, `/cgi-bin/open/have`) and for the client
API that the container uses.

Fixtures (conftest.py): `world` creates subjects, apps and users with the admin
CLI; `wechat(app)` gives a wechatpy client pointed at the server; `http` sends
raw requests; `server` is the running `openmini serve`.
"""

import base64
import hashlib
import hmac
import time

import pytest
from wechatpy.crypto import WeChatWxaCrypto
from wechatpy.exceptions import InvalidAppIdException, WeChatClientException


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def json_of(response):
    """A business answer: HTTP 200, Content-Type application/json, a JSON object."""
    assert response.status_code == 200, (response.status_code, response.text)
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == "application/json", content_type
    return response.json()


def wechat_error(call):
    """Run a wechatpy call that must fail; return its WeChatClientException."""
    with pytest.raises(WeChatClientException) as raised:
        call()
    return raised.value


def have_open(http, access_token):
    return json_of(http.get("/cgi-bin/open/have", access_token=access_token))


def stable_token(http, app, **extra):
    body = {"grant_type": "client_credential", "appid": app.appid, "secret": app.secret}
    body.update(extra)
    return json_of(http.post("/cgi-bin/stable_token", body))


def login(world, client, app, user):
    """wx.login in the container, then code2Session on the developer's server."""
    return client.wxa.code_to_session(world.login_code(app, user))


# --------------------------------------------------------------------------
# 1. Access tokens
# --------------------------------------------------------------------------


def test_fetch_access_token(world, wechat):
    app = world.app()
    client = wechat(app)

    result = client.fetch_access_token()

    assert result["access_token"]
    assert result["expires_in"] == 7200
    # wechatpy stores it and uses it for later calls.
    assert client.access_token == result["access_token"]


def test_wrong_secret_is_40001(world, wechat):
    app = world.app()
    client = wechat(app.appid, "0123456789abcdef0123456789abcdef")  # well-formed, wrong

    error = wechat_error(client.fetch_access_token)

    assert error.errcode == 40001


def test_unknown_appid_is_40013(wechat):
    client = wechat("wx0000000000000000", "0123456789abcdef0123456789abcdef")

    error = wechat_error(client.fetch_access_token)

    assert error.errcode == 40013
    assert "invalid appid" in error.errmsg


@pytest.mark.parametrize(
    "params, errcode",
    [
        ({"grant_type": "password"}, 40002),
        ({"appid": None}, 41002),
        ({"secret": None}, 41004),
        ({"secret": "not-32-hex-characters"}, 40125),
    ],
    ids=["bad grant_type", "missing appid", "missing secret", "malformed secret"],
)
def test_token_request_errors(world, http, params, errcode):
    app = world.app()
    query = {"grant_type": "client_credential", "appid": app.appid, "secret": app.secret}
    query.update(params)
    query = {k: v for k, v in query.items() if v is not None}

    body = json_of(http.get("/cgi-bin/token", **query))

    assert body["errcode"] == errcode
    assert "access_token" not in body


def test_previous_token_still_works_after_a_new_fetch(world, wechat, http):
    app = world.app()
    client = wechat(app)

    first = client.fetch_access_token()["access_token"]
    second = client.fetch_access_token()["access_token"]

    assert first != second
    # The previous token keeps working for a 5-minute overlap.
    for token in (first, second):
        body = have_open(http, token)
        assert body["errcode"] == 0
        assert body["have_open"] is False


# --------------------------------------------------------------------------
# 1b. Stable access tokens (no wechatpy method in 1.8.18)
# --------------------------------------------------------------------------


def test_stable_token_normal_mode_returns_the_same_token(world, wechat, http):
    app = world.app()

    first = stable_token(http, app)
    second = stable_token(http, app)

    assert first["access_token"] == second["access_token"]
    assert 0 < second["expires_in"] <= 7200
    # It is independent of /cgi-bin/token: a new ordinary token changes nothing.
    wechat(app).fetch_access_token()
    assert stable_token(http, app)["access_token"] == first["access_token"]
    assert have_open(http, first["access_token"])["errcode"] == 0


def test_stable_token_force_refresh(world, http):
    app = world.app()
    old = stable_token(http, app)["access_token"]

    new = stable_token(http, app, force_refresh=True)["access_token"]

    assert new != old
    assert have_open(http, new)["errcode"] == 0
    # force_refresh invalidates the old token at once.
    assert have_open(http, old)["errcode"] == 40001
    # At most one force_refresh every 30 seconds.
    assert stable_token(http, app, force_refresh=True)["errcode"] == 45011


# --------------------------------------------------------------------------
# 2. Login: code2Session
# --------------------------------------------------------------------------


def test_code_to_session(world, wechat):
    app = world.app()
    user = world.user()
    client = wechat(app)

    session = login(world, client, app, user)

    assert session["openid"]
    assert len(base64.b64decode(session["session_key"], validate=True)) == 16
    # The openid is stable for one (app, user).
    assert login(world, client, app, user)["openid"] == session["openid"]


def test_replayed_code_is_40163(world, wechat):
    app = world.app()
    user = world.user()
    client = wechat(app)
    code = world.login_code(app, user)
    client.wxa.code_to_session(code)

    error = wechat_error(lambda: client.wxa.code_to_session(code))

    assert error.errcode == 40163
    assert "code been used" in error.errmsg


def test_garbage_code_is_40029(world, wechat):
    client = wechat(world.app())

    error = wechat_error(lambda: client.wxa.code_to_session("not-a-real-code"))

    assert error.errcode == 40029
    assert "invalid code" in error.errmsg


def test_blocked_user_is_40226(world, wechat):
    app = world.app()
    user = world.user()
    code = world.login_code(app, user)  # minted before the block
    world.block(user)

    error = wechat_error(lambda: wechat(app).wxa.code_to_session(code))

    assert error.errcode == 40226


# --------------------------------------------------------------------------
# 2b. UnionID
# --------------------------------------------------------------------------


def test_unionid_is_shared_by_apps_of_one_open_account(world, wechat):
    subject = world.subject()
    open_appid = world.open_account(subject)
    coffee = world.app(subject, open_appid=open_appid)
    books = world.app(subject, open_appid=open_appid)
    user = world.user()

    at_coffee = login(world, wechat(coffee), coffee, user)
    at_books = login(world, wechat(books), books, user)

    assert at_coffee["unionid"]
    assert at_coffee["unionid"] == at_books["unionid"]
    assert at_coffee["openid"] != at_books["openid"]


def test_unionid_differs_between_open_accounts(world, wechat):
    ours = world.subject()
    ours_app = world.app(ours, open_appid=world.open_account(ours))
    theirs = world.subject()
    theirs_app = world.app(theirs, open_appid=world.open_account(theirs))
    user = world.user()

    at_ours = login(world, wechat(ours_app), ours_app, user)
    at_theirs = login(world, wechat(theirs_app), theirs_app, user)

    assert at_ours["unionid"] != at_theirs["unionid"]
    assert at_ours["openid"] != at_theirs["openid"]


def test_unbound_app_gets_no_unionid(world, wechat):
    subject = world.subject()
    world.app(subject, open_appid=world.open_account(subject))  # a bound sibling
    unbound = world.app(subject)
    user = world.user()

    session = login(world, wechat(unbound), unbound, user)

    assert session["openid"]
    assert "unionid" not in session


# --------------------------------------------------------------------------
# 2c. checkSession (no wechatpy method in 1.8.18)
# --------------------------------------------------------------------------


def session_signature(session_key: str) -> str:
    """hex(hmac_sha256(key=session_key, msg="")), as the docs define it."""
    return hmac.new(session_key.encode("utf-8"), b"", hashlib.sha256).hexdigest()


def test_checksession(world, wechat, http):
    app = world.app()
    client = wechat(app)
    session = login(world, client, app, world.user())

    def check(signature):
        return json_of(http.get(
            "/wxa/checksession",
            access_token=client.access_token,
            openid=session["openid"],
            signature=signature,
            sig_method="hmac_sha256",
        ))

    assert check(session_signature(session["session_key"]))["errcode"] == 0
    wrong = check(session_signature("bm90IHRoZSBzZXNzaW9uIGtleQ=="))
    assert wrong["errcode"] == 87009


# --------------------------------------------------------------------------
# 2d. Phone number (no wechatpy method in 1.8.18)
# --------------------------------------------------------------------------


def get_phone_number(http, client, code):
    return json_of(http.post(
        "/wxa/business/getuserphonenumber",
        {"code": code},
        params={"access_token": client.access_token},
    ))


def test_phone_number(world, wechat, http):
    app = world.app()
    user = world.user()
    client = wechat(app)
    code = world.phone_code(app, user)

    body = get_phone_number(http, client, code)

    assert body["errcode"] == 0
    info = body["phone_info"]
    assert info["phoneNumber"] == user.phone
    assert info["purePhoneNumber"] == user.phone
    assert info["countryCode"] == 86 and isinstance(info["countryCode"], int)
    assert info["watermark"]["appid"] == app.appid
    assert abs(info["watermark"]["timestamp"] - time.time()) < 300

    # The code is single-use. The server answers 40163 "code been used".
    replay = get_phone_number(http, client, code)
    assert replay["errcode"] == 40163
    assert "phone_info" not in replay


def test_phone_number_garbage_code_is_40029(world, wechat, http):
    client = wechat(world.app())

    assert get_phone_number(http, client, "not-a-real-code")["errcode"] == 40029


# --------------------------------------------------------------------------
# 2e. The whole flow through the client API, as a mini program runs it
# --------------------------------------------------------------------------


def test_client_signin_login_and_encrypted_user_profile(server, world, wechat, http):
    app = world.app()
    other_app = world.app()
    user = world.user(name="Alice")

    # The user signs in to the host app: the SMS code lands in the server log.
    log_offset = server.log_size()
    started = json_of(http.post("/client/v1/signin/start", {"phone": user.phone}))
    assert started["ok"] is True
    sms_code = server.wait_for_signin_code(user.phone, since=log_offset)
    signed_in = json_of(http.post("/client/v1/signin/verify",
                                  {"phone": user.phone, "code": sms_code}))
    assert signed_in["user"]["id"] == user.id
    auth = {"Authorization": "Bearer " + signed_in["token"]}

    # wx.login in the mini program, code2Session on the developer's server.
    code = json_of(http.post(f"/client/v1/apps/{app.appid}/login", headers=auth))["code"]
    session = wechat(app).wxa.code_to_session(code)

    # wx.getUserProfile, then the developer's server checks and decrypts it.
    profile = json_of(http.post(f"/client/v1/apps/{app.appid}/user-profile", headers=auth))
    expected_signature = hashlib.sha1(
        (profile["rawData"] + session["session_key"]).encode("utf-8")
    ).hexdigest()
    assert profile["signature"] == expected_signature

    crypto = WeChatWxaCrypto(session["session_key"], profile["iv"], app.appid)
    data = crypto.decrypt_message(profile["encryptedData"])

    assert data["watermark"]["appid"] == app.appid
    assert data["openId"] == session["openid"]
    assert data["nickName"] == profile["userInfo"]["nickName"]

    # Data meant for one app is rejected by a developer of another app.
    with pytest.raises(InvalidAppIdException):
        WeChatWxaCrypto(session["session_key"], profile["iv"], other_app.appid) \
            .decrypt_message(profile["encryptedData"])

    # The phone-number button, through the client API.
    phone_code = json_of(http.post(f"/client/v1/apps/{app.appid}/phone-code",
                                   headers=auth))["code"]
    phone = get_phone_number(http, wechat(app), phone_code)
    assert phone["phone_info"]["purePhoneNumber"] == user.phone


# --------------------------------------------------------------------------
# 7. Open-platform accounts through wechatpy
# --------------------------------------------------------------------------


def test_open_platform_account_lifecycle(world, wechat, http):
    subject = world.subject()
    mini_program = world.app(subject)
    service = world.app(subject, kind="service")
    stranger = world.app(world.subject())  # another subject
    mp = wechat(mini_program)

    assert have_open(http, mp.access_token)["have_open"] is False

    # Create an open-platform account for the mini program's subject.
    open_appid = mp.wxa.create_open(mini_program.appid)
    assert open_appid.startswith("wx")
    assert mp.wxa.get_open(mini_program.appid) == open_appid
    assert have_open(http, mp.access_token)["have_open"] is True

    # It is bound already.
    assert wechat_error(lambda: mp.wxa.create_open(mini_program.appid)).errcode == 89000

    # An app of the same subject can join it...
    svc = wechat(service)
    svc.wxa.bind_open(service.appid, open_appid)
    assert svc.wxa.get_open(service.appid) == open_appid

    # ...an app of another subject cannot.
    other = wechat(stranger)
    error = wechat_error(lambda: other.wxa.bind_open(stranger.appid, open_appid))
    assert error.errcode == 89001

    # After unbinding, the app has no open-platform account.
    mp.wxa.unbind_open(mini_program.appid, open_appid)
    assert wechat_error(lambda: mp.wxa.get_open(mini_program.appid)).errcode == 89002
    assert have_open(http, mp.access_token)["have_open"] is False


def test_binding_through_the_api_turns_on_unionid(world, wechat):
    app = world.app()
    user = world.user()
    client = wechat(app)
    assert "unionid" not in login(world, client, app, user)

    client.wxa.create_open(app.appid)

    assert login(world, client, app, user)["unionid"]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_malformed_json_is_47001(http):
    response = http.post("/cgi-bin/stable_token", b'{"grant_type": "client_credential",')

    body = json_of(response)  # HTTP 200 and application/json

    assert body["errcode"] == 47001


@pytest.mark.parametrize("json_body", [False, True], ids=["garbage", "padded JSON"])
def test_two_megabyte_body_gets_a_json_error(world, http, json_body):
    app = world.app()
    padding = "x" * (2 * 1024 * 1024)
    if json_body:
        request_body = {"grant_type": "client_credential", "appid": app.appid,
                        "secret": app.secret, "padding": padding}
    else:
        request_body = padding.encode()

    response = http.post("/cgi-bin/stable_token", request_body)

    assert response.status_code < 500
    answer = json_of(response)
    assert answer["errcode"] not in (0, None)
    assert "access_token" not in answer


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded"],
    ids=["no Content-Type", "text/plain", "form-urlencoded"],
)
def test_post_body_is_json_whatever_the_content_type(world, http, content_type):
    app = world.app()
    headers = {"Content-Type": content_type} if content_type else None

    response = http.post(
        "/cgi-bin/stable_token",
        {"grant_type": "client_credential", "appid": app.appid, "secret": app.secret},
        headers=headers,
    )

    assert response.request.headers.get("Content-Type") == content_type
    assert json_of(response)["access_token"]

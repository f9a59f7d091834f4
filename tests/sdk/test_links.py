"""Links and codes through wechatpy (docs/traffic.md): the developer's server makes
every kind of link (wechatpy 1.8.18 has no methods for them: `client.post` with the
full URL, as the SDK itself would send it) and every kind of code
(`client.wxa.create_qrcode`, `get_wxa_code`, `get_wxa_code_unlimited`); every image is
decoded (zxing-cpp, not the platform's own decoder) and every link and code is followed
through the host's `links/resolve` to the page it must open, with its scene."""

import io
import json
from urllib.parse import quote, urlparse

import pytest
import requests
import zxingcpp
from PIL import Image
from wechatpy.exceptions import WeChatClientException

from test_subscribe import _sign_in
from test_wechatpy import json_of

APP_JSON = {
    "pages": ["pages/index/index", "pages/item/item"],
    "window": {"navigationBarTitleText": "SDK 小店"},
}


@pytest.fixture
def shop(world, admin, tmp_path):
    """A mini program with two pages, deployed with `openmini app deploy`."""
    app = world.app(name="SDK 小店")
    root = tmp_path / "shop"
    (root / "pages" / "index").mkdir(parents=True)
    (root / "pages" / "item").mkdir(parents=True)
    (root / "app.json").write_text(json.dumps(APP_JSON), encoding="utf-8")
    (root / "app.js").write_text("App({});\n", encoding="utf-8")
    for page in ("index", "item"):
        (root / "pages" / page / f"{page}.js").write_text("Page({});\n", encoding="utf-8")
        (root / "pages" / page / f"{page}.wxml").write_text(f"<view>{page}</view>\n", encoding="utf-8")
    (root / "pages" / "item" / "item.json").write_text(json.dumps({"navigationBarTitleText": "商品"}), encoding="utf-8")
    admin.run("app", "deploy", "--app", app.appid, str(root))
    return app


def _post(client, server, path, body):
    """An open-API call wechatpy has no method for, through wechatpy's own request path
    (access_token added, the body sent as raw JSON bytes)."""
    return client.post(server.base_url + path, data=body)


def _follow(http, auth, link, came_from="text"):
    r = http.session.get(http.base_url + "/client/v1/links/resolve",
                         params={"link": link, "from": came_from}, headers=auth, timeout=10)
    assert r.headers["Content-Type"] == "application/json"
    return r


def _decode(res, width):
    """The text of the QR symbol in an image answer, and the image (RGBA)."""
    assert res.headers["Content-Type"] == "image/jpeg", res.text[:200]
    img = Image.open(io.BytesIO(res.content))
    assert img.format == "PNG"
    assert img.size == (width, width)
    rgba = img.convert("RGBA")
    # Transparent pixels are the light background to a scanner.
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    found = zxingcpp.read_barcodes(flat.convert("L"))
    assert len(found) == 1, found
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text, rgba


def test_every_link_is_made_and_followed_to_its_page(server, world, wechat, http, shop):
    client = wechat(shop)
    auth = _sign_in(server, http, world.user())

    scheme = _post(client, server, "/wxa/generatescheme", {
        "jump_wxa": {"path": "pages/item/item", "query": "id=7&from=sms", "env_version": "release"},
        "is_expire": True, "expire_type": 1, "expire_interval": 30,
    })
    assert scheme["errcode"] == 0 and scheme["openlink"].startswith("weixin://dl/business/?t=")
    url_link = _post(client, server, "/wxa/generate_urllink", {
        "path": "/pages/item/item", "query": "id=8", "expire_type": 1, "expire_interval": 1,
    })["url_link"]
    assert url_link.startswith(server.base_url + "/l/")
    short = _post(client, server, "/wxa/genwxashortlink", {
        "page_url": "pages/item/item?id=9", "page_title": "拿铁", "is_permanent": False,
    })["link"]
    assert short.startswith("#小程序://SDK 小店/拿铁/")
    permanent = _post(client, server, "/wxa/genwxashortlink", {"page_url": "pages/index/index", "is_permanent": True})["link"]
    plain = f"weixin://dl/business/?appid={shop.appid}&path=pages/item/item&query={quote('id=10')}&env_version=release"

    # The developer's server can ask what a link opens and how often it was opened.
    info = _post(client, server, "/wxa/queryscheme", {"scheme": scheme["openlink"], "query_type": 0})
    assert info["scheme_info"]["path"] == "pages/item/item"
    assert info["scheme_info"]["query"] == "id=7&from=sms"
    assert info["scheme_info"]["expire_time"] - info["scheme_info"]["create_time"] == 30 * 86400
    assert info["quota_info"]["remain_visit_quota"] == 3_000_000
    assert _post(client, server, "/wxa/query_urllink", {"url_link": url_link})["url_link_info"]["query"] == "id=8"

    # A person follows each of them: the page, its query and the scene WeChat gives.
    for link, came_from, path, query, scene in [
        (scheme["openlink"], "text", "pages/item/item", {"id": "7", "from": "sms"}, 1065),
        (scheme["openlink"] + "&cq=" + quote("utm=mail"), "text", "pages/item/item", {"id": "7", "from": "sms", "utm": "mail"}, 1065),
        (url_link, "text", "pages/item/item", {"id": "8"}, 1065),
        (short, "text", "pages/item/item", {"id": "9"}, 1065),
        (permanent, "text", "pages/index/index", {}, 1065),
        (plain, "album", "pages/item/item", {"id": "10"}, 1286),
    ]:
        r = _follow(http, auth, link, came_from)
        assert r.status_code == 200, (link, r.text)
        got = r.json()
        assert (got["appid"], got["path"], got["query"], got["scene"]) == (shop.appid, path, query, scene), link
        assert got["name"] == "SDK 小店"

    info = _post(client, server, "/wxa/queryscheme", {"scheme": scheme["openlink"]})
    assert info["visit_count"] == 2 and info["visit_openid"].startswith("o")
    assert info["quota_info"]["remain_visit_quota"] == 3_000_000 - 4  # two scheme opens, the URL link, the plain scheme

    # The URL link in a browser: a landing page with a button into the shell.
    page = requests.get(url_link, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    code = urlparse(url_link).path.split("/")[-1]
    assert f'href="/#/open?link=%2Fl%2F{code}&amp;from=text"' in page.text
    assert "SDK 小店" in page.text and "商品" in page.text
    assert requests.get(server.base_url + "/l/NoSuchLink1234567", timeout=10).status_code == 404


def test_every_code_is_an_image_that_decodes_and_opens_its_page(server, world, wechat, http, shop):
    client = wechat(shop)
    auth = _sign_in(server, http, world.user())

    qr = client.wxa.create_qrcode("pages/item/item?id=1", width=300)
    qr_url, _ = _decode(qr, 300)
    assert qr_url.startswith(server.base_url + "/c/")

    wxa = client.wxa.get_wxa_code("pages/item/item?id=2", width=600, line_color={"r": "200", "g": "0", "b": "0"}, is_hyaline=True)
    wxa_url, img = _decode(wxa, 600)
    assert wxa_url.startswith(server.base_url + "/c/") and wxa_url != qr_url
    assert img.getpixel((0, 0)) == (255, 255, 255, 0), "a transparent background"
    colours = {p for p in img.get_flattened_data() if p[3] == 255}
    assert colours == {(200, 0, 0, 255)}, "only the line colour is opaque"
    # The same code again is the same code (the 100,000 are not spent twice).
    again, _ = _decode(client.wxa.get_wxa_code("pages/item/item?id=2"), 430)
    assert again == wxa_url

    unl = client.wxa.get_wxa_code_unlimited("id=42&from=poster", width=280, page="pages/item/item")
    unl_url, img = _decode(unl, 280)
    assert unl_url.startswith(f"{server.base_url}/c/u/{shop.appid}?p=pages%2Fitem%2Fitem&s=id%3D42%26from%3Dposter&m=")
    assert img.getpixel((0, 0)) == (255, 255, 255, 255)
    home, _ = _decode(client.wxa.get_wxa_code_unlimited("x", width=1280), 1280)

    # Scanned from the album in the host: mini-program codes 1049, QR codes 1013; the
    # unlimited code's scene arrives URL-encoded in query.scene, as WeChat gives it.
    for url, path, query, scene in [
        (qr_url, "pages/item/item", {"id": "1"}, 1013),
        (wxa_url, "pages/item/item", {"id": "2"}, 1049),
        (unl_url, "pages/item/item", {"scene": "id%3D42%26from%3Dposter"}, 1049),
        (home, "", {"scene": "x"}, 1049),
    ]:
        r = _follow(http, auth, url, "album")
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["appid"], got["path"], got["query"], got["scene"]) == (shop.appid, path, query, scene), url
    # A camera that opened the code's page: 1047 / 1011.
    assert _follow(http, auth, qr_url, "camera").json()["scene"] == 1011
    assert _follow(http, auth, wxa_url, "camera").json()["scene"] == 1047
    # A scene string changed by hand no longer matches the platform's signature.
    forged = unl_url.replace("id%3D42", "id%3D43")
    r = _follow(http, auth, forged, "album")
    assert (r.status_code, r.json()["errcode"]) == (404, 85403)
    assert requests.get(forged, timeout=10).status_code == 404


def test_refusals_are_wechat_errors(server, world, wechat, shop):
    client = wechat(shop)
    cases = [
        (lambda: client.wxa.get_wxa_code_unlimited("x" * 33), 40169),
        (lambda: client.wxa.get_wxa_code_unlimited("a b"), 40169),
        (lambda: client.wxa.get_wxa_code_unlimited("ok", page="pages/none"), 41030),
        (lambda: client.wxa.get_wxa_code_unlimited("ok", page="/pages/item/item"), 41030),
        (lambda: client.wxa.get_wxa_code_unlimited("ok", width=100), 40097),
        (lambda: client.wxa.get_wxa_code("pages/none"), 41030),
        (lambda: client.wxa.create_qrcode("", width=430), 41030),
        (lambda: _post(client, server, "/wxa/generatescheme", {"jump_wxa": {"path": "pages/none"}}), 40165),
        (lambda: _post(client, server, "/wxa/generatescheme", {"jump_wxa": {"query": "a=中文"}}), 40212),
        (lambda: _post(client, server, "/wxa/generatescheme", {"expire_type": 1, "expire_interval": 31}), 85401),
        (lambda: _post(client, server, "/wxa/generate_urllink", {"env_version": "trial"}), 85079),
        (lambda: _post(client, server, "/wxa/genwxashortlink", {"page_url": "pages/none"}), 40066),
        (lambda: _post(client, server, "/wxa/queryscheme", {"scheme": "weixin://dl/business/?t=NoSuchScheme1234"}), 85403),
    ]
    for call, errcode in cases:
        with pytest.raises(WeChatClientException) as e:
            call()
        assert e.value.errcode == errcode, (errcode, e.value.errmsg)
    # An app with nothing deployed has no version to open.
    bare = wechat(world.app())
    with pytest.raises(WeChatClientException) as e:
        _post(bare, server, "/wxa/generatescheme", {})
    assert e.value.errcode == 85079

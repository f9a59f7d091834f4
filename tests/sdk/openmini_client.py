"""wechatpy pointed at an OpenMini server, the way the spec ("How the SDKs are pointed
at another host") describes. Used by the compatibility suite (conftest.py) and by the
demo mini program's backend in the browser tests (tests/browser/fixtures/demo_backend.py).
"""

from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI

WECHAT_HOST = "https://api.weixin.qq.com"


class OpenMiniWeChatClient(WeChatClient):
    """wechatpy's WeChatClient talking to OpenMini instead of api.weixin.qq.com.

    - `API_BASE_URL` ("<base>/cgi-bin/") is set on this instance;
    - every API object (`client.wxa`, `client.message`, ...) whose class has an
      `API_BASE_URL` on the WeChat host gets the same path on our host;
    - `fetch_access_token` is overridden, because wechatpy hard-codes its URL.
    """

    def __init__(self, appid, secret, base_url, **kwargs):
        super().__init__(appid, secret, **kwargs)
        self.base_url = base_url.rstrip("/")
        self.API_BASE_URL = self.base_url + "/cgi-bin/"
        for endpoint in vars(self).values():
            if not isinstance(endpoint, BaseWeChatAPI):
                continue
            default = getattr(type(endpoint), "API_BASE_URL", None)
            if isinstance(default, str) and default.startswith(WECHAT_HOST):
                endpoint.API_BASE_URL = self.base_url + default[len(WECHAT_HOST):]

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.base_url + "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
            },
        )

//! Every open-API error code, declared once with its canonical `errmsg` (after
//! meilisearch's error table). Clients and their tests match substrings of `errmsg`, so
//! the texts are the platform's own; a detail may follow after a colon.
//!
//! Business errors travel as HTTP 200 with `{"errcode", "errmsg"}`; the HTTP layer turns
//! an [`ApiError`] into that body in exactly one function.

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $msg:literal; )*) => {
        /// An open-API error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $( $(#[$doc])* $name ),* }

        impl Code {
            /// Every code, in table order (docs and tests enumerate it).
            pub const ALL: &'static [Code] = &[ $( Code::$name ),* ];

            pub fn errcode(self) -> i64 {
                match self { $( Code::$name => $code ),* }
            }

            /// The canonical `errmsg`.
            pub fn errmsg(self) -> &'static str {
                match self { $( Code::$name => $msg ),* }
            }

            pub fn from_errcode(code: i64) -> Option<Code> {
                match code { $( $code => Some(Code::$name), )* _ => None }
            }
        }
    };
}

error_codes! {
    /// Transient failure on our side (storage down, overload); clients retry.
    SystemBusy = -1, "system error";
    Ok = 0, "ok";
    /// Bad, replaced or unknown access_token (also a wrong secret on /cgi-bin/token in old docs).
    InvalidCredential = 40001, "invalid credential, access_token is invalid or not latest";
    InvalidGrantType = 40002, "invalid grant_type";
    InvalidOpenid = 40003, "invalid openid";
    InvalidAppid = 40013, "invalid appid";
    InvalidAccessToken = 40014, "invalid access_token";
    InvalidCode = 40029, "invalid code";
    InvalidArgs = 40097, "invalid args";
    InvalidAppsecret = 40125, "invalid appsecret";
    CodeBeenUsed = 40163, "code been used";
    HighRiskUser = 40226, "high risk user, login blocked";
    AccessTokenMissing = 41001, "access_token missing";
    AppidMissing = 41002, "appid missing";
    AppsecretMissing = 41004, "appsecret missing";
    CodeMissing = 41008, "missing code";
    AccessTokenExpired = 42001, "access_token expired";
    EmptyPostData = 44002, "empty post data";
    DailyQuota = 45009, "reach max api daily quota limit";
    MinuteQuota = 45011, "api minute-quota reach limit  mustslower  retry next minute";
    DataFormat = 47001, "data format error";
    ApiUnauthorized = 48001, "api unauthorized";
    InvalidSignature = 87009, "invalid signature";
    AlreadyBoundOpen = 89000, "account has bound open";
    NotSameSubject = 89001, "not same contractor";
    OpenNotExists = 89002, "open not exists";
    BindLimit = 89004, "bind quota limit";
    InvalidFormId = 41028, "invalid form id";
    FormIdUsed = 41029, "form id used count reach limit";
    InvalidPage = 41030, "invalid page";
    /// Customer service: no window open (the user has not acted, or too long ago).
    ResponseOutOfTime = 45015, "response out of time limit or subscription is canceled";
    /// Customer service: the window's sends are used up.
    OutOfSendQuota = 45047, "out of response count limit";
    /// `custom/typing` without a user action in the last 30 s.
    NoRecentInteraction = 45080, "no interaction in 30 seconds";
    /// `subscribe/send` without a live grant of that user for that template.
    UserRefused = 43101, "user refuse to accept the msg";
    /// A keyword value breaks its rule; the detail names the field.
    ArgumentInvalid = 47003, "argument invalid!";
    InvalidTemplateId = 40037, "invalid template_id";
    TooManyTemplates = 200012, "private template count reach limit";
    InvalidTid = 200014, "invalid tid";
    InvalidStart = 200016, "invalid start";
    InvalidLimit = 200017, "invalid limit";
    MissingCategoryIds = 200018, "missing category ids";
    InvalidCategoryIds = 200019, "invalid category ids";
    InvalidKidList = 200020, "invalid kidList";
    InvalidSceneDesc = 200021, "invalid sceneDesc";
    /// `wx.requestSubscribeMessage` (client API): no such template of this app.
    NoTemplate = 20001, "no template";
    /// One-time and long-term templates in one request.
    MixedTemplateTypes = 20002, "template types mixed";
    /// More than 5 template ids.
    TooManyTemplateIds = 20003, "too many template ids";
    /// The user switched off all of this app's notifications.
    NotificationsOff = 20004, "notifications switched off";
    /// OpenMini's own (weekly push): the user has had this week's allowance of pushes
    /// from this app.
    PushAllowanceUsed = 45110, "weekly push allowance used up";
    /// OpenMini's own: no such campaign of this app.
    InvalidCampaign = 45111, "invalid campaign id";
    /// Not a WeChat code: the request asked for something this platform does not offer.
    ApiNotFound = 48004, "api forbidden or not found";
    /// OpenMini's own (container): the mini program has no deployed version to run.
    NotDeployed = 85900, "no version deployed";
    /// The proxy (`wx.request`, `uploadFile`, `downloadFile`): the URL's origin is not
    /// among the app's allowed domains of that kind. WeChat's own wording.
    UrlNotInDomainList = 85901, "url not in domain list";
    /// The proxy: the developer's server did not answer within the timeout.
    RequestTimeout = 85902, "request timeout";
    /// The proxy: the developer's server could not be reached (DNS, refused, TLS).
    RequestFailed = 85903, "request failed";
    /// The proxy: the developer's server answered more than the configured limit.
    ResponseTooLarge = 85904, "response too large";
    /// `wx.scanCode` on the platform: the image holds no readable QR code.
    NoCodeFound = 85905, "no QR code found";
    /// OpenMini's own (search, `submitservices`): a service title empty or over 30 characters.
    InvalidServiceTitle = 85930, "invalid service title";
    /// Search: more than 10 keywords, or one empty or over 20 characters.
    InvalidServiceKeywords = 85931, "invalid service keywords";
    /// Search: a category not in the documented list (docs/open-api.md, "Search").
    InvalidServiceCategory = 85932, "invalid service category";
    /// Search: more than 200 services in one list.
    TooManyServices = 85933, "too many services";
    /// Search: the same page (with its query) listed twice.
    DuplicateServicePage = 85934, "duplicate service page";
    /// Risk control suspended the app (`openmini app suspend`): it cannot be opened
    /// and is in no search or catalogue.
    AppSuspended = 85935, "app suspended";
    /// `GET /client/v1/search`: `q` is empty (or only spaces and punctuation).
    SearchQueryEmpty = 85936, "search query empty";
    /// `GET /client/v1/search`: `q` is over 64 characters.
    SearchQueryTooLong = 85937, "search query too long";
    // Links and codes (docs/traffic.md). WeChat's codes and texts unless marked.
    // A link's `path` that is not a page of the current version: InvalidWeappPagepath (40165).
    /// A link's `query` is too long or has a character outside the allowed set.
    InvalidQuery = 40212, "invalid query";
    /// No version to open: nothing deployed, or a `trial`/`develop` version asked for.
    NotReleased = 85079, "miniprogram has no online release";
    /// An expiry in the past or more than 30 days ahead (or a bad `expire_interval`).
    InvalidExpireTime = 85401, "time limit between now and 30 days";
    /// More than the per-second limit of links of an app (100).
    FrequencyLimit = 44990, "reach max api frequency limit";
    /// A short link's `page_url` is not a page of the current version.
    InvalidUrl = 40066, "invalid url";
    InvalidPageTitle = 40225, "invalid page title";
    /// The app's permanent short links are used up (100,000).
    LongTimeQuota = 85400, "reach max long time quota limit";
    /// A code's `scene` is empty, longer than 32 characters or has a character outside
    /// the allowed set.
    InvalidScene = 40169, "invalid length for scene, or the data is not json string";
    /// getwxacode and createwxaqrcode together made 100,000 codes for this app.
    CodeCountLimit = 45029, "qrcode count out of limit";
    /// No such link, or not the caller's (also a code URL whose signature is wrong).
    LinkNotFound = 85403, "link not exists";
    /// OpenMini's own: the link (or scheme) is past its expiry.
    LinkExpired = 85920, "link expired";
    /// Service-account menus (`/cgi-bin/menu/*`): no menu set.
    MenuNotExist = 46003, "menu no exist";
    /// A menu of 0 or more than 3 buttons.
    InvalidButtonSize = 40016, "invalid button size";
    InvalidButtonType = 40017, "invalid button type";
    InvalidButtonNameSize = 40018, "invalid button name size";
    InvalidButtonKeySize = 40019, "invalid button key size";
    InvalidButtonUrlSize = 40020, "invalid button url size";
    /// More than 5 sub-buttons under one button.
    InvalidSubButtonSize = 40023, "invalid sub button size";
    InvalidSubButtonType = 40024, "invalid sub button type";
    InvalidSubButtonNameSize = 40025, "invalid sub button name size";
    InvalidSubButtonKeySize = 40026, "invalid sub button key size";
    InvalidSubButtonUrlSize = 40027, "invalid sub button url size";
    /// A mini program's page that its current version does not have.
    InvalidWeappPagepath = 40165, "invalid weapp pagepath";
    /// A mini program the caller may not point to (unknown, or of another subject and
    /// open-platform account).
    InvalidWeappAppid = 40166, "invalid weapp appid";
    /// Articles (`/cgi-bin/draft/*`): no such draft.
    InvalidMediaId = 40007, "invalid media_id";
    ContentSizeOutOfLimit = 45002, "content size out of limit";
    TitleSizeOutOfLimit = 45003, "title size out of limit";
    DescriptionSizeOutOfLimit = 45004, "description size out of limit";
}

/// An error as the open API reports it: a code and an optional detail appended to the
/// canonical text (`invalid args: sig_method must be hmac_sha256`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} ({}): {}", code.errcode(), self.errmsg())]
pub struct ApiError {
    pub code: Code,
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(code: Code) -> Self {
        Self { code, detail: None }
    }

    pub fn with(code: Code, detail: impl Into<String>) -> Self {
        Self { code, detail: Some(detail.into()) }
    }

    pub fn errmsg(&self) -> String {
        match &self.detail {
            Some(d) => format!("{}: {d}", self.code.errmsg()),
            None => self.code.errmsg().to_string(),
        }
    }
}

impl From<Code> for ApiError {
    fn from(code: Code) -> Self {
        ApiError::new(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.errcode()), "duplicate errcode {}", c.errcode());
            assert_eq!(Code::from_errcode(c.errcode()), Some(*c));
            assert!(!c.errmsg().is_empty());
        }
    }

    #[test]
    fn detail_keeps_canonical_text_as_prefix() {
        let e = ApiError::with(Code::InvalidArgs, "sig_method must be hmac_sha256");
        assert!(e.errmsg().starts_with("invalid args"));
        assert!(e.errmsg().contains("sig_method"));
    }
}

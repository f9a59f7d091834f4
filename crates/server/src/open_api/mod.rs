//! The WeChat-compatible open API (`../shared/spec/open-api.md`): handlers translate
//! parameters into calls on the domain and its answers into the platform's JSON.

mod codes;
mod custom;
mod jsapi;
mod links;
mod login;
mod official;
mod open_account;
mod push;
pub mod reply;
pub mod request;
mod search;
mod subscribe;
mod templates;
mod tokens;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use openmini_core::identity::App;
use openmini_core::reach::events::{self, Party};
use openmini_core::{ApiError, Code};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cgi-bin/token", get(tokens::token))
        .route("/cgi-bin/stable_token", post(tokens::stable_token))
        .route("/sns/jscode2session", get(login::jscode2session))
        .route("/wxa/checksession", get(login::checksession))
        .route("/wxa/business/getuserphonenumber", post(login::phone_number))
        .route("/cgi-bin/open/create", post(open_account::create))
        .route("/cgi-bin/open/bind", post(open_account::bind))
        .route("/cgi-bin/open/unbind", post(open_account::unbind))
        .route("/cgi-bin/open/get", post(open_account::get))
        .route("/cgi-bin/open/have", get(open_account::have))
        .route("/wxaapi/newtmpl/getcategory", get(templates::category))
        .route("/wxaapi/newtmpl/getpubtemplatetitles", get(templates::titles))
        .route("/wxaapi/newtmpl/getpubtemplatekeywords", get(templates::keywords))
        .route("/wxaapi/newtmpl/addtemplate", post(templates::add))
        .route("/cgi-bin/message/subscribe/send", post(subscribe::send))
        .route("/cgi-bin/message/wxopen/template/send", post(subscribe::legacy_send))
        .route("/cgi-bin/message/custom/send", post(custom::send))
        .route("/cgi-bin/message/custom/typing", post(custom::typing))
        .route("/cgi-bin/message/custom/business/typing", post(custom::typing))
        .route("/wxaapi/newtmpl/gettemplate", get(templates::list))
        .route("/wxaapi/newtmpl/deltemplate", post(templates::delete))
        .route("/wxa/push/send", post(push::send))
        .route("/wxa/push/getallowance", get(push::allowance))
        .route("/wxa/push/campaign/create", post(push::campaign_create))
        .route("/wxa/push/campaign/get", get(push::campaign_get).post(push::campaign_get))
        .route("/wxa/server/set", post(push::server_set))
        .route("/wxa/server/get", get(push::server_get))
        .route("/wxa/server/deliveries", get(push::deliveries))
        .route("/wxa/search/submitservices", post(search::submit))
        .route("/wxa/search/getservices", get(search::get).post(search::get))
        .route("/wxa/generatescheme", post(links::generate_scheme))
        .route("/wxa/generate_urllink", post(links::generate_urllink))
        .route("/wxa/genwxashortlink", post(links::short_link))
        .route("/wxa/queryscheme", post(links::query_scheme))
        .route("/wxa/query_urllink", post(links::query_urllink))
        .route("/wxa/getwxacodeunlimit", post(codes::unlimited))
        .route("/wxa/getwxacode", post(codes::wxacode))
        .route("/cgi-bin/wxaapp/createwxaqrcode", post(codes::qrcode))
        .route("/cgi-bin/ticket/getticket", get(jsapi::getticket))
        .route("/cgi-bin/menu/create", post(official::menu_create))
        .route("/cgi-bin/menu/get", get(official::menu_get))
        .route("/cgi-bin/menu/delete", get(official::menu_delete).post(official::menu_delete))
        .route("/cgi-bin/draft/add", post(official::draft_add))
        .route("/cgi-bin/draft/get", post(official::draft_get))
        .route("/cgi-bin/draft/delete", post(official::draft_delete))
}

/// The calling app and the recipient: an openid of that app (another app's openid is
/// simply unknown here, so an app can never reach another app's users).
pub(crate) async fn recipient(s: &AppState, r: &request::OpenRequest) -> Result<(App, i64), ApiError> {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let touser = r.b_str("touser")?.filter(|t| !t.is_empty() && t.len() <= 64).ok_or(Code::InvalidOpenid)?;
    let user_id = s.identity.store().app_user_id(app.id, &touser).await?.ok_or(Code::InvalidOpenid)?;
    Ok((app, user_id))
}

/// Who events about `user_id` in `app` are from and to.
pub(crate) fn party(s: &AppState, app: &App, user_id: i64) -> Party {
    Party { to_user_name: events::original_id(&app.appid), openid: s.identity.keys().openid(&app.appid, user_id) }
}

//! The WeChat-compatible open API (`../shared/spec/open-api.md`): handlers translate
//! parameters into calls on the domain and its answers into the platform's JSON.

mod custom;
mod login;
mod open_account;
pub mod reply;
pub mod request;
mod subscribe;
mod templates;
mod tokens;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

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
}

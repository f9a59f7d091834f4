//! Parameters of an open-API call: the query string and, for POST, a JSON body read
//! from the raw bytes whatever the Content-Type (wechatpy sends none). Malformed input
//! becomes a typed error here, before any rule or storage sees it.

use super::reply::Failure;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use openmini_core::{ApiError, Code};
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct OpenRequest {
    query: Vec<(String, String)>,
    body: Option<Map<String, Value>>,
}

impl OpenRequest {
    /// Parses a query string and body. Pure, so it can be property-tested directly.
    pub fn parse(query: Option<&str>, body: &[u8]) -> Result<OpenRequest, ApiError> {
        let query = query
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(m)) => Some(m),
                Ok(_) => return Err(ApiError::with(Code::DataFormat, "body must be a JSON object")),
                Err(e) => return Err(ApiError::with(Code::DataFormat, format!("body is not JSON: {e}"))),
            }
        };
        Ok(OpenRequest { query, body })
    }

    /// A query parameter (the first, if repeated).
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The JSON body, or 44002 when the call needs one and got none.
    pub fn body(&self) -> Result<&Map<String, Value>, ApiError> {
        self.body.as_ref().ok_or_else(|| Code::EmptyPostData.into())
    }

    /// A string field of the body; a number is accepted as its decimal text (SDKs
    /// differ), anything else is a type error naming the field.
    pub fn b_str(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.body()?.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(ApiError::with(Code::DataFormat, format!("{name} must be a string"))),
        }
    }

    /// A list of integers (`kidList`): a JSON array of numbers or numeric strings.
    /// Absent is an empty list; anything else is a type error naming the field.
    pub fn b_int_list(&self, name: &str) -> Result<Vec<i64>, ApiError> {
        let bad = || ApiError::with(Code::DataFormat, format!("{name} must be a list of integers"));
        match self.body()?.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) if items.len() <= 64 => items
                .iter()
                .map(|v| match v {
                    Value::Number(n) => n.as_i64().ok_or_else(bad),
                    Value::String(s) => s.parse().map_err(|_| bad()),
                    _ => Err(bad()),
                })
                .collect(),
            Some(_) => Err(bad()),
        }
    }

    /// A boolean field: true/false, 0/1 or their strings.
    pub fn b_bool(&self, name: &str) -> Result<bool, ApiError> {
        match self.body()?.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(false),
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(true),
            Some(Value::String(s)) if s == "true" || s == "1" => Ok(true),
            Some(Value::String(s)) if s == "false" || s == "0" => Ok(false),
            Some(_) => Err(ApiError::with(Code::DataFormat, format!("{name} must be a boolean"))),
        }
    }
}

impl FromRequest<AppState> for OpenRequest {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().map(str::to_owned);
        let bytes = axum::body::to_bytes(req.into_body(), state.config.body_limit).await.map_err(|_| {
            ApiError::with(Code::DataFormat, format!("body larger than {} bytes", state.config.body_limit))
        })?;
        Ok(OpenRequest::parse(query.as_deref(), &bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn query_and_body() {
        let r = OpenRequest::parse(Some("a=1&b=%E4%B8%AD&a=2"), br#"{"x":"y","n":5,"f":true}"#).unwrap();
        assert_eq!(r.q("a"), Some("1"));
        assert_eq!(r.q("b"), Some("中"));
        assert_eq!(r.b_str("x").unwrap().as_deref(), Some("y"));
        assert_eq!(r.b_str("n").unwrap().as_deref(), Some("5"));
        assert!(r.b_bool("f").unwrap());
        assert_eq!(r.b_str("f").unwrap_err().code, Code::DataFormat);
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        assert_eq!(OpenRequest::parse(None, b"{").unwrap_err().code, Code::DataFormat);
        assert_eq!(OpenRequest::parse(None, b"[1]").unwrap_err().code, Code::DataFormat);
        assert_eq!(OpenRequest::parse(None, b"  ").unwrap().body().unwrap_err().code, Code::EmptyPostData);
    }

    proptest! {
        #[test]
        fn parse_never_panics(q in ".{0,200}", body in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(r) = OpenRequest::parse(Some(&q), &body) {
                let _ = r.q("appid");
                let _ = r.b_str("code");
                let _ = r.b_bool("force_refresh");
            }
        }

        #[test]
        fn json_values_of_any_type_get_typed_errors(v in any_json()) {
            let body = serde_json::json!({ "code": v, "force_refresh": v }).to_string();
            let r = OpenRequest::parse(None, body.as_bytes()).unwrap();
            if let Err(e) = r.b_str("code") { prop_assert_eq!(e.code, Code::DataFormat); }
            if let Err(e) = r.b_bool("force_refresh") { prop_assert_eq!(e.code, Code::DataFormat); }
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            ".{0,20}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::hash_map(".{0,5}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}

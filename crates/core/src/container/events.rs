//! Analytics intake: `wx.reportEvent` and every open with its scene (DESIGN.md rule 11),
//! checked before anything is stored. A batch is all or nothing: one bad event refuses
//! the whole batch, naming it.
//!
//! WeChat's rule for event names (and we apply it to field names too): letters, digits
//! and underscores, starting with a letter, at most 32 characters. Field values are
//! strings or numbers.

use super::store::NewEvent;
use crate::error::{ApiError, Code};
use serde_json::{Map, Value};

/// Events in one report at most.
pub const MAX_BATCH: usize = 100;
/// Longest event or field name.
pub const MAX_NAME: usize = 32;
/// Fields of one event at most.
pub const MAX_FIELDS: usize = 64;
/// Longest string value of a field, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;
/// Longest page path of an open.
pub const MAX_PATH: usize = 1024;
/// Largest `query` + `referrerInfo` of an open, as JSON.
pub const MAX_OPEN_BYTES: usize = 8192;
/// Longest `source` of an open (a link's id, a page's origin, an appid, `share:<id>`).
pub const MAX_SOURCE: usize = 256;

fn bad(d: String) -> ApiError {
    ApiError::with(Code::InvalidArgs, d)
}

/// `^[A-Za-z][A-Za-z0-9_]{0,31}$`
pub fn is_event_name(s: &str) -> bool {
    let mut b = s.bytes();
    s.len() <= MAX_NAME && b.next().is_some_and(|c| c.is_ascii_alphabetic()) && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// A report: `{events: [{name, data, at?}], open?: {scene, path, query, referrerInfo}}`.
/// Returns the events to store (the open, if any, first).
pub fn check_report(body: &Value) -> Result<Vec<NewEvent>, ApiError> {
    let body = body.as_object().ok_or_else(|| ApiError::with(Code::DataFormat, "body must be a JSON object"))?;
    let mut out = Vec::new();
    if let Some(open) = body.get("open").filter(|v| !v.is_null()) {
        out.push(check_open(open)?);
    }
    let events = match body.get("events") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(ApiError::with(Code::DataFormat, "events must be a list")),
    };
    if events.len() > MAX_BATCH {
        return Err(bad(format!("at most {MAX_BATCH} events per report")));
    }
    for (i, e) in events.iter().enumerate() {
        out.push(check_event(e).map_err(|e| ApiError::with(e.code, format!("events[{i}]: {}", e.detail.unwrap_or_default())))?);
    }
    Ok(out)
}

fn check_at(v: Option<&Value>) -> Result<Option<i64>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().filter(|t| *t >= 0).map(Some).ok_or_else(|| bad("at must be Unix milliseconds".into())),
        Some(_) => Err(bad("at must be Unix milliseconds".into())),
    }
}

fn check_event(e: &Value) -> Result<NewEvent, ApiError> {
    let e = e.as_object().ok_or_else(|| bad("an event is an object {name, data}".into()))?;
    let name = match e.get("name") {
        Some(Value::String(s)) if is_event_name(s) => s.clone(),
        Some(Value::String(s)) => {
            return Err(bad(format!(
                "event name {:?}: letters, digits and _, starting with a letter, at most {MAX_NAME}",
                s.chars().take(40).collect::<String>()
            )))
        }
        _ => return Err(bad("name must be a string".into())),
    };
    let data = match e.get("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => check_fields(&name, m)?,
        Some(_) => return Err(bad(format!("{name}: data must be an object"))),
    };
    Ok(NewEvent {
        kind: "event",
        name: Some(name),
        data: Value::Object(data).to_string(),
        scene: None,
        path: None,
        client_at: check_at(e.get("at"))?,
    })
}

fn check_fields(name: &str, m: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    if m.len() > MAX_FIELDS {
        return Err(bad(format!("{name}: at most {MAX_FIELDS} fields")));
    }
    for (k, v) in m {
        if !is_event_name(k) {
            return Err(bad(format!("{name}: field name {:?}: letters, digits and _, starting with a letter", k.chars().take(40).collect::<String>())));
        }
        match v {
            Value::Number(_) => {}
            Value::String(s) if s.chars().count() <= MAX_VALUE_CHARS => {}
            Value::String(_) => return Err(bad(format!("{name}.{k}: at most {MAX_VALUE_CHARS} characters"))),
            _ => return Err(bad(format!("{name}.{k}: a value is a string or a number"))),
        }
    }
    Ok(m.clone())
}

fn check_open(o: &Value) -> Result<NewEvent, ApiError> {
    let o = o.as_object().ok_or_else(|| bad("open is an object {scene, path, query, referrerInfo}".into()))?;
    let scene = o.get("scene").and_then(Value::as_i64).filter(|s| (1..=99_999).contains(s)).ok_or_else(|| bad("open.scene must be a scene number".into()))?;
    let path = match o.get("path") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(p)) if p.chars().count() <= MAX_PATH => p.clone(),
        Some(_) => return Err(bad(format!("open.path must be a string of at most {MAX_PATH} characters"))),
    };
    let query = match o.get("query") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(q @ (Value::Object(_) | Value::String(_))) => q.clone(),
        Some(_) => return Err(bad("open.query must be an object".into())),
    };
    let referrer = match o.get("referrerInfo") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(r @ Value::Object(_)) => r.clone(),
        Some(_) => return Err(bad("open.referrerInfo must be an object".into())),
    };
    let mut data = serde_json::json!({ "query": query, "referrerInfo": referrer });
    match o.get("source") {
        None | Some(Value::Null) => {}
        Some(Value::String(src)) if src.chars().count() <= MAX_SOURCE => data["source"] = src.clone().into(),
        Some(_) => return Err(bad(format!("open.source must be a string of at most {MAX_SOURCE} characters"))),
    }
    let data = data.to_string();
    if data.len() > MAX_OPEN_BYTES {
        return Err(bad(format!("open: query and referrerInfo larger than {MAX_OPEN_BYTES} bytes")));
    }
    Ok(NewEvent { kind: "open", name: None, data, scene: Some(scene), path: Some(path), client_at: check_at(o.get("at"))? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_follow_wechats_rule() {
        for ok in ["a", "click_buy", "A1_b2", &format!("a{}", "b".repeat(31))] {
            assert!(is_event_name(ok), "{ok}");
        }
        for bad in ["", "1a", "_a", "a-b", "a b", "事件", &format!("a{}", "b".repeat(32))] {
            assert!(!is_event_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_report_with_an_open_and_events() {
        let r = json!({
            "events": [{"name": "buy", "data": {"sku": "A1", "price": 9.5}, "at": 1718000000000i64}, {"name": "view"}],
            "open": {"scene": 1011, "path": "pages/index/index", "query": {"q": "1"}, "referrerInfo": {"appId": "wx1"}, "source": "https://shop.example.com"},
        });
        let ev = check_report(&r).unwrap();
        assert_eq!(ev.len(), 3);
        assert_eq!((ev[0].kind, ev[0].scene, ev[0].path.as_deref()), ("open", Some(1011), Some("pages/index/index")));
        assert_eq!(serde_json::from_str::<Value>(&ev[0].data).unwrap()["source"], "https://shop.example.com");
        assert_eq!(ev[1].name.as_deref(), Some("buy"));
        assert_eq!(ev[1].client_at, Some(1718000000000));
        assert_eq!(serde_json::from_str::<Value>(&ev[1].data).unwrap()["price"], 9.5);
        assert_eq!(ev[2].data, "{}");
    }

    #[test]
    fn bad_reports_name_what_is_wrong() {
        let cases = [
            (json!({"events": [{"name": "1bad"}]}), "events[0]"),
            (json!({"events": [{"name": "ok", "data": {"n": [1]}}]}), "ok.n"),
            (json!({"events": [{"name": "ok", "data": {"n": {"x": 1}}}]}), "ok.n"),
            (json!({"events": [{"name": "ok", "data": {"a-b": 1}}]}), "field name"),
            (json!({"events": [{"name": "ok", "data": "x"}]}), "data must be an object"),
            (json!({"events": [{"name": "ok", "at": -1}]}), "at must be"),
            (json!({"events": [{"name": "ok", "data": {"s": "x".repeat(1025)}}]}), "1024"),
            (json!({"open": {"path": "p"}}), "scene"),
            (json!({"open": {"scene": 1001, "path": 5}}), "open.path"),
            (json!({"open": {"scene": 1001, "query": [1]}}), "open.query"),
            (json!({"open": {"scene": 1001, "source": 5}}), "open.source"),
            (json!({"open": {"scene": 1001, "source": "x".repeat(257)}}), "open.source"),
        ];
        for (body, want) in cases {
            let e = check_report(&body).unwrap_err();
            assert_eq!(e.code, Code::InvalidArgs, "{body}");
            assert!(e.errmsg().contains(want), "{body}: {}", e.errmsg());
        }
        let many: Vec<Value> = (0..=MAX_BATCH).map(|_| json!({"name": "x"})).collect();
        assert!(check_report(&json!({ "events": many[..MAX_BATCH] })).is_ok());
        assert!(check_report(&json!({ "events": many })).is_err());
        assert_eq!(check_report(&json!([1])).unwrap_err().code, Code::DataFormat);
        assert_eq!(check_report(&json!({"events": "x"})).unwrap_err().code, Code::DataFormat);
    }
}

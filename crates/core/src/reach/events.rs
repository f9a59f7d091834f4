//! What the platform pushes to an app's developer server: user messages and the
//! subscription events of open-api.md §3, in WeChat's field names. Payloads are queued
//! as canonical JSON and rendered on delivery to the app's format (XML or JSON) and
//! mode (plain, compatible or safe; §4), so a change of configuration applies to what
//! is still queued.

use super::store::OutboxEvent;
use crate::keys::sha256_hex;
use crate::msg_crypt::{self, MsgCrypt};
use serde_json::{json, Map, Value};

/// Who a push is from and to: the app's original id (`gh_…`) and the user's openid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub to_user_name: String,
    pub openid: String,
}

/// An app's original id, as `ToUserName` names it: stable per appid.
pub fn original_id(appid: &str) -> String {
    format!("gh_{}", &sha256_hex(appid.as_bytes())[..12])
}

fn base(p: &Party, now_ms: i64, msg_type: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ToUserName".into(), p.to_user_name.clone().into());
    m.insert("FromUserName".into(), p.openid.clone().into());
    m.insert("CreateTime".into(), (now_ms / 1000).into());
    m.insert("MsgType".into(), msg_type.into());
    m
}

fn event(p: &Party, now_ms: i64, name: &str, list: Option<Vec<Value>>) -> OutboxEvent {
    let mut m = base(p, now_ms, "event");
    m.insert("Event".into(), name.into());
    if let Some(list) = list {
        m.insert("List".into(), Value::Array(list));
    }
    OutboxEvent { kind: name.to_string(), payload: Value::Object(m).to_string() }
}

/// The user answered a consent dialog: one item per template asked.
pub fn popup(p: &Party, now_ms: i64, answers: &[(String, &str)], scene: i64) -> OutboxEvent {
    let list = answers
        .iter()
        .map(|(id, status)| json!({ "TemplateId": id, "SubscribeStatusString": status, "PopupScene": scene }))
        .collect();
    event(p, now_ms, "subscribe_msg_popup_event", Some(list))
}

/// The user changed a subscription in the settings (withdrew it, or switched the app
/// off: one item per template).
pub fn change(p: &Party, now_ms: i64, changes: &[(String, &str)]) -> OutboxEvent {
    let list = changes.iter().map(|(id, status)| json!({ "TemplateId": id, "SubscribeStatusString": status })).collect();
    event(p, now_ms, "subscribe_msg_change_event", Some(list))
}

/// A subscription message was delivered. On every send's path, so written directly
/// rather than through a `Map` (same JSON as [`event`] would give).
pub fn sent(p: &Party, now_ms: i64, template_id: &str, msgid: i64) -> OutboxEvent {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let payload = format!(
        r#"{{"ToUserName":{},"FromUserName":{},"CreateTime":{},"MsgType":"event","Event":"subscribe_msg_sent_event","List":[{{"TemplateId":{},"MsgID":{msgid},"ErrorCode":0,"ErrorStatus":"success"}}]}}"#,
        js(&p.to_user_name),
        js(&p.openid),
        now_ms / 1000,
        js(template_id),
    );
    OutboxEvent { kind: "subscribe_msg_sent_event".into(), payload }
}

/// The user entered the customer-service session.
pub fn entered_session(p: &Party, now_ms: i64) -> OutboxEvent {
    let mut m = base(p, now_ms, "event");
    m.insert("Event".into(), "user_enter_tempsession".into());
    m.insert("SessionFrom".into(), "".into());
    OutboxEvent { kind: "user_enter_tempsession".into(), payload: Value::Object(m).to_string() }
}

/// The user wrote to customer service.
pub fn text(p: &Party, now_ms: i64, content: &str, msgid: i64) -> OutboxEvent {
    let mut m = base(p, now_ms, "text");
    m.insert("Content".into(), content.into());
    m.insert("MsgId".into(), msgid.into());
    OutboxEvent { kind: "text".into(), payload: Value::Object(m).to_string() }
}

/// The XML element that wraps an event's `List` items.
fn list_wrapper(event: &str) -> Option<&'static str> {
    match event {
        "subscribe_msg_popup_event" => Some("SubscribeMsgPopupEvent"),
        "subscribe_msg_change_event" => Some("SubscribeMsgChangeEvent"),
        "subscribe_msg_sent_event" => Some("SubscribeMsgSentEvent"),
        _ => None,
    }
}

fn cdata(out: &mut String, s: &str) {
    // "]]>" cannot appear inside CDATA: split it across two sections.
    out.push_str("<![CDATA[");
    out.push_str(&s.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

fn xml_field(out: &mut String, name: &str, v: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match v {
        Value::String(s) => cdata(out, s),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "1" } else { "0" }),
        Value::Object(m) => {
            for (k, v) in m {
                xml_field(out, k, v);
            }
        }
        Value::Array(_) | Value::Null => {}
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The payload as WeChat's XML: `List` items inside the event's wrapper element.
pub fn to_xml(payload: &Value) -> String {
    let mut out = String::from("<xml>");
    let event = payload.get("Event").and_then(Value::as_str).unwrap_or("");
    if let Some(m) = payload.as_object() {
        for (k, v) in m {
            if k == "List" {
                let wrapper = list_wrapper(event).unwrap_or("List");
                out.push('<');
                out.push_str(wrapper);
                out.push('>');
                for item in v.as_array().into_iter().flatten() {
                    xml_field(&mut out, "List", item);
                }
                out.push_str("</");
                out.push_str(wrapper);
                out.push('>');
            } else {
                xml_field(&mut out, k, v);
            }
        }
    }
    out.push_str("</xml>");
    out
}

/// The payload as WeChat's JSON: `CreateTime` and `PopupScene` are strings, and `List`
/// is an object for one item and an array for several.
pub fn to_json(payload: &Value) -> String {
    let mut v = payload.clone();
    if let Some(t) = v.get("CreateTime").and_then(Value::as_i64) {
        v["CreateTime"] = t.to_string().into();
    }
    if let Some(list) = v.get_mut("List").and_then(Value::as_array_mut) {
        for item in list.iter_mut() {
            if let Some(s) = item.get("PopupScene").and_then(Value::as_i64) {
                item["PopupScene"] = s.to_string().into();
            }
        }
        if list.len() == 1 {
            let one = list.remove(0);
            v["List"] = one;
        }
    }
    v.to_string()
}

/// How an app receives pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plain,
    /// Plain fields and the encrypted message side by side.
    Compatible,
    Safe,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "xml" => Some(Format::Xml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "plain" => Some(Mode::Plain),
            "compatible" => Some(Mode::Compatible),
            "safe" => Some(Mode::Safe),
            _ => None,
        }
    }
}

/// One HTTP request to the developer's server: the query string to add to its URL, the
/// body and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    pub query: String,
    pub body: String,
    pub content_type: &'static str,
}

/// Renders a queued payload for delivery. `crypt` is required for compatible and safe
/// mode; `timestamp`, `nonce` and `random16` are fresh per attempt.
#[allow(clippy::too_many_arguments)]
pub fn wire(
    payload: &str,
    format: Format,
    mode: Mode,
    token: &str,
    crypt: Option<&MsgCrypt>,
    timestamp: i64,
    nonce: &str,
    random16: [u8; 16],
) -> Result<WireRequest, String> {
    let v: Value = serde_json::from_str(payload).map_err(|e| format!("queued payload is not JSON: {e}"))?;
    let plain = match format {
        Format::Xml => to_xml(&v),
        Format::Json => to_json(&v),
    };
    let content_type = match format {
        Format::Xml => "text/xml; charset=utf-8",
        Format::Json => "application/json",
    };
    let ts = timestamp.to_string();
    let signature = msg_crypt::signature(token, &ts, nonce);
    let mut query = format!("signature={signature}&timestamp={ts}&nonce={nonce}");
    if let Some(openid) = v.get("FromUserName").and_then(Value::as_str) {
        query.push_str("&openid=");
        query.push_str(openid);
    }
    if mode == Mode::Plain {
        return Ok(WireRequest { query, body: plain, content_type });
    }
    let crypt = crypt.ok_or("compatible and safe mode need an EncodingAESKey")?;
    let encrypt = crypt.encrypt(&plain, random16);
    let msg_signature = crypt.msg_signature(&ts, nonce, &encrypt);
    query.push_str("&encrypt_type=aes&msg_signature=");
    query.push_str(&msg_signature);
    let to = v.get("ToUserName").and_then(Value::as_str).unwrap_or_default();
    let body = match (format, mode) {
        (Format::Xml, Mode::Safe) => {
            let mut out = String::from("<xml>");
            xml_field(&mut out, "ToUserName", &Value::from(to));
            xml_field(&mut out, "Encrypt", &Value::from(encrypt));
            out.push_str("</xml>");
            out
        }
        (Format::Xml, _) => {
            let mut out = plain;
            out.truncate(out.len() - "</xml>".len());
            xml_field(&mut out, "Encrypt", &Value::from(encrypt));
            out.push_str("</xml>");
            out
        }
        (Format::Json, Mode::Safe) => json!({ "ToUserName": to, "Encrypt": encrypt }).to_string(),
        (Format::Json, _) => {
            let mut both: Value = serde_json::from_str(&plain).map_err(|e| e.to_string())?;
            both["Encrypt"] = encrypt.into();
            both.to_string()
        }
    };
    Ok(WireRequest { query, body, content_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party() -> Party {
        Party { to_user_name: original_id("wx0123456789abcdef"), openid: "oAbC".into() }
    }

    #[test]
    fn popup_json_has_one_object_or_an_array_and_string_numbers() {
        let one = popup(&party(), 1_700_000_000_123, &[("T1".into(), "accept")], 0);
        let v: Value = serde_json::from_str(&to_json(&serde_json::from_str(&one.payload).unwrap())).unwrap();
        assert_eq!(v["CreateTime"], "1700000000");
        assert_eq!(v["List"]["TemplateId"], "T1");
        assert_eq!(v["List"]["PopupScene"], "0");
        let two = popup(&party(), 1_700_000_000_000, &[("T1".into(), "accept"), ("T2".into(), "reject")], 0);
        let v: Value = serde_json::from_str(&to_json(&serde_json::from_str(&two.payload).unwrap())).unwrap();
        assert_eq!(v["List"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_fast_sent_event_is_the_generic_one() {
        let fast = sent(&party(), 1_700_000_000_999, "T\"1", 42);
        let list = vec![json!({ "TemplateId": "T\"1", "MsgID": 42, "ErrorCode": 0, "ErrorStatus": "success" })];
        let generic = event(&party(), 1_700_000_000_999, "subscribe_msg_sent_event", Some(list));
        assert_eq!(serde_json::from_str::<Value>(&fast.payload).unwrap(), serde_json::from_str::<Value>(&generic.payload).unwrap());
        assert_eq!(fast.payload, generic.payload, "same text, field order included");
    }

    #[test]
    fn xml_wraps_list_items_and_escapes_cdata() {
        let e = sent(&party(), 1_700_000_000_000, "T]]>1", 42);
        let x = to_xml(&serde_json::from_str(&e.payload).unwrap());
        assert!(x.starts_with("<xml><ToUserName><![CDATA[gh_"), "{x}");
        assert!(x.contains("<SubscribeMsgSentEvent><List><TemplateId><![CDATA[T]]]]><![CDATA[>1]]></TemplateId><MsgID>42</MsgID>"), "{x}");
        assert!(x.contains("<CreateTime>1700000000</CreateTime>"));
        let t = text(&party(), 0, "你好 <b>", 7);
        assert!(to_xml(&serde_json::from_str(&t.payload).unwrap()).contains("<Content><![CDATA[你好 <b>]]></Content>"));
    }

    #[test]
    fn safe_mode_body_decrypts_to_the_plain_message() {
        let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let crypt = MsgCrypt::new("tok", key, "wx0123456789abcdef").unwrap();
        let e = change(&party(), 1_700_000_000_000, &[("TemplateInTheClear".into(), "reject")]);
        for format in [Format::Xml, Format::Json] {
            let w = wire(&e.payload, format, Mode::Safe, "tok", Some(&crypt), 1_700_000_000, "n1", [7; 16]).unwrap();
            assert!(w.query.contains("encrypt_type=aes"));
            let enc = match format {
                Format::Json => serde_json::from_str::<Value>(&w.body).unwrap()["Encrypt"].as_str().unwrap().to_string(),
                Format::Xml => w.body.split("<Encrypt><![CDATA[").nth(1).unwrap().split("]]>").next().unwrap().to_string(),
            };
            assert!(w.query.contains(&format!("msg_signature={}", crypt.msg_signature("1700000000", "n1", &enc))));
            assert!(crypt.decrypt(&enc).unwrap().contains("subscribe_msg_change_event"));
            assert!(!w.body.contains("TemplateInTheClear"), "safe mode leaks nothing in clear");
        }
        let w = wire(&e.payload, Format::Xml, Mode::Compatible, "tok", Some(&crypt), 1, "n", [0; 16]).unwrap();
        assert!(w.body.contains("TemplateInTheClear") && w.body.contains("<Encrypt>"));
        assert!(wire(&e.payload, Format::Xml, Mode::Safe, "tok", None, 1, "n", [0; 16]).is_err());
        assert!(wire("not json", Format::Xml, Mode::Plain, "tok", None, 1, "n", [0; 16]).is_err());
    }
}

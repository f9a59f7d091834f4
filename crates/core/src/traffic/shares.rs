//! Shares (docs/traffic.md, "Shares and service accounts"): every card a user shares is
//! recorded; a card shared into a group by a page that asked for `withShareTicket`
//! carries a `shareTicket` (sealed, `share_ticket_secs`), which `wx.getShareInfo` turns
//! into the group's `openGId` encrypted with the user's session key.
//!
//! A group is the host app's chat: (host app, user, chat id). The web shell's chats are
//! kept by the shell for each user, so the platform cannot know who else is in one; the
//! user's own copy of a group is the group. `openGId` is a MAC of the app and the group
//! under a platform key: stable for one app, unrelated across apps.

use super::entry_policy::EntryPolicy;
use super::entry_store::{NewShare, Share, ShareStore, ShareTarget};
use crate::error::{ApiError, Code};
use crate::identity::store::ClientSession;
use crate::identity::{AppKind, Identity};
use crate::keys::Keys;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

type ApiResult<T> = Result<T, ApiError>;

pub const SCENE_CHAT: i64 = 1007;
pub const SCENE_GROUP: i64 = 1008;
pub const SCENE_GROUP_TICKET: i64 = 1044;
pub const SCENE_TIMELINE: i64 = 1154;

const TICKET: &[u8] = b"traffic/share-ticket/v1";
const OPEN_GID: &[u8] = b"traffic/opengid/v1";

pub const MAX_TITLE: usize = 100;
pub const MAX_PATH: usize = 1024;
pub const MAX_IMAGE_URL: usize = 2048;
pub const MAX_CHAT_ID: usize = 64;

/// What the host shares (`POST /client/v1/shares`).
#[derive(Debug, Clone, Default)]
pub struct ShareRequest {
    pub appid: String,
    pub title: String,
    pub path: String,
    pub image_url: String,
    /// The chat or group: (host's chat id, is a group). None with `timeline`.
    pub chat: Option<(String, bool)>,
    pub timeline: bool,
    /// The page called `showShareMenu({withShareTicket: true})`.
    pub with_share_ticket: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub id: i64,
    pub share_ticket: Option<String>,
    /// The scene a card of this share opens with.
    pub scene: i64,
}

fn bad(d: &str) -> ApiError {
    ApiError::with(Code::InvalidArgs, d)
}

/// Records a card (nothing is stored when the request is refused) and makes its
/// ticket when it has one.
pub async fn record(id: &Identity, store: &dyn ShareStore, session: &ClientSession, r: &ShareRequest) -> ApiResult<Shared> {
    let app = id.app_param(Some(&r.appid)).await?;
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidAppid, "only mini programs share cards"));
    }
    let title = r.title.trim();
    if title.chars().count() > MAX_TITLE {
        return Err(bad(&format!("title longer than {MAX_TITLE} characters")));
    }
    if r.path.chars().count() > MAX_PATH || r.path.chars().any(char::is_control) {
        return Err(bad(&format!("path: at most {MAX_PATH} characters, no control characters")));
    }
    if r.image_url.len() > MAX_IMAGE_URL {
        return Err(bad(&format!("imageUrl longer than {MAX_IMAGE_URL} bytes")));
    }
    let (target, chat_id) = match (&r.chat, r.timeline) {
        (Some((c, group)), false) => {
            if c.is_empty() || c.len() > MAX_CHAT_ID || c.chars().any(|ch| ch.is_control() || ch.is_whitespace()) {
                return Err(bad(&format!("chat.id: 1-{MAX_CHAT_ID} characters without spaces")));
            }
            (if *group { ShareTarget::Group } else { ShareTarget::Chat }, Some(c.clone()))
        }
        (None, true) => (ShareTarget::Timeline, None),
        _ => return Err(bad("a share goes to one chat or to the timeline")),
    };
    let with_ticket = r.with_share_ticket && target == ShareTarget::Group;
    let now = id.now();
    let share_id = store
        .record_share(&NewShare {
            app_id: app.id,
            user_id: session.user_id,
            host_app_id: session.host_app_id,
            target,
            chat_id,
            title: title.to_string(),
            path: r.path.trim_start_matches('/').to_string(),
            image_url: r.image_url.clone(),
            with_ticket,
            now,
        })
        .await?;
    let scene = match target {
        ShareTarget::Chat => SCENE_CHAT,
        ShareTarget::Group if with_ticket => SCENE_GROUP_TICKET,
        ShareTarget::Group => SCENE_GROUP,
        ShareTarget::Timeline => SCENE_TIMELINE,
    };
    let share_ticket = with_ticket.then(|| mint_ticket(id.keys(), share_id, app.id, session.user_id, session.host_app_id, now));
    Ok(Shared { id: share_id, share_ticket, scene })
}

/// The claims of a share ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketClaims {
    pub share_id: i64,
    pub app_id: i64,
    pub user_id: i64,
    pub host_app_id: i64,
    pub issued_at: i64,
}

pub fn mint_ticket(keys: &Keys, share_id: i64, app_id: i64, user_id: i64, host_app_id: i64, issued_at: i64) -> String {
    let mut p = Vec::with_capacity(40);
    for v in [share_id, app_id, user_id, host_app_id, issued_at] {
        p.extend_from_slice(&v.to_be_bytes());
    }
    keys.seal(TICKET, &p)
}

pub fn open_ticket(keys: &Keys, ticket: &str) -> Option<TicketClaims> {
    let p = keys.unseal(TICKET, ticket).ok()?;
    if p.len() != 40 {
        return None;
    }
    let i = |n: usize| i64::from_be_bytes(p[n * 8..n * 8 + 8].try_into().unwrap());
    Some(TicketClaims { share_id: i(0), app_id: i(1), user_id: i(2), host_app_id: i(3), issued_at: i(4) })
}

/// `openGId` of a group in an app: `tG` and 26 characters, like the platform's.
pub fn open_gid(keys: &Keys, appid: &str, host_app_id: i64, user_id: i64, chat_id: &str) -> String {
    let mac = keys.mac(OPEN_GID, &[appid.as_bytes(), &host_app_id.to_be_bytes(), &user_id.to_be_bytes(), chat_id.as_bytes()]);
    format!("tG{}", &URL_SAFE_NO_PAD.encode(mac)[..26])
}

/// The share a ticket stands for, if the ticket is this session's, for this app, and
/// younger than `share_ticket_secs`. Every refusal reads "invalid shareTicket".
pub async fn ticket_share(id: &Identity, store: &dyn ShareStore, session: &ClientSession, appid: &str, ticket: &str, p: &EntryPolicy) -> ApiResult<Share> {
    let app = id.app_param(Some(appid)).await?;
    let invalid = || bad("invalid shareTicket");
    let c = open_ticket(id.keys(), ticket.trim()).ok_or_else(invalid)?;
    if c.app_id != app.id || c.user_id != session.user_id || c.host_app_id != session.host_app_id {
        return Err(invalid());
    }
    if c.issued_at + p.share_ticket_secs * 1000 <= id.now() {
        return Err(invalid());
    }
    let s = store.share(c.share_id).await?.ok_or_else(invalid)?;
    if s.app_id != app.id || !s.with_ticket || s.target != ShareTarget::Group {
        return Err(invalid());
    }
    Ok(s)
}

/// `wx.getShareInfo`: `{openGId}` and the watermark, encrypted with the user's session
/// key for the app (40029 before the app's backend exchanged a login code).
pub async fn share_info(id: &Identity, store: &dyn ShareStore, session: &ClientSession, appid: &str, ticket: &str, p: &EntryPolicy) -> ApiResult<(String, String)> {
    let s = ticket_share(id, store, session, appid, ticket, p).await?;
    let app = id.app_param(Some(appid)).await?;
    let gid = open_gid(id.keys(), &app.appid, s.host_app_id, s.user_id, s.chat_id.as_deref().unwrap_or(""));
    id.open_data(&app, session.user_id, json!({ "openGId": gid })).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_round_trip_and_resist_forgery() {
        let k = Keys::from_master(&[4; 32]);
        let t = mint_ticket(&k, 7, 2, 3, 1, 1_700_000_000_000);
        assert_eq!(open_ticket(&k, &t), Some(TicketClaims { share_id: 7, app_id: 2, user_id: 3, host_app_id: 1, issued_at: 1_700_000_000_000 }));
        assert_eq!(open_ticket(&Keys::from_master(&[5; 32]), &t), None);
        assert_eq!(open_ticket(&k, "st_0123456789abcdef01234567"), None);
        // A login code is no share ticket.
        let login = crate::identity::codes::mint(&k, crate::identity::codes::CodeKind::Login, crate::identity::codes::CodeClaims { app_id: 2, user_id: 3, issued_at_ms: 1 });
        assert_eq!(open_ticket(&k, &login), None);
    }

    #[test]
    fn open_gids_are_per_app_and_group() {
        let k = Keys::from_master(&[4; 32]);
        let g = open_gid(&k, "wx0000000000000001", 1, 9, "g-coffee");
        assert!(g.starts_with("tG") && g.len() == 28, "{g}");
        assert_eq!(g, open_gid(&k, "wx0000000000000001", 1, 9, "g-coffee"));
        assert_ne!(g, open_gid(&k, "wx0000000000000002", 1, 9, "g-coffee"));
        assert_ne!(g, open_gid(&k, "wx0000000000000001", 1, 9, "g-books"));
        assert_ne!(g, open_gid(&k, "wx0000000000000001", 2, 9, "g-coffee"));
        assert_ne!(g, open_gid(&k, "wx0000000000000001", 1, 8, "g-coffee"));
    }
}

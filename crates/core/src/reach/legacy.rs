//! Legacy template messages (DESIGN.md rule 3), kept for self-hosted platforms: a
//! submitted form grants 1 message within 7 days, a payment 3 within 7 days; each grant
//! is independent and each id is consumed once per send (41028 invalid or expired,
//! 41029 used up).

use super::store::{FormGrantStore, FormRefusal, TemplateStore};
use super::subscribe::compose;
use crate::error::{ApiError, Code};
use crate::keys::random_bytes;
use serde_json::Value;

pub const GRANT_TTL_MS: i64 = 7 * 86_400_000;
pub const FORM_SENDS: i64 = 1;
pub const PAYMENT_SENDS: i64 = 3;

/// A form the user submitted in the app: returns its `formId`.
pub async fn record_form(store: &dyn FormGrantStore, app_id: i64, user_id: i64, now: i64) -> Result<String, ApiError> {
    let id = hex::encode(random_bytes::<16>());
    store.add_form_grant(&id, app_id, user_id, "form", FORM_SENDS, now + GRANT_TTL_MS).await?;
    Ok(id)
}

/// A payment the user made in the app (until the payment gateway exists, recorded by the
/// client API): returns its `prepay_id`.
pub async fn record_payment(store: &dyn FormGrantStore, app_id: i64, user_id: i64, now: i64) -> Result<String, ApiError> {
    let id = format!("wx{}", hex::encode(random_bytes::<14>()));
    store.add_form_grant(&id, app_id, user_id, "payment", PAYMENT_SENDS, now + GRANT_TTL_MS).await?;
    Ok(id)
}

/// `wxopen/template/send` to a known recipient.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    tpls: &dyn TemplateStore,
    forms: &dyn FormGrantStore,
    app_id: i64,
    user_id: i64,
    template_id: Option<&str>,
    page: Option<&str>,
    form_id: Option<&str>,
    data: Option<&Value>,
    now: i64,
) -> Result<i64, ApiError> {
    let form_id = form_id.filter(|f| !f.is_empty() && f.len() <= 64).ok_or(Code::InvalidFormId)?;
    let m = compose(tpls, app_id, template_id, page, data).await?;
    let d = m.delivery(app_id, user_id, now);
    match forms.form_deliver(form_id, &d).await? {
        Ok(_) => Ok(d.msgid),
        Err(FormRefusal::Invalid) => Err(Code::InvalidFormId.into()),
        Err(FormRefusal::Used) => Err(Code::FormIdUsed.into()),
    }
}

//! The identity rules at their edges, on SQLite and PostgreSQL: token overlap and
//! expiry, stable_token's own rules, single-use 5-minute codes, the per-user rate limit,
//! unionid scoping, open-platform accounts, sign-in, and races between two nodes.

mod common;

use common::{Backend, Ctx};
use openmini_core::identity::codes::{self, CodeClaims, CodeKind};
use openmini_core::identity::{AppKind, Identity, Policy};
use openmini_core::{wxa_crypto, Code};

fn code_of<T: std::fmt::Debug>(r: Result<T, openmini_core::ApiError>) -> Code {
    r.expect_err("expected an error").code
}

async fn token(id: &Identity, appid: &str, secret: &str) -> String {
    id.issue_token(Some("client_credential"), Some(appid), Some(secret)).await.unwrap().access_token
}

async fn stable(id: &Identity, appid: &str, secret: &str, force: bool) -> Result<String, openmini_core::ApiError> {
    id.stable_token(Some("client_credential"), Some(appid), Some(secret), force).await.map(|t| t.access_token)
}

async fn login(id: &Identity, appid: &str, secret: &str, code: &str) -> Result<openmini_core::identity::service::Session, openmini_core::ApiError> {
    id.code_to_session(Some(appid), Some(secret), Some(code), Some("authorization_code")).await
}

both!(token_overlap_is_five_minutes, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let t1 = token(&c.id, &app.appid, &secret).await;
    c.clock.advance_secs(60);
    let t2 = token(&c.id, &app.appid, &secret).await;
    assert_ne!(t1, t2);
    c.clock.advance_secs(4 * 60 + 59); // 4m59s after t2
    assert!(c.id.authenticate(Some(&t1)).await.is_ok(), "old token works during the overlap");
    c.clock.advance_secs(2); // 5m01s after t2
    assert_eq!(code_of(c.id.authenticate(Some(&t1)).await), Code::InvalidCredential, "replaced: not latest");
    assert!(c.id.authenticate(Some(&t2)).await.is_ok());
    // t2 expires naturally 7200 s after issue.
    c.clock.advance_secs(7200 - 301 - 1);
    assert!(c.id.authenticate(Some(&t2)).await.is_ok());
    c.clock.advance_secs(2);
    assert_eq!(code_of(c.id.authenticate(Some(&t2)).await), Code::AccessTokenExpired);
    assert_eq!(code_of(c.id.authenticate(Some("nope")).await), Code::InvalidCredential);
    assert_eq!(code_of(c.id.authenticate(None).await), Code::AccessTokenMissing);
});

both!(token_credentials_errors, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Service, None).await;
    let id = &c.id;
    async fn e(id: &Identity, g: Option<&str>, a: Option<&str>, s: Option<&str>) -> Result<String, openmini_core::ApiError> {
        id.issue_token(g, a, s).await.map(|t| t.access_token)
    }
    assert_eq!(code_of(e(id, Some("x"), Some(&app.appid), Some(&secret)).await), Code::InvalidGrantType);
    assert_eq!(code_of(e(id, Some("client_credential"), None, Some(&secret)).await), Code::AppidMissing);
    assert_eq!(code_of(e(id, Some("client_credential"), Some("wx0000000000000000"), Some(&secret)).await), Code::InvalidAppid);
    assert_eq!(code_of(e(id, Some("client_credential"), Some("bogus"), Some(&secret)).await), Code::InvalidAppid);
    assert_eq!(code_of(e(id, Some("client_credential"), Some(&app.appid), None).await), Code::AppsecretMissing);
    assert_eq!(code_of(e(id, Some("client_credential"), Some(&app.appid), Some("short")).await), Code::InvalidAppsecret);
    let wrong = "0".repeat(32);
    assert_eq!(code_of(e(id, Some("client_credential"), Some(&app.appid), Some(&wrong)).await), Code::InvalidCredential);
    // A reset secret replaces the old one at once.
    let (_, new_secret) = id.reset_secret(&app.appid).await.unwrap();
    assert_eq!(code_of(e(id, Some("client_credential"), Some(&app.appid), Some(&secret)).await), Code::InvalidCredential);
    assert!(e(id, Some("client_credential"), Some(&app.appid), Some(&new_secret)).await.is_ok());
});

both!(stable_token_rules, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let s1 = stable(&c.id, &app.appid, &secret, false).await.unwrap();
    assert_eq!(s1, stable(&c.id, &app.appid, &secret, false).await.unwrap(), "normal mode: same token");
    // Independent of /cgi-bin/token.
    let plain = token(&c.id, &app.appid, &secret).await;
    assert_eq!(s1, stable(&c.id, &app.appid, &secret, false).await.unwrap());
    assert!(c.id.authenticate(Some(&plain)).await.is_ok());
    // With more than 5 minutes left: still the same; in the last 5 minutes: a new one,
    // and the old one keeps working until it expires.
    c.clock.advance_secs(7200 - 301);
    assert_eq!(s1, stable(&c.id, &app.appid, &secret, false).await.unwrap());
    c.clock.advance_secs(2);
    let s2 = stable(&c.id, &app.appid, &secret, false).await.unwrap();
    assert_ne!(s1, s2);
    assert!(c.id.authenticate(Some(&s1)).await.is_ok());
    // force_refresh: a new token now, the old one stops at once.
    let s3 = stable(&c.id, &app.appid, &secret, true).await.unwrap();
    assert_ne!(s2, s3);
    assert_eq!(code_of(c.id.authenticate(Some(&s2)).await), Code::InvalidCredential);
    assert!(c.id.authenticate(Some(&s3)).await.is_ok());
    // …at most every 30 seconds: 29 s later refused, 30 s later allowed.
    c.clock.advance_secs(29);
    assert_eq!(code_of(stable(&c.id, &app.appid, &secret, true).await), Code::MinuteQuota);
    c.clock.advance_secs(1);
    assert!(stable(&c.id, &app.appid, &secret, true).await.is_ok());
});

both!(stable_token_force_refresh_daily_limit, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    // Local midnight (T0 is 10:00 +08:00), so all 20 fall on one day.
    c.clock.set_ms(common::T0 - 10 * 3_600_000);
    let day = c.id.policy().day_of(c.id.now());
    for i in 0..20 {
        assert!(stable(&c.id, &app.appid, &secret, true).await.is_ok(), "force refresh #{}", i + 1);
        c.clock.advance_secs(30);
    }
    assert_eq!(c.id.policy().day_of(c.id.now()), day);
    assert_eq!(code_of(stable(&c.id, &app.appid, &secret, true).await), Code::DailyQuota, "21st of the day");
    // The next local day allows them again.
    let next_midnight = (day + 1) * 86_400_000 - 8 * 3_600_000;
    c.clock.set_ms(next_midnight - 1);
    assert_eq!(code_of(stable(&c.id, &app.appid, &secret, true).await), Code::DailyQuota);
    c.clock.set_ms(next_midnight);
    assert!(stable(&c.id, &app.appid, &secret, true).await.is_ok());
});

both!(login_codes_live_five_minutes_and_are_single_use, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    c.clock.advance_secs(4 * 60 + 59);
    let s = login(&c.id, &app.appid, &secret, &code).await.unwrap();
    assert_eq!(s.openid.len(), 28);
    assert!(s.unionid.is_none(), "unbound app: no unionid");
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &code).await), Code::CodeBeenUsed);

    let late = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    c.clock.advance_secs(5 * 60 + 1);
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &late).await), Code::InvalidCode, "5m01s: expired");

    // Codes are bound to their app and their kind.
    let (other, other_secret) = c.app(AppKind::Miniprogram, None).await;
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(login(&c.id, &other.appid, &other_secret, &code).await), Code::InvalidCode);
    let phone = c.id.mint_phone_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &phone).await), Code::InvalidCode);
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, "garbage").await), Code::InvalidCode);
    // A forged code (valid shape, wrong key) is refused.
    let forged = codes::mint(
        &openmini_core::keys::Keys::from_master(&[9; 32]),
        CodeKind::Login,
        CodeClaims { app_id: app.id, user_id: u.id, issued_at_ms: c.id.now() },
    );
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &forged).await), Code::InvalidCode);
    // Wrong secret and missing code.
    assert_eq!(code_of(login(&c.id, &app.appid, &"f".repeat(32), &code).await), Code::InvalidAppsecret);
    assert_eq!(code_of(c.id.code_to_session(Some(&app.appid), Some(&secret), None, None).await), Code::CodeMissing);
    // The untouched code still works after all those refusals.
    assert!(login(&c.id, &app.appid, &secret, &code).await.is_ok());
});

both!(blocked_users_cannot_log_in, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let host = c.id.store().create_host_app("Shell", c.id.now()).await.unwrap();
    let u = c.user().await;
    let signin = c.id.signin_start(&u.phone).await.unwrap();
    let (session_token, _) = c.id.signin_verify(&u.phone, &signin, host.id).await.unwrap();
    let session = c.id.client_session(&session_token).await.unwrap();
    let code = c.id.session_login_code(&app.appid, &session).await.unwrap();
    assert!(c.id.store().set_user_blocked(u.id, true).await.unwrap());
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &code).await), Code::HighRiskUser);
    assert_eq!(code_of(c.id.mint_login_code(&app.appid, u.id).await), Code::HighRiskUser);
    assert!(c.id.client_session(&session_token).await.is_err(), "blocking ends host sessions");
    assert!(!c.id.store().set_user_blocked(999_999, true).await.unwrap(), "unknown user");
    // Unblocked, the same unspent code works.
    assert!(c.id.store().set_user_blocked(u.id, false).await.unwrap());
    assert!(login(&c.id, &app.appid, &secret, &code).await.is_ok());
});

both!(code2session_allows_100_per_user_per_minute, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let other = c.user().await;
    // Start of a minute, so all calls fall into one window.
    c.clock.set_ms((common::T0 / 60_000 + 1) * 60_000);
    for i in 0..100 {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        assert!(login(&c.id, &app.appid, &secret, &code).await.is_ok(), "call {}", i + 1);
    }
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &code).await), Code::MinuteQuota, "101st");
    // Another user is unaffected.
    let oc = c.id.mint_login_code(&app.appid, other.id).await.unwrap();
    assert!(login(&c.id, &app.appid, &secret, &oc).await.is_ok());
    // The refused code was not spent: it works in the next minute.
    c.clock.advance_secs(59);
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &code).await), Code::MinuteQuota);
    c.clock.advance_secs(1);
    assert!(login(&c.id, &app.appid, &secret, &code).await.is_ok());
});

both!(unionid_is_per_open_account_and_openid_per_app, |c: Ctx| async move {
    let subject = c.id.create_subject("Coffee").await.unwrap();
    let account = c.id.create_open_account(subject.id, false).await.unwrap();
    let (mp, mp_secret) = c.app_of(subject.id, AppKind::Miniprogram, Some(&account.open_appid)).await;
    let (mp2, mp2_secret) = c.app_of(subject.id, AppKind::Miniprogram, Some(&account.open_appid)).await;
    let other_subject = c.id.create_subject("Books").await.unwrap();
    let other_account = c.id.create_open_account(other_subject.id, false).await.unwrap();
    let (mp3, mp3_secret) = c.app_of(other_subject.id, AppKind::Miniprogram, Some(&other_account.open_appid)).await;
    let u = c.user().await;
    let v = c.user().await;
    let mut sessions = vec![];
    for (app, secret) in [(&mp, &mp_secret), (&mp2, &mp2_secret), (&mp3, &mp3_secret)] {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        sessions.push(login(&c.id, &app.appid, secret, &code).await.unwrap());
    }
    assert_eq!(sessions[0].unionid, sessions[1].unionid, "same account: same unionid");
    assert_ne!(sessions[0].openid, sessions[1].openid, "different apps: different openids");
    assert_ne!(sessions[0].unionid, sessions[2].unionid, "different accounts: different unionids");
    assert!(sessions.iter().all(|s| s.unionid.as_ref().is_some_and(|u| u.len() == 28)));
    // Another user gets other ids; the same user gets the same openid again.
    let code = c.id.mint_login_code(&mp.appid, v.id).await.unwrap();
    assert_ne!(login(&c.id, &mp.appid, &mp_secret, &code).await.unwrap().openid, sessions[0].openid);
    let code = c.id.mint_login_code(&mp.appid, u.id).await.unwrap();
    assert_eq!(login(&c.id, &mp.appid, &mp_secret, &code).await.unwrap().openid, sessions[0].openid);
});

both!(ids_survive_a_restart, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    let before = login(&c.id, &app.appid, &secret, &code).await.unwrap();
    let again = c.node().await; // reopens the store: the platform key comes from it
    let code = again.mint_login_code(&app.appid, u.id).await.unwrap();
    assert_eq!(login(&again, &app.appid, &secret, &code).await.unwrap().openid, before.openid);
});

both!(checksession_and_user_profile, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    assert!(c.id.user_profile(&app.appid, u.id).await.is_err(), "no session yet");
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    let s = login(&c.id, &app.appid, &secret, &code).await.unwrap();
    let t = token(&c.id, &app.appid, &secret).await;
    let sig = wxa_crypto::session_signature(&s.session_key);
    let check = |o: &str, sig: &str, m: &str| {
        let (t, o, sig, m) = (t.clone(), o.to_string(), sig.to_string(), m.to_string());
        let id = c.id.clone();
        async move { id.check_session(Some(&t), Some(&o), Some(&sig), Some(&m)).await }
    };
    assert!(check(&s.openid, &sig, "hmac_sha256").await.is_ok());
    assert_eq!(code_of(check(&s.openid, &"0".repeat(64), "hmac_sha256").await), Code::InvalidSignature);
    assert_eq!(code_of(check("ounknown", &sig, "hmac_sha256").await), Code::InvalidOpenid);
    assert_eq!(code_of(check(&s.openid, &sig, "md5").await), Code::InvalidArgs);
    // A new login replaces the session key: the old signature fails.
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    let s2 = login(&c.id, &app.appid, &secret, &code).await.unwrap();
    assert_eq!(code_of(check(&s.openid, &sig, "hmac_sha256").await), Code::InvalidSignature);
    // Profile data decrypts with the current key and carries the watermark.
    let p = c.id.user_profile(&app.appid, u.id).await.unwrap();
    let v = wxa_crypto::decrypt(&s2.session_key, &p.iv, &p.encrypted_data, &app.appid).unwrap();
    assert_eq!(v["openId"], s2.openid.as_str());
    assert_eq!(v["watermark"]["appid"], app.appid.as_str());
    assert_eq!(p.signature, wxa_crypto::raw_data_signature(&p.raw_data, &s2.session_key));
    assert!(wxa_crypto::decrypt(&s.session_key, &p.iv, &p.encrypted_data, &app.appid).is_err());
});

both!(phone_numbers_need_a_single_use_consent_code, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.id.create_user("+86 138 0013 8123", Some("P")).await.unwrap();
    let t = token(&c.id, &app.appid, &secret).await;
    let code = c.id.mint_phone_code(&app.appid, u.id).await.unwrap();
    let p = c.id.phone_number(Some(&t), Some(&code)).await.unwrap();
    assert_eq!(p.pure_phone_number, "13800138123");
    assert_eq!(p.phone_number, "13800138123");
    assert_eq!(p.country_code, 86);
    assert_eq!(p.appid, app.appid);
    assert_eq!(code_of(c.id.phone_number(Some(&t), Some(&code)).await), Code::CodeBeenUsed);
    // A login code is not a phone code; another app's token cannot redeem it.
    let login_code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(c.id.phone_number(Some(&t), Some(&login_code)).await), Code::InvalidCode);
    let (other, other_secret) = c.app(AppKind::Miniprogram, None).await;
    let t2 = token(&c.id, &other.appid, &other_secret).await;
    let code = c.id.mint_phone_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(c.id.phone_number(Some(&t2), Some(&code)).await), Code::InvalidCode);
    c.clock.advance_secs(301);
    assert_eq!(code_of(c.id.phone_number(Some(&t), Some(&code)).await), Code::InvalidCode, "expired");
});

both!(open_platform_accounts, |c: Ctx| async move {
    let subject = c.id.create_subject("Coffee").await.unwrap();
    let (mp, secret) = c.app_of(subject.id, AppKind::Miniprogram, None).await;
    let (svc, svc_secret) = c.app_of(subject.id, AppKind::Service, None).await;
    let (stranger, stranger_secret) = c.app(AppKind::Miniprogram, None).await;
    let t = token(&c.id, &mp.appid, &secret).await;
    let ts = token(&c.id, &svc.appid, &svc_secret).await;
    let tx = token(&c.id, &stranger.appid, &stranger_secret).await;

    assert!(!c.id.open_have(Some(&t)).await.unwrap());
    assert_eq!(code_of(c.id.open_get(Some(&t), Some(&mp.appid)).await), Code::OpenNotExists);
    assert_eq!(code_of(c.id.open_create(Some(&t), Some(&svc.appid)).await), Code::ApiUnauthorized, "not its own app");
    let open = c.id.open_create(Some(&t), Some(&mp.appid)).await.unwrap();
    assert!(c.id.open_have(Some(&t)).await.unwrap());
    assert_eq!(c.id.open_get(Some(&t), Some(&mp.appid)).await.unwrap(), open);
    assert_eq!(code_of(c.id.open_create(Some(&t), Some(&mp.appid)).await), Code::AlreadyBoundOpen);
    c.id.open_bind(Some(&ts), Some(&svc.appid), Some(&open)).await.unwrap();
    assert_eq!(code_of(c.id.open_bind(Some(&ts), Some(&svc.appid), Some(&open)).await), Code::AlreadyBoundOpen);
    assert_eq!(code_of(c.id.open_bind(Some(&tx), Some(&stranger.appid), Some(&open)).await), Code::NotSameSubject);
    assert_eq!(code_of(c.id.open_bind(Some(&tx), Some(&stranger.appid), Some("wx0000000000000000")).await), Code::OpenNotExists);
    c.id.open_unbind(Some(&ts), Some(&svc.appid), Some(&open)).await.unwrap();
    assert_eq!(code_of(c.id.open_get(Some(&ts), Some(&svc.appid)).await), Code::OpenNotExists);
    assert_eq!(code_of(c.id.open_unbind(Some(&ts), Some(&svc.appid), Some(&open)).await), Code::OpenNotExists);
});

both!(open_account_bind_limit_is_exact, |c: Ctx| async move {
    let subject = c.id.create_subject("Many").await.unwrap();
    let account = c.id.create_open_account(subject.id, false).await.unwrap();
    let store = c.id.store().clone();
    let mut apps = vec![];
    for _ in 0..6 {
        apps.push(c.app_of(subject.id, AppKind::Website, None).await.0);
    }
    // A limit of 4: concurrent binds of 6 apps, exactly 4 succeed.
    let mut tasks = vec![];
    for a in apps {
        let (store, open) = (store.clone(), account.open_appid.clone());
        tasks.push(tokio::spawn(async move { store.bind_app(a.id, &open, 4).await.unwrap() }));
    }
    let mut bound = 0;
    for t in tasks {
        if t.await.unwrap() == openmini_core::identity::store::BindOutcome::Bound {
            bound += 1;
        }
    }
    assert_eq!(bound, 4);
});

both!(demo_signin_codes, |c: Ctx| async move {
    let host = c.id.store().create_host_app("Shell", c.id.now()).await.unwrap();
    let code = c.id.signin_start("13700000001").await.unwrap();
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(c.id.signin_verify("13700000001", wrong, host.id).await.is_err());
    let (token, user) = c.id.signin_verify("13700000001", &code, host.id).await.unwrap();
    assert_eq!(user.phone, "13700000001");
    assert_eq!(c.id.client_session(&token).await.unwrap().user_id, user.id);
    assert!(c.id.signin_verify("13700000001", &code, host.id).await.is_err(), "single use");
    // Five wrong attempts burn the challenge, even for the right code afterwards.
    let code = c.id.signin_start("13700000001").await.unwrap();
    for _ in 0..5 {
        assert!(c.id.signin_verify("13700000001", wrong, host.id).await.is_err());
    }
    assert!(c.id.signin_verify("13700000001", &code, host.id).await.is_err());
    // Expiry after 5 minutes.
    let code = c.id.signin_start("13700000001").await.unwrap();
    c.clock.advance_secs(301);
    assert!(c.id.signin_verify("13700000001", &code, host.id).await.is_err());
    // Signing out ends the session; the same user signs in again.
    c.id.signout(&token).await.unwrap();
    assert!(c.id.client_session(&token).await.is_err());
    let code = c.id.signin_start("+86 137 0000 0001").await.unwrap();
    let (_, again) = c.id.signin_verify("13700000001", &code, host.id).await.unwrap();
    assert_eq!(again.id, user.id);
});

both!(prune_removes_only_what_expired, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    login(&c.id, &app.appid, &secret, &code).await.unwrap();
    let t = token(&c.id, &app.appid, &secret).await;
    assert_eq!(c.id.store().prune(c.id.now()).await.unwrap(), 0);
    c.clock.advance_secs(301);
    assert!(c.id.store().prune(c.id.now()).await.unwrap() >= 2, "code ledger and rate window");
    // An expired code is still refused after its ledger row is gone.
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &code).await), Code::InvalidCode);
    assert!(c.id.authenticate(Some(&t)).await.is_ok());
});

/// Two nodes on one store race to redeem the same code: exactly one wins.
async fn race_for_one_code(c: Ctx) {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let nodes = [c.id.clone(), c.node().await];
    for round in 0..10 {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        let mut tasks = vec![];
        for i in 0..8 {
            let node = nodes[i % 2].clone();
            let (appid, secret, code) = (app.appid.clone(), secret.clone(), code.clone());
            tasks.push(tokio::spawn(async move { login(&node, &appid, &secret, &code).await }));
        }
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => wins += 1,
                Err(e) => assert_eq!(e.code, Code::CodeBeenUsed),
            }
        }
        assert_eq!(wins, 1, "round {round}");
    }
}

both!(two_nodes_race_for_one_code, race_for_one_code);

/// Two nodes race for the last calls of a user's minute: exactly the limit succeeds.
async fn race_for_the_last_calls(c: Ctx) {
    let policy = Policy { code2session_per_minute: 5, ..Policy::default() };
    let c = Ctx::with_policy(if c.place.schema.is_some() { Backend::Postgres } else { Backend::Sqlite }, policy).await;
    c.clock.set_ms((common::T0 / 60_000 + 1) * 60_000);
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let nodes = [c.id.clone(), c.node().await];
    let mut tasks = vec![];
    for i in 0..12 {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        let node = nodes[i % 2].clone();
        let (appid, secret) = (app.appid.clone(), secret.clone());
        tasks.push(tokio::spawn(async move { login(&node, &appid, &secret, &code).await }));
    }
    let (mut ok, mut limited) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.code == Code::MinuteQuota => limited += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((ok, limited), (5, 7));
}

both!(two_nodes_race_for_the_last_calls_of_a_minute, race_for_the_last_calls);

both!(concurrent_token_calls_do_not_cut_each_other_short, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let nodes = [c.id.clone(), c.node().await];
    // Same instant, two nodes: neither is "previous" to the other.
    let (a, b) = tokio::join!(token(&nodes[0], &app.appid, &secret), token(&nodes[1], &app.appid, &secret));
    c.clock.advance_secs(600);
    assert!(c.id.authenticate(Some(&a)).await.is_ok());
    assert!(c.id.authenticate(Some(&b)).await.is_ok());
    // A later call replaces both after the overlap.
    c.clock.advance_secs(1);
    token(&c.id, &app.appid, &secret).await;
    c.clock.advance_secs(301);
    assert_eq!(code_of(c.id.authenticate(Some(&a)).await), Code::InvalidCredential);
    assert_eq!(code_of(c.id.authenticate(Some(&b)).await), Code::InvalidCredential);
});

both!(concurrent_first_stable_tokens_agree_and_work, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let nodes = [c.id.clone(), c.node().await, c.node().await];
    let mut tasks = vec![];
    for i in 0..6 {
        let (node, appid, secret) = (nodes[i % 3].clone(), app.appid.clone(), secret.clone());
        tasks.push(tokio::spawn(async move { stable(&node, &appid, &secret, false).await.unwrap() }));
    }
    let mut tokens = vec![];
    for t in tasks {
        tokens.push(t.await.unwrap());
    }
    // Whatever each caller got works; afterwards everyone gets the current one.
    for t in &tokens {
        assert!(c.id.authenticate(Some(t)).await.is_ok(), "a stable token handed out is dead");
    }
    let current = stable(&c.id, &app.appid, &secret, false).await.unwrap();
    assert!(tokens.contains(&current));
});

both!(blocked_users_get_no_phone_number_and_bind_limits_hold_at_creation, |c: Ctx| async move {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let t = token(&c.id, &app.appid, &secret).await;
    let code = c.id.mint_phone_code(&app.appid, u.id).await.unwrap();
    c.id.store().set_user_blocked(u.id, true).await.unwrap();
    assert_eq!(code_of(c.id.phone_number(Some(&t), Some(&code)).await), Code::HighRiskUser);
    // Creating an app into a full account creates nothing.
    let subject = c.id.create_subject("Full").await.unwrap();
    let account = c.id.create_open_account(subject.id, false).await.unwrap();
    let before = c.id.store().list_apps().await.unwrap().len();
    let new = openmini_core::identity::store::NewApp {
        appid: openmini_core::keys::new_appid(),
        subject_id: subject.id,
        kind: AppKind::Website,
        name: "x".into(),
        secret_hash: "h".into(),
        open_appid: Some(account.open_appid.clone()),
        created_at: 0,
    };
    assert!(c.id.store().create_app(&new, 0).await.unwrap().is_none());
    assert_eq!(c.id.store().list_apps().await.unwrap().len(), before);
    // open/create on an app already bound creates no orphan account.
    let (bound, bound_secret) = c.app_of(subject.id, AppKind::Service, Some(&account.open_appid)).await;
    let tb = token(&c.id, &bound.appid, &bound_secret).await;
    assert_eq!(code_of(c.id.open_create(Some(&tb), Some(&bound.appid)).await), Code::AlreadyBoundOpen);
});

both!(signin_codes_are_rate_limited_per_number, |c: Ctx| async move {
    for _ in 0..5 {
        c.id.signin_start("13600000000").await.unwrap();
    }
    assert_eq!(code_of(c.id.signin_start("13600000000").await), Code::MinuteQuota);
    assert!(c.id.signin_start("13600000001").await.is_ok(), "another number is unaffected");
    c.clock.advance_secs(3600);
    assert!(c.id.signin_start("13600000000").await.is_ok(), "next hour");
});

both!(a_replayed_code_counts_as_a_call_but_refused_calls_do_not, |c: Ctx| async move {
    let policy_limit = c.id.policy().code2session_per_minute;
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    c.clock.set_ms((common::T0 / 60_000 + 1) * 60_000);
    let first = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    login(&c.id, &app.appid, &secret, &first).await.unwrap();
    for _ in 1..policy_limit - 1 {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        login(&c.id, &app.appid, &secret, &code).await.unwrap();
    }
    // Call 100: a replay, refused as used but counted.
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &first).await), Code::CodeBeenUsed);
    // Call 101 is over the limit, and refusing it does not count it: still refused
    // as over the limit (not as used) for the replay too.
    let fresh = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &fresh).await), Code::MinuteQuota);
    assert_eq!(code_of(login(&c.id, &app.appid, &secret, &first).await), Code::MinuteQuota);
    c.clock.advance_secs(60);
    assert!(login(&c.id, &app.appid, &secret, &fresh).await.is_ok());
});

/// Many users at once on two nodes: batches mix users, replays race across nodes, and
/// every code is spent exactly once.
async fn many_users_at_once(c: Ctx) {
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let nodes = [c.id.clone(), c.node().await];
    let mut users = vec![];
    for _ in 0..12 {
        users.push(c.user().await);
    }
    let mut tasks = vec![];
    let mut codes = vec![];
    for u in &users {
        for _ in 0..2 {
            let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
            codes.push((u.id, code.clone()));
            for node in &nodes {
                let (node, appid, secret, code) = (node.clone(), app.appid.clone(), secret.clone(), code.clone());
                tasks.push(tokio::spawn(async move { (code.clone(), login(&node, &appid, &secret, &code).await) }));
            }
        }
    }
    let mut wins = std::collections::HashMap::new();
    for t in tasks {
        let (code, r) = t.await.unwrap();
        match r {
            Ok(s) => {
                assert_eq!(s.openid.len(), 28);
                *wins.entry(code).or_insert(0) += 1;
            }
            Err(e) => assert_eq!(e.code, Code::CodeBeenUsed),
        }
    }
    assert_eq!(wins.len(), codes.len(), "every code redeemed once");
    assert!(wins.values().all(|&n| n == 1), "no code redeemed twice: {wins:?}");
    // Each user's session is the one of their last successful login: checksession works.
    let t = token(&c.id, &app.appid, &secret).await;
    for u in &users {
        let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
        let s = login(&c.id, &app.appid, &secret, &code).await.unwrap();
        let sig = wxa_crypto::session_signature(&s.session_key);
        assert!(c.id.check_session(Some(&t), Some(&s.openid), Some(&sig), Some("hmac_sha256")).await.is_ok());
    }
}

both!(many_users_log_in_at_once_on_two_nodes, many_users_at_once);

// Demo sign-in (docs/client-api.md, "Demo sign-in"): a phone number, a 6-digit code
// that the server prints in its log (there is no SMS gateway), then a session token
// that the host keeps in its own origin's storage.

import { post } from './api.js';
import { h, fill } from './dom.js';
import * as session from './session.js';

/** The users `openmini serve` seeds into an empty store (crates/server/src/seed.rs). */
const DEMO_USERS = [
  { name: '张三', phone: '13800138000' },
  { name: '李四', phone: '13900139000' },
  { name: 'Alice', phone: '+1 4155550100' },
];

/** Draws the sign-in screen into `root`; `done(user)` after a successful verify. */
export function showSignin(root, done, notice) {
  const phone = h('input#signin-phone', { type: 'tel', inputmode: 'tel', autocomplete: 'tel', placeholder: '请填写手机号', 'aria-label': '手机号', required: true });
  const code = h('input#signin-code', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, placeholder: '请填写验证码', 'aria-label': '验证码', required: true });
  const getCode = h('button#signin-get.code-btn', { type: 'button' }, '获取验证码');
  const submit = h('button#signin-submit.primary-btn', { type: 'submit', disabled: true }, '登录');
  const status = h('p#signin-status.signin-status', { role: 'status', 'aria-live': 'polite' }, notice || '');
  let timer = 0;

  const update = () => (submit.disabled = !(phone.value.trim() && /^\d{6}$/.test(code.value.trim())));
  phone.addEventListener('input', update);
  code.addEventListener('input', update);

  getCode.addEventListener('click', async () => {
    const p = phone.value.trim();
    if (!p) {
      status.textContent = '请先填写手机号';
      phone.focus();
      return;
    }
    getCode.disabled = true;
    try {
      const r = await post('/signin/start', { phone: p });
      status.textContent = `验证码已生成，${Math.round((r.expires_in || 300) / 60)} 分钟内有效。演示环境没有短信网关：验证码打印在服务器日志中（openmini::signin … signin_code=）。`;
      let left = 60;
      getCode.textContent = `${left}秒后重发`;
      timer = setInterval(() => {
        left--;
        if (left <= 0) {
          clearInterval(timer);
          getCode.disabled = false;
          getCode.textContent = '重新获取';
        } else getCode.textContent = `${left}秒后重发`;
      }, 1000);
      code.focus();
    } catch (e) {
      getCode.disabled = false;
      status.textContent = e.errcode === 40097 ? '手机号格式不正确' : e.errcode === 45011 ? '获取验证码过于频繁，请稍后再试' : e.text || e.message;
    }
  });

  const form = h(
    'form.signin-form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          const r = await post('/signin/verify', { phone: phone.value.trim(), code: code.value.trim() });
          clearInterval(timer);
          session.save(r.token, r.user);
          done(r.user);
        } catch (err) {
          status.textContent = err.errcode === 40029 ? '验证码错误或已失效' : err.errcode === 40226 ? '该账号已被封禁' : err.text || err.message;
          update();
        }
      },
    },
    h('label.field', h('span.field-label', '国家/地区'), h('span.field-value', '中国大陆 (+86)')),
    h('label.field', { for: 'signin-phone' }, h('span.field-label', '手机号'), phone),
    h('div.field', h('label.field-label', { for: 'signin-code' }, '验证码'), code, getCode),
    status,
    submit
  );

  const picks = h(
    'div.demo-users',
    h('p.demo-title', '演示账号'),
    DEMO_USERS.map((u) =>
      h('button.demo-user', { type: 'button', onclick: () => ((phone.value = u.phone), update(), getCode.focus()) }, h('span', u.name), h('span.demo-phone', u.phone))
    )
  );

  fill(root, h('section.signin', { 'aria-labelledby': 'signin-title' }, h('h1#signin-title', '手机号登录'), form, picks, h('p.signin-foot', 'OpenMini · 开源小程序平台')));
  setTimeout(() => phone.focus(), 0);
}

// The login page: name and password, a plain answer for a wrong password and for too many failed
// tries (with the wait counting down), then on to the page that sent the person here (only a path
// on this kiosk) or to their role's own page. The password only ever travels in the request body.

import { bilingualText as bilingual, byId, el } from '../shared/dom.ts';
import {
  fetchSession,
  isRole,
  loginUrl,
  logout,
  ROLE_HOME,
  ROLE_LABELS,
  type Role,
  type Session,
  safeNext,
} from '../shared/session.ts';
import { logIn } from './login-api.ts';

const notice = byId('notice');
const signedIn = byId('signed-in');
const signedInWho = byId('signed-in-who');
const continueLink = byId<HTMLAnchorElement>('continue');
const switchButton = byId<HTMLButtonElement>('switch');
const switchError = byId('switch-error');
const form = byId<HTMLFormElement>('login-form');
const fields = byId<HTMLFieldSetElement>('fields');
const nameInput = byId<HTMLInputElement>('name');
const passwordInput = byId<HTMLInputElement>('password');
const reveal = byId<HTMLButtonElement>('reveal');
const message = byId('message');
const submit = byId<HTMLButtonElement>('submit');

const params = new URLSearchParams(window.location.search);
const next = safeNext(params.get('next'));
/** The roles the page that sent the person here needs (only known role names are taken). */
const need: Role[] = (params.get('need') ?? '').split(',').filter(isRole);

/** The page that sent the person here when their role may open it, else their role's page. */
function destination(role: Role): string {
  if (next && (need.length === 0 || need.includes(role))) return next;
  return ROLE_HOME[role];
}

const roleList = (zh: boolean) => need.map((r) => ROLE_LABELS[r][zh ? 'zh' : 'en']).join(zh ? '、' : ', ');

function showNotice(): void {
  if (need.length > 0) {
    notice.replaceChildren(
      bilingual(
        `该页面需要以下身份之一：${roleList(true)}。`,
        `That page is for: ${roleList(false)}. Log in with such an account.`,
      ),
    );
    notice.dataset.kind = 'need';
  } else if (params.get('loggedOut') === '1') {
    notice.replaceChildren(bilingual('已退出登录。', 'You have logged out.'));
    notice.dataset.kind = 'logged-out';
  } else if (next) {
    notice.replaceChildren(bilingual('请先登录。', 'Please log in first.'));
    notice.dataset.kind = 'log-in-first';
  } else {
    return;
  }
  notice.hidden = false;
}

// --- already logged in -----------------------------------------------------------------------

function showSignedIn(session: Session): void {
  const { name, role } = session.user;
  const label = ROLE_LABELS[role];
  signedInWho.replaceChildren(
    el('strong', 'who-name', name),
    ' ',
    el('span', 'who-role', `${label.zh} · ${label.en}`),
  );
  const target = destination(role);
  continueLink.href = target;
  continueLink.dataset.target = target;
  if (need.length > 0 && !need.includes(role)) {
    continueLink.replaceChildren(bilingual('打开我的页面', 'Open my page'));
  }
  signedIn.hidden = false;
  form.hidden = true;
  switchButton.onclick = async () => {
    switchButton.disabled = true;
    switchError.hidden = true;
    try {
      // Back to this page, with its `next`, and no session.
      await logout(session, loginUrl(next, need));
    } catch (err) {
      switchError.textContent = `退出失败 · Could not log out: ${err instanceof Error ? err.message : String(err)}`;
      switchError.hidden = false;
      switchButton.disabled = false;
    }
  };
}

// --- the form --------------------------------------------------------------------------------

let busy = false;
/** While the kiosk takes no attempts: when that ends (ms since the epoch). */
let waitEnds = 0;
let waitTimer: number | undefined;
let answers = 0;

type MessageKind = 'missing' | 'wrong' | 'wait' | 'ready' | 'failed' | 'ok';

function say(kind: MessageKind, ...content: (Node | string)[]): void {
  message.dataset.kind = kind;
  message.replaceChildren(...content);
  message.hidden = false;
}

function answered(): void {
  answers++;
  message.dataset.answers = String(answers);
}

function stopWait(): void {
  if (waitTimer !== undefined) window.clearInterval(waitTimer);
  waitTimer = undefined;
  waitEnds = 0;
}

function startWait(seconds: number): void {
  stopWait();
  waitEnds = Date.now() + seconds * 1000;
  // The numbers count down quietly: the message was read out once when it appeared.
  const countZh = el('b', 'countdown', String(seconds));
  const countEn = el('b', 'countdown', String(seconds));
  for (const c of [countZh, countEn]) c.setAttribute('aria-live', 'off');
  const zh = el('span', 'zh');
  zh.append('登录失败次数过多，请在 ', countZh, ' 秒后再试。');
  const en = el('span', 'en');
  en.append('Too many failed logins: try again in ', countEn, ' s.');
  say('wait', zh, ' ', en);
  submit.disabled = true;
  const tick = () => {
    const left = Math.max(0, Math.ceil((waitEnds - Date.now()) / 1000));
    countZh.textContent = String(left);
    countEn.textContent = String(left);
    message.dataset.remaining = String(left);
    if (left > 0) return;
    stopWait();
    submit.disabled = false;
    say('ready', bilingual('现在可以再试一次。', 'You may try again now.'));
    passwordInput.focus();
  };
  tick();
  waitTimer = window.setInterval(tick, 250);
}

reveal.addEventListener('click', () => {
  const shown = passwordInput.type === 'password';
  passwordInput.type = shown ? 'text' : 'password';
  reveal.setAttribute('aria-pressed', String(shown));
  reveal.replaceChildren(shown ? bilingual('隐藏', 'Hide') : bilingual('显示', 'Show'));
});

function hidePassword(): void {
  passwordInput.type = 'password';
  reveal.setAttribute('aria-pressed', 'false');
  reveal.replaceChildren(bilingual('显示', 'Show'));
}

form.noValidate = true;
form.addEventListener('submit', async (event) => {
  // The page itself talks to the kiosk: the form is never sent by the browser.
  event.preventDefault();
  if (busy || waitEnds > Date.now()) return;
  const name = nameInput.value.trim();
  const password = passwordInput.value;
  if (!name || !password) {
    say('missing', bilingual('请输入用户名和密码。', 'Enter your name and password.'));
    (name ? passwordInput : nameInput).focus();
    return;
  }
  busy = true;
  submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  const answer = await logIn(name, password);
  busy = false;
  form.removeAttribute('aria-busy');
  submit.disabled = false;
  switch (answer.kind) {
    case 'ok': {
      passwordInput.value = '';
      hidePassword();
      const target = destination(answer.session.user.role);
      say('ok', bilingual('登录成功，正在打开…', 'Logged in; opening…'));
      answered();
      submit.disabled = true;
      window.location.replace(target);
      return;
    }
    case 'wrong':
      say('wrong', bilingual('用户名或密码错误。', 'Wrong name or password.'));
      passwordInput.value = '';
      passwordInput.focus();
      break;
    case 'wait':
      startWait(answer.seconds);
      break;
    case 'failed':
      say('failed', bilingual(`无法登录：${answer.refusal.zh}`, `Could not log in: ${answer.refusal.en}`));
      break;
  }
  answered();
});

// --- start -----------------------------------------------------------------------------------

async function start(): Promise<void> {
  showNotice();
  let session: Session | null = null;
  try {
    session = await fetchSession();
  } catch (err) {
    console.warn('login: could not ask the kiosk who is logged in', err);
  }
  if (session) {
    showSignedIn(session);
    return;
  }
  // A stray `?next=` that was not a path on this kiosk is dropped from the address bar.
  if (params.has('next') && !next) window.history.replaceState(null, '', loginUrl(null, need));
  fields.disabled = false;
  (nameInput.value ? passwordInput : nameInput).focus();
}

void start().finally(() => {
  document.documentElement.dataset.ready = 'true';
});

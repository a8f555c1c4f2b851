// A real OpenID Connect provider on the loopback for the tests: the `oidc-provider` npm
// package (discovery, JWKS, authorization code with PKCE, signed ID tokens). Signing in at
// the provider needs no form: the test says who signs in next (`provider.next`), and the
// grant is given at once. To test what safeharbor does with a bad token, the provider's token
// answer can have its ID token changed and signed again with the provider's own key (or a
// key it does not publish): `provider.tamper = (claims, header) => ({ claims, key })`.
import http from 'node:http';
import net from 'node:net';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'safeharbor-test';
export const CLIENT_SECRET = 'synthetic-oidc-client-secret-42';

// A free port on the loopback (safeharbor's redirect URI must be registered before it runs).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const b64url = (x) => Buffer.from(x).toString('base64url');

function makeKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    rsa: { ...rsa, kid: 'test-rsa', use: 'sig', alg: 'RS256' },
    ec: { ...ec, kid: 'test-ec', use: 'sig', alg: 'ES256' },
    rogue: { ...rogue, kid: 'test-rsa', use: 'sig', alg: 'RS256' }, // claims our kid, is not ours
  };
}

// Signs claims as a compact JWS with a private JWK (RS256 or ES256).
export function signJwt(claims, jwk, header = {}) {
  const alg = jwk.kty === 'EC' ? 'ES256' : 'RS256';
  const h = { alg, typ: 'JWT', kid: jwk.kid, ...header };
  const input = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(claims))}`;
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const sig = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(sig)}`;
}

// accounts: { id: { email, email_verified, groups } }; shPort: safeharbor's port.
export async function startProvider({ accounts, shPort }) {
  const keys = makeKeys();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const state = { next: null, tamper: null, keys, issuer, tokenAnswers: 0 };
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`http://127.0.0.1:${shPort}/api/v1/oidc/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [keys.rsa, keys.ec] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // the test's person consents to everything asked
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    findAccount: (ctx, id) => accounts[id] && {
      accountId: id,
      claims: () => ({ sub: id, name: `Synthetic ${id}`, ...accounts[id] }),
    },
    cookies: { keys: ['synthetic-cookie-key-for-tests'] },
  });
  provider.proxy = false;
  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    try {
      const m = req.url.match(/^\/interaction\/([^/?]+)/);
      if (m) {
        if (!state.next) { res.writeHead(403).end('nobody is to sign in'); return; }
        await provider.interactionFinished(req, res, { login: { accountId: state.next } }, { mergeWithLastSubmission: false });
        return;
      }
      if (req.method === 'POST' && req.url.startsWith('/token') && state.tamper && !req.headers['x-untouched']) {
        // the provider's own answer, with its ID token changed and signed again
        const body = await new Promise((r) => { let b = ''; req.on('data', (d) => { b += d; }); req.on('end', () => r(b)); });
        const upstream = await fetch(`${issuer}${req.url}`, {
          method: 'POST', body,
          headers: { 'content-type': req.headers['content-type'], authorization: req.headers.authorization ?? '', 'x-untouched': '1' },
        });
        const answer = await upstream.json();
        if (answer.id_token) {
          const [h, p] = answer.id_token.split('.').slice(0, 2).map((x) => JSON.parse(Buffer.from(x, 'base64url')));
          const { claims, key, header } = state.tamper(p, h, keys);
          answer.id_token = signJwt(claims, key ?? keys.rsa, header);
        }
        state.tokenAnswers++;
        res.writeHead(upstream.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(answer));
        return;
      }
      if (req.method === 'POST' && req.url.startsWith('/token')) state.tokenAnswers++;
      callback(req, res);
    } catch (e) {
      process.stderr.write(`provider wrapper: ${e.stack}\n`);
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    ...state,
    state,
    issuer,
    set next(v) { state.next = v; },
    set tamper(fn) { state.tamper = fn; },
    get tokenAnswers() { return state.tokenAnswers; },
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

// Follows a sign-in through redirects like a browser (a cookie jar per host), from
// safeharbor's /api/v1/oidc/start to where safeharbor sends the browser at the end.
// Returns { location, cookies: { [host]: { name: value } }, client cookie header for safeharbor }.
export async function browseSignIn(shUrl, { jar = {}, start = '/api/v1/oidc/start', max = 12 } = {}) {
  let url = new URL(start, shUrl).href;
  for (let i = 0; i < max; i++) {
    const u = new URL(url);
    const cookies = jar[u.host] ?? {};
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [kv, ...attrs] = c.split(';');
      const [k, ...v] = kv.split('=');
      jar[u.host] ??= {};
      if (/max-age=0/i.test(attrs.join(';')) || /expires=Thu, 01 Jan 1970/i.test(attrs.join(';'))) delete jar[u.host][k.trim()];
      else jar[u.host][k.trim()] = v.join('=');
    }
    const loc = res.headers.get('location');
    if (!loc || res.status < 300 || res.status >= 400) return { status: res.status, url, jar, text: await res.text() };
    const next = new URL(loc, url);
    if (next.origin === new URL(shUrl).origin && !next.pathname.startsWith('/api/')) {
      return { location: next.pathname + next.search, jar, host: new URL(shUrl).host };
    }
    url = next.href;
  }
  throw new Error('too many redirects');
}

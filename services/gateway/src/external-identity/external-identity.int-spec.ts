import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiErrorBody, ApiKeyView, CreatedApiKey } from '@ultra/contracts';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { Client } from 'pg';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'ultra-api';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let gateway: GatewayTestApp;
let jwksServer: Server;
let rsaKey: SigningKey;
let ecKey: SigningKey;
let strangerKey: SigningKey;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(key: SigningKey, alg: 'RS256' | 'ES256', claims: JWTPayload, kid = alg): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

const get = <T>(path: string, token: string) => jsonRequest<T & ApiErrorBody>(gateway.url, 'GET', path, { token });

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'RS256', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ES256', alg: 'ES256', use: 'sig' },
  ];
  jwksServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  gateway = await startGatewayTestApp({
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
  });
});

afterAll(async () => {
  await gateway?.close();
  jwksServer?.closeAllConnections();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

describe('external identity (JWKS)', () => {
  it('accepts RS256 and ES256 tokens and maps both to one local user by email, made on first use', async () => {
    const rs = await sign(rsaKey, 'RS256', { sub: 'idp-1', email: 'Grace@Example.com' });
    const es = await sign(ecKey, 'ES256', { sub: 'idp-1', email: 'grace@example.com' });
    expect((await get('/api/patterns', rs)).status).toBe(200);

    const created = await jsonRequest<CreatedApiKey>(gateway.url, 'POST', '/api/api-keys', {
      token: rs,
      body: { name: 'from idp', scopes: ['read'] },
    });
    expect(created.status).toBe(201);
    const listed = await get<ApiKeyView[]>('/api/api-keys', es);
    expect(listed.status).toBe(200);
    expect(listed.body.map((key) => key.id)).toEqual([created.body.id]);

    const db = new Client({ connectionString: gateway.db.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ password_hash: string }>(
        "SELECT password_hash FROM users WHERE email = 'grace@example.com'",
      );
      expect(rows).toEqual([{ password_hash: expect.stringMatching(/^\$argon2id\$/) }]);
    } finally {
      await db.end();
    }
  });

  it('keeps accepting the gateway’s own HS256 access tokens', async () => {
    const local = await new ApiClient(gateway.url).registerUser();
    expect((await get('/api/patterns', local.token!)).status).toBe(200);
  });

  const claims = { sub: 'idp-2', email: 'mallory@example.com' };
  it.each<[string, () => Promise<string>]>([
    [
      'a wrong issuer',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'RS256' })
          .setIssuer('https://evil.test/')
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(rsaKey),
    ],
    [
      'a wrong audience',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'RS256' })
          .setIssuer(ISSUER)
          .setAudience('someone-else')
          .setExpirationTime('5m')
          .sign(rsaKey),
    ],
    [
      'an expired token',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: 'ES256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setIssuedAt(1_000)
          .setExpirationTime(2_000)
          .sign(ecKey),
    ],
    ['a key outside the JWKS', () => sign(strangerKey, 'RS256', claims)],
    [
      'alg none',
      () =>
        Promise.resolve(
          `${base64url({ alg: 'none' })}.${base64url({ ...claims, iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}.`,
        ),
    ],
    [
      'HS256 with the issuer',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('a-secret-anyone-could-pick-00000')),
    ],
    ['no email claim', () => sign(rsaKey, 'RS256', { sub: 'idp-3' })],
  ])('answers 401 for %s', async (_case, token) => {
    const response = await get('/api/patterns', await token());
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});

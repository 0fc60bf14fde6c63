/**
 * What authentication costs per request: the same small metadata query sent anonymously, with an API
 * key, and with RS256 and ES256 JWTs verified against a JWKS served on loopback (fetched once, then
 * cached), to the built gateway in its own process. Rounds alternate between the variants so that the
 * host's drift falls on all of them alike; the figures are medians over the rounds.
 *
 *   npm run bench:auth [-- --seconds 2 --rounds 5 --concurrency 1,8]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { performance } from 'node:perf_hooks';
import { newApiKey } from '../src/auth/ApiKeys';
import { JwtVerifier } from '../src/auth/JwtVerifier';
import { loadConfig } from '../src/config';
import { startGatewayProcess } from './support/gatewayProcess';
import { percentile, runLoad, type LoadRequest } from './support/httpLoad';
import { numberOption, runCli } from '../scripts/support/cli';

const ISSUER = 'https://issuer.bench/';
const AUDIENCE = 'https://gateway.bench/api';

const USAGE = `usage: npm run bench:auth [-- --seconds 2 --rounds 5 --concurrency 1,8]

The cost of authentication per request: one metadata query sent anonymously, with an API key, and with
RS256 / ES256 JWTs (a JWKS on loopback, fetched once), to the built gateway in its own process; rounds
alternate between the variants and the figures are medians over rounds.`;

async function signer(alg: 'RS256' | 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `bench-${alg}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const sign = (subject: string) =>
    new SignJWT({ scope: 'read classify' }).setProtectedHeader({ alg, kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(subject).setExpirationTime('1h').sign(privateKey);
  return { jwk, token: await sign('bench'), sign };
}

/**
 * What the gateway's per-minute cache saves: the verifier (the gateway's own class, a local key set) on
 * 300 distinct tokens (each checked for the first time), then on one token again and again.
 */
async function signatureCost(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-auth-jwks-'));
  try {
    console.log('\nverification in process (one thread), microseconds per token:');
    for (const alg of ['RS256', 'ES256'] as const) {
      const { sign, jwk } = await signer(alg);
      fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
      const verifier = JwtVerifier.fromConfig(loadConfig({ AUTH_JWKS_FILE: path.join(dir, 'jwks.json'), AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }).auth)!;
      const tokens = await Promise.all(Array.from({ length: 300 }, (_, i) => sign(`user-${i}`)));
      await verifier.verify(await sign('warm-up'));
      let started = performance.now();
      for (const token of tokens) await verifier.verify(token);
      const fresh = ((performance.now() - started) * 1000) / tokens.length;
      started = performance.now();
      for (let i = 0; i < 3000; i++) await verifier.verify(tokens[0]);
      const cached = ((performance.now() - started) * 1000) / 3000;
      console.log(`${alg}: first sight ${fresh.toFixed(0)} us, cached ${cached.toFixed(1)} us`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runCli({ usage: USAGE, options: { seconds: { type: 'string' }, rounds: { type: 'string' }, concurrency: { type: 'string' } } }, ({ values }) =>
  main({
    seconds: numberOption('--seconds', values.seconds, { min: 0.1 }) ?? 2,
    rounds: numberOption('--rounds', values.rounds, { integer: true, min: 1 }) ?? 5,
    concurrencies: (values.concurrency ?? '1,8').split(',').map((item) => numberOption('--concurrency', item, { integer: true, min: 1 })!),
  }),
);

async function main({ seconds, rounds, concurrencies }: { seconds: number; rounds: number; concurrencies: number[] }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-auth-'));
  const [rsa, ec] = await Promise.all([signer('RS256'), signer('ES256')]);
  let jwksFetches = 0;
  const jwks = http.createServer((_req, res) => {
    jwksFetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [rsa.jwk, ec.jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { key, entry } = newApiKey('bench', ['read', 'classify']);
  fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify([entry]));
  const gateway = await startGatewayProcess({
    DEFAULT_MODEL: 'none',
    AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    API_KEYS_FILE: path.join(dir, 'keys.json'),
  });
  try {
    const body = Buffer.from(JSON.stringify({ query: '{ relationTypes { name } }' }));
    const request = (extra: Record<string, string>): LoadRequest => ({
      url: gateway.url,
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...extra },
    });
    const variants: Record<string, LoadRequest> = {
      anonymous: request({}),
      'API key': request({ 'x-api-key': key }),
      'JWT RS256': request({ authorization: `Bearer ${rsa.token}` }),
      'JWT ES256': request({ authorization: `Bearer ${ec.token}` }),
    };
    const check = (answer: any) => {
      if (answer.errors) throw new Error(answer.errors[0].message);
    };
    console.log(`auth cost per request: ${os.cpus().length} cores, ${rounds} rounds x ${seconds} s per variant, alternating; medians over rounds`);
    for (const concurrency of concurrencies) {
      await runLoad(Object.values(variants), { concurrency, seconds: 1, maxRequests: 1e9, timeoutMs: 10_000, check }); // warm-up (and the one JWKS fetch)
      const p50: Record<string, number[]> = {};
      const rate: Record<string, number[]> = {};
      for (let round = 0; round < rounds; round++) {
        for (const [name, variant] of Object.entries(variants)) {
          const result = await runLoad(variant, { concurrency, seconds, maxRequests: 1e9, timeoutMs: 10_000, check });
          if (result.invalid || result.httpErrors || result.transportErrors) throw new Error(`${name}: ${result.firstProblem ?? 'failed requests'}`);
          (p50[name] ??= []).push(percentile(result.okLatencies, 0.5));
          (rate[name] ??= []).push(result.ok / result.seconds);
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const base = { p50: median(p50.anonymous), rate: median(rate.anonymous) };
      console.log(`\nconcurrency ${concurrency}`);
      console.log('variant     p50 ms   +ms vs anonymous   req/s   vs anonymous');
      for (const name of Object.keys(variants)) {
        const ms = median(p50[name]);
        const perSecond = median(rate[name]);
        console.log(
          `${name.padEnd(10)} ${ms.toFixed(3).padStart(7)} ${(ms - base.p50).toFixed(3).padStart(18)} ${perSecond.toFixed(0).padStart(7)} ${(perSecond / base.rate).toFixed(3).padStart(14)}`,
        );
      }
    }
    console.log(`\nJWKS fetched ${jwksFetches} time(s) for the whole run (cached by the gateway).`);
    await signatureCost();
  } finally {
    await gateway.stop();
    jwks.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

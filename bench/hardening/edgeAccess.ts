import { startGatewayProcess } from '../support/gatewayProcess';
import { post, SMALL, withGateway, type Result } from '../support/hardeningHarness';

/** Cases 5-6: foreign origins, and what production hides (introspection, suggestions). */
export async function case5(): Promise<Result> {
  return withGateway({}, async (gw) => {
    const origin = 'https://evil.example';
    const options = await fetch(`${gw.url}/anything`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const postOther = await post(`${gw.url}/anything`, { query: SMALL }, { origin });
    const postRoot = await post(gw.url, { query: SMALL }, { origin });
    return {
      optionsOtherPath: { status: options.status, allowOrigin: options.headers.get('access-control-allow-origin') },
      postOtherPath: { status: postOther.status, code: postOther.code, allowOrigin: postOther.headers.get('access-control-allow-origin') },
      postGraphqlForeignOrigin: { status: postRoot.status, code: postRoot.code, allowOrigin: postRoot.headers.get('access-control-allow-origin') },
    };
  });
}

export async function case6(): Promise<Result> {
  const gw = await startGatewayProcess({ NODE_ENV: 'production' });
  try {
    const schema = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { types { name } } }' }) });
    const schemaBody = (await schema.json()) as any;
    const typo = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ relationType { name } }' }) });
    const typoBody = (await typo.json()) as any;
    return { introspectionTypes: schemaBody.data?.__schema?.types?.length ?? 0, introspectionError: schemaBody.errors?.[0]?.message, typoMessage: typoBody.errors?.[0]?.message };
  } finally {
    await gw.stop();
  }
}

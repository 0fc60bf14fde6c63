import { contentSecurityPolicy } from '../http/contentSecurityPolicy';

/** Where the playground's files are served; absolute, so `/graphql/` with a slash works too. */
export const ASSETS_PATH = '/graphql/assets';

/** The page: no inline script or style, so the CSP below can allow only this origin. */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Open Images GraphQL gateway</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${ASSETS_PATH}/graphiql.min.css" />
    <link rel="stylesheet" href="${ASSETS_PATH}/graphiql-plugin-explorer.css" />
    <link rel="stylesheet" href="${ASSETS_PATH}/playground.css" />
    <script defer src="${ASSETS_PATH}/react.production.min.js"></script>
    <script defer src="${ASSETS_PATH}/react-dom.production.min.js"></script>
    <script defer src="${ASSETS_PATH}/graphiql.min.js"></script>
    <script defer src="${ASSETS_PATH}/graphiql-plugin-explorer.umd.js"></script>
    <script defer src="${ASSETS_PATH}/graphql-sse.min.js"></script>
    <script defer src="${ASSETS_PATH}/playground.js"></script>
  </head>
  <body>
    <div id="graphiql">
      <noscript>The GraphQL playground needs JavaScript. The API itself is at this URL: POST a JSON body { "query": "..." }.</noscript>
    </div>
  </body>
</html>
`;

/**
 * Only this origin: scripts, styles, fetches. Fonts and icons are data: URLs inside GraphiQL's CSS.
 * GraphiQL's dialogs insert a <style> element (react-remove-scroll, with no way to pass a nonce),
 * hence 'unsafe-inline' for style elements alone; style attributes and scripts stay 'self' only.
 */
export const PLAYGROUND_CSP = contentSecurityPolicy({ 'style-src-elem': ["'self'", "'unsafe-inline'"], 'img-src': ['data:'], 'font-src': ['data:'] });

export const PLAYGROUND_CSS = `html, body { margin: 0; height: 100%; }
#graphiql { height: 100vh; }
`;

/**
 * What a browser gets at /graphql when introspection is off (production without INTROSPECTION=true):
 * GraphiQL cannot work without the schema, so the page says why and what to do instead.
 */
export const PLAYGROUND_DISABLED_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Open Images GraphQL gateway</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <h1>Open Images GraphQL gateway</h1>
    <p>The GraphQL API is served at this URL (POST a JSON body <code>{ "query": "..." }</code>).</p>
    <p>The interactive playground is off here: it reads the schema by introspection, which this gateway
    does not answer in production. Operators can turn it on with <code>INTROSPECTION=true</code>; clients
    generate their code from the project's committed <code>schema.graphql</code>.</p>
  </body>
</html>
`;

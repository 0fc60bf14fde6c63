import express from 'express';
import { gzipped, loadPlaygroundAssets } from './assets';
import { ASSETS_PATH, PLAYGROUND_CSP, PLAYGROUND_DISABLED_HTML, PLAYGROUND_HTML } from './page';

/** A GET that a browser makes: it prefers HTML to any GraphQL response type. API clients never do. */
function wantsHtml(req: express.Request): boolean {
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

/**
 * The offline GraphiQL IDE at GET /graphql for browsers, with its files under /graphql/assets/.
 * Every other request to /graphql falls through to Apollo. Without introspection (production, unless
 * INTROSPECTION=true) GraphiQL could not load the schema: the page explains that instead.
 */
export function playgroundRoutes(options: { introspection: boolean } = { introspection: true }): express.Router {
  const assets = loadPlaygroundAssets();
  const router = express.Router();

  router.get('/graphql', (req, res, next) => {
    res.vary('Accept');
    if (!wantsHtml(req)) return next();
    res.set({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PLAYGROUND_CSP,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.send(options.introspection ? PLAYGROUND_HTML : PLAYGROUND_DISABLED_HTML);
  });

  router.get(`${ASSETS_PATH}/:name`, async (req, res, next) => {
    const asset = assets.get(req.params.name);
    if (!asset) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    try {
      res.vary('Accept-Encoding');
      res.set({ 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        res.set('content-encoding', 'gzip');
        res.send(await gzipped(asset));
      } else {
        res.send(asset.body);
      }
    } catch (error) {
      next(error);
    }
  });

  return router;
}

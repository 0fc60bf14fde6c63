import express from 'express';
import { logger } from '../logger';
import { explorerCsp } from './explorerCsp';
import type { ExplorerBuild } from './explorerAssets';

/**
 * The explorer's pages: the app routes in the browser, so each of these paths answers index.html
 * (keep in step with PAGES in web/src/App.tsx). /images/<id> is an image's detail page.
 */
export const EXPLORER_PAGES = ['/', '/classes', '/search', '/relations', '/classify', '/label-detection', '/models', '/training', '/similar'];

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Explorer not built</title></head>
<body><h1>The web explorer is not built</h1><p>Run <code>npm run build:web</code> and restart the gateway.
The GraphQL API and its playground are at <a href="/graphql">/graphql</a>.</p></body></html>`;

/**
 * The single-page web explorer (web/, built by Vite): index.html for every page path, never cached so
 * a new build shows at once; /assets/* with hashed names, cached for a year.
 */
export function explorerRoutes(build: ExplorerBuild | undefined, imageUrlTemplate: string): express.Router {
  const router = express.Router();
  const csp = explorerCsp(imageUrlTemplate);
  if (!build) logger.warn('the web explorer is not built (npm run build:web): / answers a notice');

  const sendPage: express.RequestHandler = (_req, res) => {
    res.set({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (!build) res.status(503).send(NOT_BUILT);
    else res.send(build.indexHtml);
  };
  router.get(EXPLORER_PAGES, sendPage);
  router.get('/images/:id', sendPage);
  // A person who mistypes a page gets the explorer's own "Page not found" (status 404) rather than the
  // API's JSON; API clients, assets and /graphql fall through to the API's 404.
  router.get(/^\/(?!graphql(?:\/|$)|assets\/)/, (req, res, next) => {
    if (!build || req.accepts(['json', 'html']) !== 'html') return next();
    res.status(404);
    sendPage(req, res, next);
  });

  router.get('/assets/:name', (req, res) => {
    const file = build?.assets.get(req.params.name);
    if (!file) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.vary('Accept-Encoding');
    res.set({ 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' });
    if (file.gzipped && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('content-encoding', 'gzip');
      res.send(file.gzipped);
    } else {
      res.send(file.body);
    }
  });
  return router;
}

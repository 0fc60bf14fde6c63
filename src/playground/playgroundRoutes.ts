import express from 'express';

/** Routes of the in-browser GraphQL IDE. Filled in by the playground work (issue #5). */
export function playgroundRoutes(): express.Router {
  return express.Router();
}

import type express from 'express';
import { ErrorCode } from '../errors';
import { refuse } from './refusal';

/** Apollo's names for the headers that prove a request was preflighted (a browser cannot send them cross-site without CORS's consent). */
export const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Apollo's CSRF prevention as one middleware for every transport on /graphql (queries, uploads,
 * subscription streams), in place of Apollo's own `csrfPrevention` which only Apollo's requests
 * passed. A request a browser would send cross-site without a preflight (no content-type, or a
 * form's) must name itself with a non-empty preflight header. Mounted before the body parsers, so a
 * refused upload is never buffered.
 */
export function csrfPrevention(): express.RequestHandler {
  return (req, res, next) => {
    if (mightBeCrossSiteForgery(req)) {
      return refuse(
        res,
        400,
        ErrorCode.BadRequest,
        `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header ` +
          `(with a type that is not one of ${SIMPLE_TYPES.join(', ')}) or provide a non-empty value for one of the following headers: ${PREFLIGHT_HEADERS.join(', ')}`,
      );
    }
    next();
  };
}

function mightBeCrossSiteForgery(req: express.Request): boolean {
  const given = req.headers['content-type'];
  if (given !== undefined) {
    const essence = given.split(';')[0].trim().toLowerCase();
    // Apollo lets a content-type it cannot parse pass (a browser does not send one without a preflight).
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) return false;
    if (!SIMPLE_TYPES.includes(essence)) return false;
  }
  return !PREFLIGHT_HEADERS.some((header) => (req.headers[header] ?? '') !== '');
}

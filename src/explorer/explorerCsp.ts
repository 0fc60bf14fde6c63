import { contentSecurityPolicy } from '../http/contentSecurityPolicy';

/**
 * The explorer's Content-Security-Policy: everything from the gateway's own origin; pictures also from
 * the host of IMAGE_URL_TEMPLATE (thumbnails), `blob:` (previews of the user's own uploads, never sent
 * anywhere) and `data:`. No inline script or style element: Vite's build emits files only.
 */
export function explorerCsp(imageUrlTemplate: string): string {
  const imageOrigin = originOf(imageUrlTemplate);
  return contentSecurityPolicy({ 'img-src': ['data:', 'blob:', ...(imageOrigin ? [imageOrigin] : [])] });
}

/** The origin of an image URL template (`https://host/...{id}.jpg`), or undefined for a relative one. */
export function originOf(template: string): string | undefined {
  try {
    const url = new URL(template.replace(/\{id\}/g, 'id'));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

import type { GatewayConfig } from '../../config';
import { decodeWithinBudget } from '../../models/decodeGate';
import { sniffImageFormat } from '../../models/imageFormat';
import { asJpegDataUrl, thumbnailOf } from '../thumbnail';

/**
 * A dataset sample's thumbnail (training's `thumbnailOf`) as a data: URL, which the explorer's CSP allows.
 * Unlike training's own reads, these bytes were never checked: only the accepted formats reach a decoder
 * (sniffed from the first bytes), and the decode waits for the process's decode gate, as uploads do.
 */
export async function sampleThumbnail(bytes: Buffer, config: Pick<GatewayConfig, 'decode' | 'maxImagePixels'>): Promise<string | undefined> {
  if (!sniffImageFormat(bytes)) return undefined;
  const jpeg = await decodeWithinBudget(bytes, config, () => thumbnailOf(bytes, config.maxImagePixels)).catch(() => undefined);
  return jpeg && asJpegDataUrl(jpeg);
}

import type { Caller } from './auth/caller';
import type { AccessLogFields } from './http/accessLog';
import type { Logger } from './logger';
import type { MetadataService } from './metadata/MetadataService';
import type { GatewayServices } from './services';

/** What every resolver receives: the request's own metadata service (with its DataLoaders) and the app's services. */
export interface GatewayContext {
  requestId: string;
  /** Who sent the request and what it may do (src/auth/authenticate.ts). */
  caller: Caller;
  log: Logger;
  metadata: MetadataService;
  services: GatewayServices;
  /** This request's access-log fields (written when the response closes). */
  accessLog?: AccessLogFields;
}

import type { AnyVariable, Group } from '../spec';
import type { ConfigVariable } from '../types';
import { AUTH, RATE_LIMITS } from './auth';
import { CLI } from './cli';
import { EMBEDDINGS, TRAINING, VISION } from './features';
import { HTTP } from './http';
import { LIMITS } from './limits';
import { MODELS } from './models';
import { REPLICAS } from './replicas';
import { SERVER } from './server';
import { STORE } from './store';

export { AUTH, RATE_LIMITS } from './auth';
export { CLI } from './cli';
export { EMBEDDINGS, TRAINING, VISION } from './features';
export { HTTP } from './http';
export { LIMITS } from './limits';
export { MODELS } from './models';
export { REPLICAS } from './replicas';
export { LOG_FORMATS, LOG_LEVELS, SERVER, type LogFormat, type LogLevel } from './server';
export { STORE } from './store';

/** Every group, in the README's order. */
const GROUPS: Group[] = [SERVER, STORE, LIMITS, HTTP, MODELS, REPLICAS, VISION, EMBEDDINGS, TRAINING, AUTH, RATE_LIMITS, CLI];

export const VARIABLES: AnyVariable[] = GROUPS.flatMap((group) => Object.values(group));

/** The documented variables, in README order: each exactly once, generated from the specs. */
export const CONFIG_VARIABLES: ConfigVariable[] = VARIABLES.map(({ name, documentedDefault, description }) => ({ name, default: documentedDefault, description }));

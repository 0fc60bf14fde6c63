import { integer, text, type Env } from './parsers';

/**
 * One configuration variable, specified once: its name, its default, its parser and its documentation.
 * loadConfig reads the typed configuration from these specs, and the README's configuration table is
 * generated from them (`npm run docs:config`; test/config.test.ts fails when the two differ).
 */
export interface Variable<T> {
  name: string;
  default: Default<T>;
  /** The default as the README shows it: the real value in code font, or a computed default's own words. */
  documentedDefault: string;
  description: string;
  /** The value from `env`, `fallback` when unset; throws ConfigError on a bad value. */
  parse: (env: Env, name: string, fallback: T) => T;
}

/**
 * A default that is not one plain value: it depends on the environment (production, the terminal, the
 * machine) or is "unset". `doc` says in words what `value` computes; the two are kept side by side.
 */
export interface Computed<T> {
  computed: true;
  doc: string;
  value: (env: Env) => T;
}

export type Default<T> = T | Computed<T>;

export function computed<T>(doc: string, value: (env: Env) => T): Computed<T> {
  return { computed: true, doc, value };
}

/** No default: the variable is optional (`doc` says what happens without it). */
export function unset(doc = '(unset)'): Computed<undefined> {
  return computed(doc, () => undefined);
}

function isComputed<T>(value: Default<T>): value is Computed<T> {
  return typeof value === 'object' && value !== null && (value as Computed<T>).computed === true;
}

/** A plain default, documented as what it is: `4000`, `duckdb`, `RS256,RS384`. */
export function documentDefault<T>(value: Default<T>): string {
  if (isComputed(value)) return value.doc;
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

export function defaultValue<T>(variable: Variable<T>, env: Env): T {
  return isComputed(variable.default) ? variable.default.value(env) : variable.default;
}

/** The variable's value in `env`. */
export function read<T>(variable: Variable<T>, env: Env): T {
  return variable.parse(env, variable.name, defaultValue(variable, env));
}

export function variable<T>(name: string, fallback: Default<T>, description: string, parse: Variable<T>['parse']): Variable<T> {
  return { name, default: fallback, documentedDefault: documentDefault(fallback), description, parse };
}

/** An integer in [min, max] (the message names the range). */
export function integerVariable(name: string, fallback: Default<number>, description: string, min = 0, max?: number): Variable<number> {
  return variable(name, fallback, description, (env, key, value) => integer(env, key, value, min, max));
}

/** Free text, trimmed; empty counts as unset. */
export function textVariable<T extends string | undefined>(name: string, fallback: Default<T>, description: string): Variable<string | T> {
  return variable<string | T>(name, fallback, description, (env, key, value) => text(env, key) ?? value);
}

/** A variable without a default whose parser validates a set value (paths, URLs, lists). */
export function optionalVariable<T>(name: string, doc: string, description: string, parse: (env: Env, name: string) => T | undefined): Variable<T | undefined> {
  return variable<T | undefined>(name, unset(doc), description, (env, key) => parse(env, key));
}

/** Any variable, whatever its type (a group mixes them). */
export interface AnyVariable {
  name: string;
  documentedDefault: string;
  description: string;
  parse: (env: Env, name: string, fallback: never) => unknown;
}
/** A group of variables read together into an object of their values. */
export type Group = Record<string, AnyVariable>;
export type Values<G extends Group> = { [K in keyof G]: ReturnType<G[K]['parse']> };

export function readGroup<G extends Group>(group: G, env: Env): Values<G> {
  return Object.fromEntries(Object.entries(group).map(([key, spec]) => [key, read(spec as Variable<unknown>, env)])) as Values<G>;
}

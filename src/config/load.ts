import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Config, configSchema, SECRET_ENV, type Secrets } from './schema.js';

/** The shipped defaults every other layer is merged over. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.json', import.meta.url));

const ENV_PREFIX = 'LEAKWATCH_';
/** Environment variables that are not settings paths. */
const ENV_NOT_SETTINGS = new Set(['LEAKWATCH_CONFIG', ...Object.values(SECRET_ENV)]);
/** Short names for the settings operators change most. */
const ENV_ALIASES: Record<string, string[]> = {
  LEAKWATCH_DB: ['db', 'path'],
  LEAKWATCH_LOG_LEVEL: ['log', 'level'],
  LEAKWATCH_MAIL_FROM: ['mail', 'from'],
};
const FLAG_PATHS = { db: ['db', 'path'], logLevel: ['log', 'level'] } as const;
const SECRET_KEY = /(password|secret|token|apikey|api_key)$/i;

export interface ConfigFlags {
  /** `--db PATH` */
  db?: string | undefined;
  /** `--log-level LEVEL` */
  logLevel?: string | undefined;
}

export interface LoadConfigOptions {
  /** A file merged over the shipped defaults (`--config`, or env `LEAKWATCH_CONFIG`). */
  file?: string | undefined;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
  /** Replaces the shipped defaults file (tests). */
  defaultsFile?: string;
}

export interface LoadedConfig {
  config: Config;
  secrets: Secrets;
  /** The files the configuration was read from, defaults first. */
  files: string[];
}

type Plain = Record<string, unknown>;
type Path = (string | number)[];

/**
 * Loads the configuration: shipped defaults < file < `LEAKWATCH_*` env < flags.
 * Throws a {@link ConfigError} listing every problem, each with its path, the
 * bad value and the layer it came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const defaultsFile = options.defaultsFile ?? DEFAULT_CONFIG_FILE;
  const file = options.file ?? env.LEAKWATCH_CONFIG;
  const origins = new Map<string, string>();
  const problems: string[] = [];

  let merged = readConfigFile(defaultsFile, problems);
  recordOrigins(merged, [], `defaults ${defaultsFile}`, origins);
  const files = [defaultsFile];

  if (file) {
    const path = resolve(file);
    const overrides = readConfigFile(path, problems);
    problems.push(...findSecretsInFile(overrides, path));
    recordOrigins(overrides, [], path, origins);
    merged = deepMerge(merged, overrides);
    files.push(path);
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || ENV_NOT_SETTINGS.has(name) || raw === undefined) continue;
    const path = ENV_ALIASES[name] ?? envNameToPath(name);
    const value = coerceEnvValue(raw, leafSchema(path));
    setAt(merged, path, value);
    origins.set(pathKey(path), `env ${name}`);
  }

  for (const [flag, path] of Object.entries(FLAG_PATHS) as [keyof ConfigFlags, readonly string[]][]) {
    const value = options.flags?.[flag];
    if (value === undefined) continue;
    setAt(merged, [...path], value);
    origins.set(pathKey([...path]), `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, merged, origins));

  const secrets: Secrets = {};
  for (const [key, name] of Object.entries(SECRET_ENV) as [keyof Secrets, string][]) {
    const value = env[name];
    if (value) secrets[key] = value;
  }
  return { config: parsed.data, secrets, files };
}

function readConfigFile(path: string, problems: string[]): Plain {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`config file ${path}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(error)})`}`);
    return {};
  }
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  let value: unknown;
  try {
    value = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    problems.push(`config file ${path}: invalid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
    return {};
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push(`config file ${path}: must hold an object of settings, got ${describe(value)}`);
    return {};
  }
  return value;
}

function findSecretsInFile(value: unknown, file: string, path: Path = []): string[] {
  if (!isPlainObject(value)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (SECRET_KEY.test(key)) {
      found.push(`${formatPath(childPath)}: secrets are read only from the environment, never from a file; remove it from ${file} and set the matching LEAKWATCH_* variable`);
    } else if (pathKey(childPath) === 'mail.smtpUrl' && typeof child === 'string' && urlHasPassword(child)) {
      found.push(`mail.smtpUrl: contains a password; secrets are read only from the environment: remove it from ${file} and set ${SECRET_ENV.smtpUrl}`);
    } else {
      found.push(...findSecretsInFile(child, file, childPath));
    }
  }
  return found;
}

function urlHasPassword(value: string): boolean {
  try {
    return new URL(value).password !== '';
  } catch {
    return false;
  }
}

/** `LEAKWATCH_SOURCES__REDDIT__CRON` → `['sources', 'reddit', 'cron']`. */
function envNameToPath(name: string): string[] {
  return name
    .slice(ENV_PREFIX.length)
    .split('__')
    .map((segment) => segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** The schema at a settings path, or undefined when the path names no setting. */
function leafSchema(path: readonly string[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of path) {
    schema = schema ? unwrap(schema) : undefined;
    const shape: Record<string, z.ZodType> | undefined = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
    schema = shape?.[key];
  }
  return schema;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { unwrap?: () => z.ZodType };
  while (typeof current.unwrap === 'function' && ['optional', 'nullable', 'default'].includes(current.def.type)) {
    current = current.unwrap() as typeof current;
  }
  return current;
}

/**
 * Environment values are strings; turn them into what the setting expects so
 * `LEAKWATCH_SOURCES__REDDIT__ENABLED=false` is a boolean. Lists are JSON
 * arrays or comma-separated. Anything unconvertible is passed on as written,
 * for the schema to reject with the value in its message.
 */
function coerceEnvValue(raw: string, schema: z.ZodType | undefined): unknown {
  if (raw === '' && schema?.safeParse(null).success) return null;
  const type = schema ? unwrap(schema).def.type : undefined;
  if (type === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (type === 'number') {
    const number = Number(raw);
    return raw.trim() !== '' && Number.isFinite(number) ? number : raw;
  }
  if (type === 'array') {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    return raw.split(',').map((item) => item.trim()).filter(Boolean);
  }
  return raw;
}

function formatIssues(issues: z.core.$ZodIssue[], input: unknown, origins: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key] as Path;
        lines.push(`${formatPath(path)}: unknown setting${originOf(path, origins)}`);
      }
      continue;
    }
    const path = issue.path as Path;
    const value = getAt(input, path);
    let message: string;
    if (value === undefined) {
      message = `missing${'expected' in issue && issue.expected ? ` (expected ${String(issue.expected)})` : ''}`;
    } else {
      const shown = JSON.stringify(value);
      // Custom messages already quote the string they reject.
      message = typeof value === 'string' && issue.message.includes(shown) ? issue.message : `${issue.message}, got ${shown}`;
    }
    lines.push(`${formatPath(path) || '(root)'}: ${message}${originOf(path, origins)}`);
  }
  return lines;
}

function originOf(path: Path, origins: Map<string, string>): string {
  for (let length = path.length; length >= 0; length--) {
    const origin = origins.get(pathKey(path.slice(0, length)));
    if (origin) return ` (from ${origin})`;
  }
  return '';
}

function recordOrigins(value: unknown, path: Path, origin: string, origins: Map<string, string>): void {
  origins.set(pathKey(path), origin);
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) recordOrigins(child, [...path, key], origin, origins);
  }
}

/** `['sources', 'rss', 'feeds', 0]` → `sources.rss.feeds[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Objects merge key by key; arrays and scalars replace what they override. */
function deepMerge(base: Plain, overrides: Plain): Plain {
  const result: Plain = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function setAt(target: Plain, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    node[key] = isPlainObject(next) ? { ...next } : {};
    node = node[key] as Plain;
  });
}

function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`;
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ProConnectConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Public base URL of this platform, used to build the redirect URI. */
  redirectBaseUrl: string;
  scope: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  sessionSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Who to write to when access is refused or something is wrong (shown on 403 pages). */
  supportEmail: string;
  /** Public base URL, used in e-mails (links). */
  publicUrl: string;
  proconnect: ProConnectConfig | undefined;
  /** Seed and show the demo (always on with the embedded database). */
  demo: boolean;
  logLevel: string;
  /** Proxies whose X-Forwarded-For is believed: false, a number of hops, or addresses/CIDRs. Never `true`. */
  trustProxy: false | number | string;
  version: string;
  /** Base URL of the national address API (BAN), or undefined when geocoding is off (BAN_URL=off). */
  banUrl: string | undefined;
  /** Base URL of the company directory API (Recherche d'entreprises), or undefined when off (ENTREPRISES_API_URL=off). */
  entreprisesUrl: string | undefined;
  /** Map tiles URL template ({z}/{x}/{y}); no map without it. */
  mapTilesUrl: string | undefined;
  mapAttribution: string;
  /** The legal minimum gross monthly salary (SMIC), in euro cents: a contract below it is refused. */
  smicCentimes: number;
}

export class ConfigError extends Error {}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    // dist/platform → ../../package.json is the same relative path; fall back for unusual layouts
    return process.env.npm_package_version ?? '0.0.0';
  }
}

/** Reads SESSION_SECRET, or generates one and keeps it in DATA_DIR so sessions survive restarts. */
export function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return ['1', 'true', 'yes', 'oui', 'on'].includes(value.toLowerCase());
}

function banUrl(value: string | undefined): string | undefined {
  if (value === undefined) return 'https://api-adresse.data.gouv.fr';
  if (value === '' || ['off', '0', 'non', 'false'].includes(value.toLowerCase())) return undefined;
  if (!/^https?:\/\//.test(value)) throw new ConfigError('BAN_URL doit commencer par http:// ou https:// (ou valoir off)');
  return value.replace(/\/$/, '');
}

function entreprisesUrl(value: string | undefined): string | undefined {
  if (value === undefined) return 'https://recherche-entreprises.api.gouv.fr';
  if (value === '' || ['off', '0', 'non', 'false'].includes(value.toLowerCase())) return undefined;
  if (!/^https?:\/\//.test(value)) throw new ConfigError('ENTREPRISES_API_URL doit commencer par http:// ou https:// (ou valoir off)');
  return value.replace(/\/$/, '');
}

/** SMIC_BRUT_MENSUEL_CENTIMES: the gross monthly SMIC for 35 hours, in cents (1 801,80 € since 1 November 2024). */
function smic(value: string | undefined): number {
  if (value === undefined || value === '') return 180_180;
  if (!/^\d{5,7}$/.test(value)) throw new ConfigError('SMIC_BRUT_MENSUEL_CENTIMES est un nombre entier de centimes, par exemple 180180 pour 1 801,80 €');
  return Number(value);
}

/**
 * TRUST_PROXY: a number of proxy hops in front of the app (`1` behind one load balancer), or a
 * comma-separated list of proxy addresses / CIDRs. Trusting every hop would let a client choose its
 * own IP address with X-Forwarded-For and escape the per-IP login limit.
 */
export function trustProxy(value: string | undefined): false | number | string {
  const v = (value ?? '').trim();
  if (v === '' || ['0', 'false', 'non', 'off', 'no'].includes(v.toLowerCase())) return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (['true', 'oui', 'on', 'yes'].includes(v.toLowerCase())) return 1;
  if (!/^[0-9a-fA-F.:/, ]+$/.test(v)) throw new ConfigError('TRUST_PROXY : un nombre de relais (1) ou une liste d’adresses IP / CIDR séparées par des virgules');
  return v;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || './data');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT invalide : ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL doit commencer par postgres:// ou postgresql://');
  }
  const sessionSecret = env.SESSION_SECRET || loadOrCreateSecret(dataDir);
  if (sessionSecret.length < 16) throw new ConfigError('SESSION_SECRET doit faire au moins 16 caractères');
  const host = env.HOST || '0.0.0.0';
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, '');
  let proconnect: ProConnectConfig | undefined;
  if (env.PROCONNECT_ISSUER || env.PROCONNECT_CLIENT_ID) {
    if (!env.PROCONNECT_ISSUER || !env.PROCONNECT_CLIENT_ID || !env.PROCONNECT_CLIENT_SECRET) {
      throw new ConfigError('ProConnect : PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID et PROCONNECT_CLIENT_SECRET vont ensemble');
    }
    proconnect = {
      issuer: env.PROCONNECT_ISSUER,
      clientId: env.PROCONNECT_CLIENT_ID,
      clientSecret: env.PROCONNECT_CLIENT_SECRET,
      redirectBaseUrl: publicUrl,
      scope: env.PROCONNECT_SCOPE || 'openid email given_name usual_name',
    };
  }
  // The demo is seeded on the embedded database, or anywhere with DEMO=1; DEMO=0 turns it off.
  const demo = flag(env.DEMO) ?? !databaseUrl;
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    sessionSecret,
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: env.MAIL_FROM || 'Conseiller numérique <ne-pas-repondre@conseiller-numerique.local>',
    supportEmail: supportEmail(env.SUPPORT_EMAIL),
    publicUrl,
    proconnect,
    demo,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env.TRUST_PROXY),
    version: readVersion(),
    banUrl: banUrl(env.BAN_URL),
    entreprisesUrl: entreprisesUrl(env.ENTREPRISES_API_URL),
    mapTilesUrl: env.MAP_TILES_URL || undefined,
    mapAttribution: env.MAP_ATTRIBUTION || '© les contributeurs d’OpenStreetMap',
    smicCentimes: smic(env.SMIC_BRUT_MENSUEL_CENTIMES),
  };
}

/** SMTP_URL is checked at start (the mail library itself is only loaded at the first mail). */
export function smtpUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) throw new ConfigError('SMTP_URL doit être de la forme smtp://utilisateur:mot-de-passe@serveur:587 (ou smtps://…)');
  return v;
}

/** SUPPORT_EMAIL: one address (nom@domaine), else the instance's default support address. */
export function supportEmail(value: string | undefined): string {
  const v = (value ?? '').trim();
  if (!v) return 'support@conseiller-numerique.local';
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(v) || v.length > 254) throw new ConfigError(`SUPPORT_EMAIL n'est pas une adresse électronique : « ${v.slice(0, 80)} ».`);
  return v;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmac, randomToken, safeEqual } from '../platform/crypto.js';
import { isUuid } from '../platform/ids.js';

/**
 * The device cookie (OWASP « device cookies »): a browser that signed in to an account with its
 * password carries, signed with the session secret, a random device id and the ids of the accounts
 * it signed in to. With it, failures on one of those accounts are counted for this device only:
 * someone guessing that account's password elsewhere (even behind the same IP) cannot lock it out.
 */
export const DEVICE_COOKIE = 'cn_appareil';
export const MAX_DEVICE_ACCOUNTS = 10;
const DEVICE_MAX_AGE_S = 365 * 24 * 3600;

export interface Device {
  id: string;
  /** Account ids, most recent last. */
  accounts: string[];
}

function signature(secret: string, payload: string): string {
  return hmac(secret, `${DEVICE_COOKIE}|${payload}`);
}

export function encodeDevice(secret: string, device: Device): string {
  const payload = `${device.id}.${device.accounts.join('~')}`;
  return `${payload}.${signature(secret, payload)}`;
}

/** The device a cookie value stands for; null when absent, malformed or not signed by us. */
export function decodeDevice(secret: string, value: string | undefined): Device | null {
  if (!value || value.length > 1000) return null;
  const m = /^([A-Za-z0-9_-]{16,64})\.([0-9a-f~-]*)\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!m) return null;
  if (!safeEqual(m[3]!, signature(secret, `${m[1]}.${m[2]}`))) return null;
  const accounts = m[2] ? m[2].split('~') : [];
  if (accounts.length > MAX_DEVICE_ACCOUNTS || !accounts.every(isUuid)) return null;
  return { id: m[1]!, accounts };
}

/** The device with `userId` added (a new device when there was none), keeping the most recent accounts. */
export function rememberAccount(device: Device | null, userId: string): Device {
  const accounts = [...(device?.accounts ?? []).filter((a) => a !== userId), userId].slice(-MAX_DEVICE_ACCOUNTS);
  return { id: device?.id ?? randomToken(18), accounts };
}

export function readDeviceCookie(request: FastifyRequest, secret: string): Device | null {
  return decodeDevice(secret, request.cookies[DEVICE_COOKIE]);
}

export function setDeviceCookie(reply: FastifyReply, secret: string, secure: boolean, device: Device): void {
  reply.setCookie(DEVICE_COOKIE, encodeDevice(secret, device), {
    path: '/connexion',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: DEVICE_MAX_AGE_S,
  });
}

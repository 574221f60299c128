/** Reading a query string's or a form's values (one value, or several of the same name). */
export const arr = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' && v ? [v] : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[v.length - 1] === 'string' ? String(v[v.length - 1]).trim() : '');

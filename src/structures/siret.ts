/** La Poste's establishments share SIREN 356000000; their SIRETs do not satisfy the Luhn check. */
export const LA_POSTE_SIREN = '356000000';

export function normaliseSiret(input: string): string {
  return input.replace(/[\s.\u00a0-]/g, '');
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** La Poste's rule: the sum of the 14 digits is a multiple of 5. */
function laPosteValid(siret: string): boolean {
  let sum = 0;
  for (const c of siret) sum += c.charCodeAt(0) - 48;
  return sum % 5 === 0;
}

/** French message when the SIRET is not valid, otherwise null. Expects a normalised value. */
export function siretProblem(siret: string): string | null {
  if (!siret) return 'Saisissez le numéro SIRET.';
  if (!/^\d+$/.test(siret)) return 'Le SIRET ne doit contenir que des chiffres.';
  if (siret.length !== 14) return `Le SIRET compte 14 chiffres (vous en avez saisi ${siret.length}).`;
  if (/^0+$/.test(siret)) return "Ce SIRET n'existe pas.";
  if (siret.startsWith(LA_POSTE_SIREN)) return laPosteValid(siret) || luhnValid(siret) ? null : "Ce SIRET de La Poste n'est pas valide.";
  if (!luhnValid(siret)) return "Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle incorrecte).";
  return null;
}

/** Completes a 13-digit prefix with the digit that makes it Luhn-valid (used to build demo SIRETs). */
export function withLuhnKey(prefix13: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = prefix13 + d;
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable');
}

/** The alphabet of Kubernetes' `utilrand.String`: no vowels (no words), no 0/1/3 (no look-alikes). */
export const POD_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `<replicaset>-<5 chars>`, drawing from `random` (uniform in [0, 1)). */
export function podNameFor(replicaSetName: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    const index = Math.min(POD_NAME_ALPHABET.length - 1, Math.floor(random() * POD_NAME_ALPHABET.length));
    suffix += POD_NAME_ALPHABET.charAt(index);
  }
  return `${replicaSetName}-${suffix}`;
}

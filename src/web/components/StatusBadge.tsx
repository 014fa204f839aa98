import { toneOf, type InfoStatus } from '../../info/index.js';

/** Argo's pause mark (Devanagari danda) is missing from many browser fonts; the double bar reads the same. */
function glyph(icon: string): string {
  return icon === '॥' ? '‖' : icon;
}

/** A status word with its Argo icon, coloured by tone. */
export function StatusBadge({ status, icon, label }: { status: InfoStatus; icon: string; label?: string }) {
  return (
    <span className={`badge tone-${toneOf(status)}`} data-status={status}>
      <span aria-hidden="true">{glyph(icon)}</span> {label ?? status}
    </span>
  );
}

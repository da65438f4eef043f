/** The few colours the charts share with the CSS (see styles.css :root). */
export const BRAND = '#1d6b5c';
export const PRIMARY_SALES = '#9cc5b9';
export const REPEAT_SALES = '#1d6b5c';
export const ACCENT = '#d9822b';

export const STATUS_COLORS: Record<string, string> = {
  lead: '#98a2b3',
  newbie: '#4d8fd6',
  fan: '#2f9e6e',
  sleeping: '#dea13a',
  lost: '#cc5a45',
};

const LOW = [242, 247, 245];
const HIGH = [20, 84, 72];

/** A heat colour for a share 0..1, and whether text on it should be light. */
export function heat(share: number): { background: string; color: string } {
  const x = Math.max(0, Math.min(1, share));
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * x));
  return { background: `rgb(${c.join(',')})`, color: x > 0.5 ? '#fff' : '#14231f' };
}

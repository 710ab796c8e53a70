import type { CountryCode } from '@commpro/contracts';
import { useId, type ReactNode } from 'react';

/**
 * A country flag drawn in SVG: emoji flags show as two letters on Windows and
 * on systems without a colour emoji font. Decorative: the country is named in text nearby.
 */
export function Flag({ code, size = 24 }: { code: CountryCode; size?: number }) {
  const id = useId();
  return (
    <span className="flag" style={{ width: size, height: Math.round((size * 3) / 4) }} aria-hidden>
      <svg viewBox="0 0 24 18" width="100%" height="100%" preserveAspectRatio="xMidYMid slice">
        {FLAGS[code](id)}
      </svg>
    </span>
  );
}

const vertical = (a: string, b: string, c: string) => (
  <>
    <rect width="8" height="18" fill={a} />
    <rect x="8" width="8" height="18" fill={b} />
    <rect x="16" width="8" height="18" fill={c} />
  </>
);

const FLAGS: Record<CountryCode, (id: string) => ReactNode> = {
  FR: () => vertical('#002654', '#ffffff', '#ce1126'),
  IT: () => vertical('#009246', '#ffffff', '#ce2b37'),
  DE: () => (
    <>
      <rect width="24" height="6" fill="#000000" />
      <rect y="6" width="24" height="6" fill="#dd0000" />
      <rect y="12" width="24" height="6" fill="#ffce00" />
    </>
  ),
  ES: () => (
    <>
      <rect width="24" height="18" fill="#aa151b" />
      <rect y="4.5" width="24" height="9" fill="#f1bf00" />
    </>
  ),
  US: () => (
    <>
      <rect width="24" height="18" fill="#ffffff" />
      {[0, 2, 4, 6, 8, 10, 12].map((stripe) => (
        <rect key={stripe} y={(stripe * 18) / 13} width="24" height={18 / 13} fill="#b22234" />
      ))}
      <rect width="10.5" height={(7 * 18) / 13} fill="#3c3b6e" />
      {[1.6, 4.2, 6.8].map((cy) =>
        [1.6, 3.9, 6.2, 8.5].map((cx) => <circle key={`${cx}-${cy}`} cx={cx} cy={cy} r="0.6" fill="#ffffff" />),
      )}
    </>
  ),
  GB: (id) => (
    <svg viewBox="0 0 60 30" width="24" height="18" preserveAspectRatio="xMidYMid slice">
      <clipPath id={`${id}-t`}>
        <path d="M30,15 h30 v15 z v15 h-30 z h-30 v-15 z v-15 h30 z" />
      </clipPath>
      <rect width="60" height="30" fill="#012169" />
      <path d="M0,0 L60,30 M60,0 L0,30" stroke="#ffffff" strokeWidth="6" />
      <path d="M0,0 L60,30 M60,0 L0,30" clipPath={`url(#${id}-t)`} stroke="#c8102e" strokeWidth="4" />
      <path d="M30,0 v30 M0,15 h60" stroke="#ffffff" strokeWidth="10" />
      <path d="M30,0 v30 M0,15 h60" stroke="#c8102e" strokeWidth="6" />
    </svg>
  ),
};

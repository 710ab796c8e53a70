/* Small inline illustrations for empty states, coloured by the theme's CSS variables. */

function Backdrop() {
  return (
    <>
      <circle className="illu-soft" cx="100" cy="84" r="70" />
      <circle className="illu-dot" cx="36" cy="40" r="4" />
      <circle className="illu-dot" cx="168" cy="128" r="5" />
      <circle className="illu-dot illu-dot--faint" cx="172" cy="44" r="3" />
    </>
  );
}

export function MessagesIllustration() {
  return (
    <svg viewBox="0 0 200 168" width="200" height="168">
      <Backdrop />
      <g className="illu-float">
        <rect className="illu-card" x="34" y="46" width="96" height="54" rx="16" />
        <path className="illu-card" d="M50 96 l-6 16 l20 -12 z" />
        <rect className="illu-line" x="48" y="62" width="60" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="48" y="77" width="42" height="7" rx="3.5" />
      </g>
      <g className="illu-float illu-float--late">
        <rect className="illu-primary" x="82" y="82" width="86" height="48" rx="16" />
        <path className="illu-primary" d="M150 126 l10 14 l-2 -16 z" />
        <circle className="illu-on-primary" cx="108" cy="106" r="4.5" />
        <circle className="illu-on-primary" cx="125" cy="106" r="4.5" />
        <circle className="illu-on-primary" cx="142" cy="106" r="4.5" />
      </g>
    </svg>
  );
}

export function CallsIllustration() {
  return (
    <svg viewBox="0 0 200 168" width="200" height="168">
      <Backdrop />
      <path className="illu-wave" d="M128 52 a34 34 0 0 1 22 22" />
      <path className="illu-wave illu-wave--faint" d="M130 34 a52 52 0 0 1 36 36" />
      <g className="illu-float">
        <rect className="illu-primary" x="56" y="44" width="80" height="80" rx="24" />
        <path
          className="illu-on-primary"
          d="M80.5 66.5c1.6-1.6 4.2-1.4 5.5.4l5 6.6c1.1 1.5 1 3.6-.3 4.9l-2.9 2.9c2.3 4.6 6 8.4 10.7 10.7l2.9-2.9c1.3-1.3 3.4-1.5 4.9-.3l6.6 5c1.8 1.4 2 4 .4 5.5l-3.4 3.4c-2.5 2.5-6.3 3.3-9.6 1.9-10.6-4.6-19-13.1-23.6-23.6-1.4-3.3-.6-7.1 1.9-9.6z"
        />
      </g>
      <g className="illu-float illu-float--late">
        <rect className="illu-card" x="112" y="104" width="58" height="30" rx="10" />
        <circle className="illu-success" cx="126" cy="119" r="5" />
        <rect className="illu-line" x="136" y="116" width="24" height="6" rx="3" />
      </g>
    </svg>
  );
}

export function ContactsIllustration() {
  return (
    <svg viewBox="0 0 200 168" width="200" height="168">
      <Backdrop />
      <g className="illu-float illu-float--late">
        <rect className="illu-card illu-card--back" x="62" y="34" width="100" height="100" rx="18" />
      </g>
      <g className="illu-float">
        <rect className="illu-card" x="40" y="48" width="110" height="92" rx="18" />
        <circle className="illu-primary" cx="70" cy="80" r="15" />
        <circle className="illu-on-primary" cx="70" cy="76" r="5.5" />
        <path className="illu-on-primary" d="M60.5 89.5a10 10 0 0 1 19 0z" />
        <rect className="illu-line" x="94" y="72" width="42" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="94" y="85" width="28" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="56" y="110" width="78" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="56" y="122" width="54" height="7" rx="3.5" />
      </g>
    </svg>
  );
}

export function NumbersIllustration() {
  return (
    <svg viewBox="0 0 200 168" width="200" height="168">
      <Backdrop />
      <g className="illu-float illu-float--late">
        <rect className="illu-card illu-card--back" x="96" y="30" width="70" height="112" rx="16" />
        <rect className="illu-line illu-line--faint" x="110" y="118" width="42" height="7" rx="3.5" />
      </g>
      <g className="illu-float">
        <rect className="illu-card" x="40" y="40" width="104" height="70" rx="16" />
        <rect className="illu-primary" x="54" y="54" width="26" height="26" rx="8" />
        <path
          className="illu-on-primary"
          d="M62 60.5h2.2l-.5 4h3.4l.5-4h2.2l-.5 4h2.7v2.2h-3l-.4 3.1h2.9V72h-3.2l-.5 4h-2.2l.5-4h-3.4l-.5 4h-2.2l.5-4h-2.7v-2.2h3l.4-3.1h-2.9v-2.2h3.2zm1.4 6.2l-.4 3.1h3.4l.4-3.1z"
        />
        <rect className="illu-line" x="90" y="58" width="40" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="90" y="71" width="28" height="7" rx="3.5" />
        <rect className="illu-line illu-line--faint" x="54" y="92" width="76" height="7" rx="3.5" />
      </g>
      <g className="illu-float illu-float--late">
        <rect className="illu-card" x="112" y="100" width="62" height="32" rx="10" />
        <circle className="illu-success" cx="127" cy="116" r="5" />
        <rect className="illu-line" x="137" y="113" width="28" height="6" rx="3" />
      </g>
    </svg>
  );
}

import { useId } from 'react';

/** The CommPro mark: a speech bubble holding a handset, on the brand gradient. */
export function LogoMark({ size = 32 }: { size?: number }) {
  // A unique gradient id per instance: a gradient defined inside a hidden copy would not paint.
  const gradientId = `commpro-mark-${useId()}`;
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden className="logo-mark">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#6d5efc" />
          <stop offset="1" stopColor="#3b2fd0" />
        </linearGradient>
      </defs>
      <rect width="64" height="64" rx="16" fill={`url(#${gradientId})`} />
      <path
        d="M32 13c-11 0-20 7.7-20 17.5 0 5.2 2.6 9.9 6.7 13.1L17 51.5l9.3-4.3c1.8.5 3.7.8 5.7.8 11 0 20-7.7 20-17.5S43 13 32 13z"
        fill="#fff"
      />
      <path
        d="M26.6 23.5c.6-.6 1.6-.6 2.1.1l2.1 2.7c.5.6.4 1.4-.1 2l-1.3 1.3c.9 1.8 2.4 3.3 4.2 4.2l1.3-1.3c.5-.5 1.4-.6 2-.1l2.7 2.1c.7.5.7 1.5.1 2.1l-1.4 1.4c-1 1-2.6 1.3-3.9.7-4.3-1.9-7.7-5.3-9.6-9.6-.6-1.3-.3-2.9.7-3.9z"
        fill="#4f46e5"
      />
    </svg>
  );
}

export function Logo({ size = 32 }: { size?: number }) {
  return (
    <span className="logo">
      <LogoMark size={size} />
      <span className="logo__word">CommPro</span>
    </span>
  );
}

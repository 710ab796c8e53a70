import { useId, type ReactNode } from 'react';

/**
 * An on/off setting that applies at once: a checkbox with the switch role,
 * so it is announced as "on"/"off" and works with Space like any checkbox.
 */
export function Switch({
  label,
  hint,
  checked,
  onChange,
  disabled = false,
  busy = false,
}: {
  label: ReactNode;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  /** The change is being saved. */
  busy?: boolean;
}) {
  const id = useId();
  return (
    <div className="switch-row">
      <div className="switch-row__text">
        <label className="switch-row__label" htmlFor={id}>
          {label}
        </label>
        {hint && (
          <p className="switch-row__hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-busy={busy || undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
    </div>
  );
}

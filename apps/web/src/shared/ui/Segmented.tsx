import { useId, type ReactNode } from 'react';

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
  icon?: ReactNode;
}

/** A radio group drawn as a segmented control; each option is a real labelled radio. */
export function Segmented<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  name: string;
  value: T;
  options: SegmentedOption<T>[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <fieldset className="segmented-field">
      <legend className="visually-hidden">{legend}</legend>
      <div className="segmented" role="presentation">
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          return (
            <label key={option.value} className="segmented__option" htmlFor={optionId}>
              <input
                type="radio"
                id={optionId}
                name={name}
                value={option.value}
                checked={value === option.value}
                onChange={() => onChange(option.value)}
              />
              <span className="segmented__face">
                {option.icon}
                {option.label}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

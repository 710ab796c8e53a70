const KEYS: [string, string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/**
 * The 12 keys of a phone. Each is a button named by its digit, so screen
 * readers and tests find "5"; a long press on 0 gives "+", as on phones.
 */
export function Keypad({ label, onPress }: { label: string; onPress: (key: string) => void }) {
  return (
    <div className="keypad" role="group" aria-label={label}>
      {KEYS.map(([key, letters]) => (
        <button
          key={key}
          type="button"
          className="keypad__key"
          aria-label={key}
          onClick={() => onPress(key)}
          onContextMenu={(event) => {
            if (key !== '0') return;
            event.preventDefault();
            onPress('+');
          }}
        >
          <span className="keypad__digit" aria-hidden>
            {key}
          </span>
          <span className="keypad__letters" aria-hidden>
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}

import { DrizzleQueryError } from 'drizzle-orm/errors';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger.js';

function logged(entry: object): string {
  const lines: string[] = [];
  const log = pino(loggerOptions('info'), { write: (line: string) => void lines.push(line) });
  log.error(entry, 'failed');
  return lines.join('');
}

describe('error logging', () => {
  const failed = new DrizzleQueryError(
    'update "messages" set "status" = $1 where "to_number" = $2',
    ['DELIVERED', '+33612345678'],
    Object.assign(new Error('messages storage unavailable'), { code: 'P0001' }),
  );

  it('keeps a failed query’s statement and the database’s reason, never the values it carried', () => {
    const line = logged({ err: failed });
    expect(line).not.toContain('+33612345678');
    expect(line).toContain('update \\"messages\\" set');
    expect(line).toContain('messages storage unavailable');
  });

  it('leaves the values out when the failed query is the cause of another error', () => {
    const line = logged({ err: new Error('send failed', { cause: failed }) });
    expect(line).not.toContain('+33612345678');
    expect(line).toContain('send failed');
    expect(line).toContain('messages storage unavailable');
  });
});

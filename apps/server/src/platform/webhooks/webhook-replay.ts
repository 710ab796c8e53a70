import type { FastifyInstance } from 'fastify';

/** What running a logged event again came to, as the live route would record it. */
export interface ReplayOutcome {
  /** False: still waiting for what it refers to (kept pending in the log, like a live early callback). */
  processed: boolean;
  /** Runs once the log row says how it went (a pending callback checked again, as the live route does). */
  afterLogged?: () => Promise<void>;
}

/** Applies a logged event's stored parameters with the handler the live route uses. */
export type ReplayHandler = (params: Record<string, string>) => Promise<ReplayOutcome>;

/**
 * The event types an operator may run again from the webhook log, each with
 * its handler, filled in by the webhook routes as they register. A type with
 * no handler here is not replayable (see each route for why).
 */
export interface WebhookReplayRegistry {
  register(source: string, eventType: string, handler: ReplayHandler): void;
  handlerFor(source: string, eventType: string | null): ReplayHandler | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    webhookReplay: WebhookReplayRegistry;
  }
}

const keyOf = (source: string, eventType: string) => `${source}\u0000${eventType}`;

export function createWebhookReplayRegistry(): WebhookReplayRegistry {
  const handlers = new Map<string, ReplayHandler>();
  return {
    register(source, eventType, handler) {
      const key = keyOf(source, eventType);
      // Two routes claiming one event type would make a replay run whichever came last.
      if (handlers.has(key)) throw new Error(`a replay handler for ${source} ${eventType} is already registered`);
      handlers.set(key, handler);
    },
    handlerFor: (source, eventType) => (eventType === null ? undefined : handlers.get(keyOf(source, eventType))),
  };
}

/** The app's registry, decorated once at the root so every webhook plugin's scope sees the same one. */
export function registerWebhookReplay(app: FastifyInstance): WebhookReplayRegistry {
  const registry = createWebhookReplayRegistry();
  app.decorate('webhookReplay', registry);
  return registry;
}

import type { Clock } from "../ports/clock.js";
import type { EngineEvent, EngineEventTopic, EventHandler } from "../ports/events.js";
import type { Notifier } from "../ports/notifier.js";
import type { Storage } from "../ports/storage.js";

/** Options of {@link EventBus.deliver}. */
export interface DeliverOptions {
  /** The name of this delivery worker; leases are taken in its name. */
  consumer: string;
  /** Events per round; default 100. */
  limit?: number;
  /** Seconds an event stays leased to this worker before another may take it; default 60. */
  leaseSeconds?: number;
}

/** What one delivery round did. */
export interface DeliveryReport {
  claimed: number;
  delivered: number;
  /** Events whose handler or notifier threw: they come again once their lease passes. */
  failed: { eventId: string; topic: string; attempts: number }[];
}

/** The engine's events: subscribe handlers, then deliver the outbox to them. */
export interface EventBus {
  /**
   * Subscribes to one topic, or to every topic with `"*"`; returns the unsubscribe function.
   * Handlers must be idempotent by `event.id` (delivery is at least once).
   */
  subscribe<T extends EngineEventTopic>(topic: T, handler: EventHandler<T>): () => void;
  subscribe(topic: "*", handler: EventHandler): () => void;
  /**
   * One delivery round: claims pending events from the outbox (leasing them), hands each to
   * its subscribers and the notifier, and acknowledges those every handler accepted. An event
   * whose handler throws is not acknowledged and is handed out again after its lease: no event
   * is lost by a crash between commit and delivery.
   */
  deliver(options: DeliverOptions): Promise<DeliveryReport>;
}

/**
 * Builds the event bus of an engine.
 *
 * @example
 * ```ts
 * const bus = createEventBus(storage, clock, notifier);
 * bus.subscribe("category.flagged", async (event) => sms.send(event.payload.studentId));
 * await bus.deliver({ consumer: "worker-1" }); // { claimed: 1, delivered: 1, failed: [] }
 * ```
 */
export function createEventBus(storage: Storage, clock: Clock, notifier: Notifier | undefined): EventBus {
  const handlers = new Map<string, Set<EventHandler>>();
  return {
    subscribe(topic: string, handler: EventHandler) {
      const set = handlers.get(topic) ?? new Set<EventHandler>();
      set.add(handler);
      handlers.set(topic, set);
      return () => {
        set.delete(handler);
      };
    },
    async deliver(options) {
      const now = new Date(Date.parse(clock.now())).toISOString();
      const claimed = await storage.transaction((tx) =>
        tx.outbox.claim({
          consumer: options.consumer,
          now,
          leaseSeconds: options.leaseSeconds ?? 60,
          limit: options.limit ?? 100,
        }),
      );
      const delivered: string[] = [];
      const failed: DeliveryReport["failed"] = [];
      for (const { event, attempts } of claimed) {
        const typed = event as unknown as EngineEvent;
        try {
          for (const handler of [...(handlers.get(event.topic) ?? []), ...(handlers.get("*") ?? [])]) {
            await handler(typed, { attempts });
          }
          await notifier?.notify(typed);
          delivered.push(event.id);
        } catch {
          failed.push({ eventId: event.id, topic: event.topic, attempts });
        }
      }
      if (delivered.length > 0) await storage.transaction((tx) => tx.outbox.ack(delivered));
      return { claimed: claimed.length, delivered: delivered.length, failed };
    },
  } as EventBus;
}

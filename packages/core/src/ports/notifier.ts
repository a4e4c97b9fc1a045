import type { EngineEvent } from "./events.js";

/**
 * # The notifier port
 *
 * The host's own notifications (SMS, DingTalk, WeChat Work): the engine hands every delivered
 * domain event to it, after the change committed, from `engine.events.deliver`. It is never
 * called inside a transaction, so a slow SMS gateway cannot hold a database lock.
 *
 * ## Implementing this port
 *
 * A notifier MUST:
 * - be idempotent by `event.id`: delivery is at least once, so the same event may come again
 *   after a crash or a failed acknowledgement;
 * - throw (or reject) when it could not deliver, so the event stays in the outbox and comes again
 *   once its lease has passed.
 *
 * A notifier MUST NOT:
 * - call back into the engine for the same event synchronously in a loop;
 * - put more personal data into a message than the host needs: events carry ids and codes only;
 *   the host looks names up in its own system.
 */
export interface Notifier {
  /** Delivers one event to the host's channels. */
  notify(event: EngineEvent): Promise<void>;
}

import type { AuditAnchor } from "../ports/audit-anchor.js";
import { type AuditKeyring, auditKeyFingerprint } from "../ports/audit-chain.js";
import type { EngineConfig } from "./config.js";

/** What the engine uses to sign and verify audit chains. */
export interface AuditServices {
  /** The chain keys: the first signs, all verify. */
  keys: AuditKeyring;
  /** Where signed heads are kept outside the database, when the host gave one. */
  anchor?: AuditAnchor;
}

/**
 * The chain keys of a configuration: `audit.chainKeys`, or the `hmacKey` under its fingerprint.
 *
 * @example
 * ```ts
 * auditKeyringOf(parseEngineConfig({ audit: { hmacKey: "a-long-host-secret-0001" } }));
 * // [{ id: "k-…", secret: "a-long-host-secret-0001" }]
 * ```
 */
export function auditKeyringOf(config: EngineConfig): AuditKeyring {
  return config.audit.chainKeys ?? [{ id: auditKeyFingerprint(config.audit.hmacKey), secret: config.audit.hmacKey }];
}

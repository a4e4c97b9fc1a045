import { parseInput } from "../shared/errors/parse.js";
import {
  type EntityInput,
  type EntityRecord,
  entityIndexes,
  type IndexValue,
  type StoredEntityName,
  storedEntities,
  type TenantSource,
} from "./entities.js";

/** Core's one way to make a prepared record, set by the class below and never exported. */
let make: <N extends StoredEntityName>(entity: N, record: EntityRecord<N>) => PreparedRecord<N>;

/**
 * Marks prepared records so that a copy of this module loaded twice (an ESM engine beside a
 * CommonJS adapter) still recognises one and checks its record, instead of refusing the wrapper.
 * Recognition only: trust comes from the private field.
 */
const preparedTag = Symbol.for("homevisit.preparedRecord");

/**
 * A record ready to store: the output of its entity's schema, its index values and where its
 * tenant keys come from. Only core makes one, always from a record its entity's schema parsed
 * (the `#entity` field cannot be forged), so a store takes it as it is; anything else that
 * reaches the port — a plain object from a host's or vendor's own code — is parsed there.
 * Treat one as frozen: a change after preparing would reach the store unchecked.
 *
 * @example
 * ```ts
 * const prepared = prepareRecord("classes", { id: "c1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026 });
 * await tx.classes.create(prepared); // stored without a second parse
 * prepared.indexes; // { grade: 7, schoolYear: 2026, classTeacherId: null }
 * ```
 */
export class PreparedRecord<N extends StoredEntityName> {
  readonly #entity: N;
  readonly id: string;
  readonly record: EntityRecord<N>;
  readonly indexes: Record<string, IndexValue>;
  /** Own tenant keys, or the parent whose keys to inherit. */
  readonly tenant: TenantSource;

  /** Made by {@link prepareRecord}, or inside core by {@link preparedFromParsed}. */
  private constructor(entity: N, record: EntityRecord<N>) {
    this.#entity = entity;
    this.id = (record as { id: string }).id;
    this.record = record;
    this.indexes = entityIndexes(entity, record);
    this.tenant = (storedEntities[entity].tenant as (r: unknown) => TenantSource)(record);
  }

  /** The entity whose schema parsed the record. */
  get entity(): N {
    return this.#entity;
  }

  /**
   * Whether `value` was prepared by core for `entity` (a brand check on the private field:
   * a look-alike object is not).
   *
   * @example
   * ```ts
   * PreparedRecord.isFor("students", prepareRecord("students", input)); // true
   * PreparedRecord.isFor("students", { ...input }); // false
   * ```
   */
  static isFor<N extends StoredEntityName>(entity: N, value: unknown): value is PreparedRecord<N> {
    return (
      typeof value === "object" &&
      value !== null &&
      #entity in value &&
      (value as unknown as PreparedRecord<N>).#entity === entity
    );
  }

  static {
    make = (entity, record) => new PreparedRecord(entity, record);
    Object.defineProperty(PreparedRecord.prototype, preparedTag, { value: true });
  }
}

/** What a repository's `create` and `update` take: a record core prepared, or a plain object to validate. */
export type RecordInput<N extends StoredEntityName> = EntityInput<N> | PreparedRecord<N>;

/**
 * Validates a record with its entity's schema (the one parse) and works out its index values
 * and tenant source; a record core already prepared for this entity is taken as it is.
 * Adapters call it on every `create`, `createMany` and `update` input. Throws
 * `validation_failed` with the paths at fault.
 *
 * @example
 * ```ts
 * prepareRecord("classes", { id: "c1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026 });
 * // PreparedRecord { id: "c1", record: {…}, indexes: { grade: 7, schoolYear: 2026, classTeacherId: null },
 * //   tenant: { parent: "schools", id: "sch-1" } }
 * ```
 */
export function prepareRecord<N extends StoredEntityName>(entity: N, input: RecordInput<N>): PreparedRecord<N> {
  if (PreparedRecord.isFor(entity, input)) return input;
  // A record prepared for another entity, or by another copy of this module, is checked like
  // any plain object.
  const tagged =
    typeof input === "object" && input !== null && (input as { [preparedTag]?: true })[preparedTag] === true;
  const plain = tagged ? (input as unknown as PreparedRecord<N>).record : input;
  return make(entity, parseInput(storedEntities[entity].schema, plain) as EntityRecord<N>);
}

/**
 * A record that `entity`'s own schema has just parsed, inside core, as a prepared record: no
 * second parse. Internal to core (not exported from any entry point), so code outside core
 * cannot skip validation.
 *
 * @example
 * ```ts
 * const draft = visitRecordDraftSchema.parse(input);
 * await tx.visitRecords.create(preparedFromParsed("visitRecords", draft));
 * ```
 */
export function preparedFromParsed<N extends StoredEntityName>(entity: N, record: EntityRecord<N>): PreparedRecord<N> {
  return make(entity, record);
}

/**
 * What the parts of one database transaction share, where a driver runs several of the storage's
 * transactions as parts of one (SQLite's group commit runs each in a savepoint, and one COMMIT
 * makes them all durable): values kept for the rest of the database transaction, and work to run
 * once before its COMMIT. A part that rolls back takes back what it set and what it asked for,
 * as its savepoint takes back its rows.
 *
 * The audit log keeps its chains' heads here: read once per group, moved once before COMMIT,
 * instead of a read and a write per part.
 */
export interface TransactionGroup {
  /** A value an earlier part of the group (or this one) set; `undefined` when none did. */
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /**
   * Runs `work` once every part has run, before COMMIT, on the group's one connection. Its
   * failure fails the whole group: no part is committed.
   */
  beforeCommit(work: () => Promise<void> | void): void;
}

/** Where a part began: what {@link TransactionGroupControl.restore} goes back to. */
export interface TransactionGroupMark {
  readonly values: ReadonlyMap<string, unknown>;
  readonly work: number;
}

/** The driver's side of a {@link TransactionGroup}: marks to undo a part, and the work before COMMIT. */
export interface TransactionGroupControl {
  readonly group: TransactionGroup;
  /** Taken as a part begins (with its savepoint). */
  mark(): TransactionGroupMark;
  /** Undoes a part that rolled back to its savepoint: its values and its work are gone. */
  restore(mark: TransactionGroupMark): void;
  /** Runs the work asked for, in the order asked, before COMMIT. */
  finish(): Promise<void>;
}

/**
 * A new group, for one database transaction of a driver that groups the storage's transactions.
 *
 * @example
 * ```ts
 * const control = transactionGroup();
 * const mark = control.mark();                       // SAVEPOINT
 * control.group.set("audit-head:sch-1", { count: 8 });
 * control.restore(mark);                             // ROLLBACK TO: the value is gone
 * await control.finish();                            // then COMMIT
 * ```
 */
export function transactionGroup(): TransactionGroupControl {
  let values = new Map<string, unknown>();
  const work: (() => Promise<void> | void)[] = [];
  return {
    group: {
      get: (key) => values.get(key),
      set: (key, value) => {
        values.set(key, value);
      },
      beforeCommit: (fn) => {
        work.push(fn);
      },
    },
    // The values are few (one per audit chain a group touches): a copy per part is cheap, and
    // values are replaced, never changed in place, so a shallow copy is a true snapshot.
    mark: () => ({ values: new Map(values), work: work.length }),
    restore(mark) {
      values = new Map(mark.values);
      work.length = mark.work;
    },
    async finish() {
      for (const fn of work) await fn();
    },
  };
}

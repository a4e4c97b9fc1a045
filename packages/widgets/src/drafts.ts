import { isHomevisitClientError } from "@homevisit/client";
import type { Locale } from "@homevisit/core";
import { uploadPhoto, type WidgetApi, type WidgetClient } from "./api.js";

/** The record fields a teacher writes, as `records.draft` takes them. */
export type DraftRecordInput = Parameters<WidgetClient["records"]["draft"]>[0]["record"];

/**
 * A visit record kept on the device until the server has it. Keyed by its idempotency key:
 * the key is made once, when the teacher first saves, and travels with every attempt, so the
 * server creates the record once however often the phone retries (RELIABILITY.md promise 6).
 */
export interface StoredDraft {
  idempotencyKey: string;
  studentId: string;
  record: DraftRecordInput;
  /** Photos already resized and stripped (see `preparePhoto`). */
  photos: { blob: Blob; caption?: string }[];
  /** Submit once drafted (the teacher pressed "submit"), or only save. */
  submit: boolean;
  savedAt: string;
  /** Set once the server created the record: later attempts skip the create. */
  recordId?: string;
  version?: number;
  /** How many of `photos` the server already has. */
  photosSent?: number;
}

/** Where drafts wait: IndexedDB in browsers, a Map where IndexedDB is missing. */
export interface DraftStore {
  put(draft: StoredDraft): Promise<void>;
  all(): Promise<StoredDraft[]>;
  delete(idempotencyKey: string): Promise<void>;
}

const dbName = "homevisit-drafts";
const storeName = "drafts";

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * The drafts of this origin in IndexedDB (one database per host origin, `homevisit-drafts`),
 * or in memory when the browser has no IndexedDB (a private window in some browsers).
 *
 * @example
 * ```ts
 * const store = draftStore();
 * await store.put({ idempotencyKey: crypto.randomUUID(), studentId, record, photos: [], submit: true, savedAt: new Date().toISOString() });
 * (await store.all()).length; // 1
 * ```
 */
export function draftStore(name = dbName): DraftStore {
  if (typeof indexedDB === "undefined") return memoryDraftStore();
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(storeName, { keyPath: "idempotencyKey" });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db;
  };
  const tx = async (mode: IDBTransactionMode) => (await open()).transaction(storeName, mode).objectStore(storeName);
  return {
    async put(draft) {
      await request((await tx("readwrite")).put(draft));
    },
    async all() {
      return (await request((await tx("readonly")).getAll())) as StoredDraft[];
    },
    async delete(key) {
      await request((await tx("readwrite")).delete(key));
    },
  };
}

function memoryDraftStore(): DraftStore {
  const drafts = new Map<string, StoredDraft>();
  return {
    put: async (d) => void drafts.set(d.idempotencyKey, structuredClone(d)),
    all: async () => [...drafts.values()].map((d) => structuredClone(d)),
    delete: async (k) => void drafts.delete(k),
  };
}

/** What sending one draft came to. */
export interface SentDraft {
  idempotencyKey: string;
  recordId: string;
  version: number;
  submitted: boolean;
}

/**
 * Sends one stored draft, step by step, remembering each step on the device so a connection
 * lost half-way resumes where it stopped: create (same idempotency key: a replay returns the
 * first record), photos, then submit. A submit whose answer was lost is recognised on the next
 * attempt (the record is no longer a draft) rather than sent again. Deletes the draft when done.
 *
 * @example
 * ```ts
 * const sent = await sendDraft(client, api, store, draft, "zh-CN");
 * // { idempotencyKey: "…", recordId: "v-1", version: 2, submitted: true }
 * ```
 */
export async function sendDraft(
  client: WidgetClient,
  api: WidgetApi,
  store: DraftStore,
  draft: StoredDraft,
  locale: Locale,
): Promise<SentDraft> {
  const d = { ...draft };
  if (d.recordId === undefined || d.version === undefined) {
    const created = await client.records.draft(
      { studentId: d.studentId, record: d.record },
      { idempotencyKey: d.idempotencyKey },
    );
    d.recordId = created.record.id;
    d.version = created.version;
    await store.put(d);
  }
  const recordId = d.recordId;
  for (let i = d.photosSent ?? 0; i < d.photos.length; i++) {
    const photo = d.photos[i];
    if (photo === undefined) continue;
    const uploaded = await uploadPhoto(
      api,
      { recordId, expectedVersion: d.version, blob: photo.blob, ...(photo.caption ? { caption: photo.caption } : {}) },
      locale,
    );
    d.version = uploaded.version;
    d.photosSent = i + 1;
    await store.put(d);
  }
  let submitted = false;
  if (d.submit) {
    try {
      const done = await client.records.submit({ recordId, expectedVersion: d.version });
      d.version = done.version;
      submitted = true;
    } catch (error) {
      if (
        !isHomevisitClientError(error) ||
        (error.code !== "version_conflict" && error.code !== "visit_record_not_draft")
      )
        throw error;
      // The answer of an earlier submit was lost: the server has it if the record moved on.
      const current = await client.records.get({ recordId }, { purpose: "offline-draft-sync" });
      if (current.record.status === "draft") throw error;
      d.version = current.version;
      submitted = true;
    }
  }
  await store.delete(d.idempotencyKey);
  return { idempotencyKey: d.idempotencyKey, recordId, version: d.version, submitted };
}

let running: Promise<unknown> = Promise.resolve();

/** What one run of {@link flushDrafts} did. */
export interface FlushResult {
  sent: SentDraft[];
  failed: { draft: StoredDraft; error: unknown }[];
}

/**
 * Sends every stored draft, one at a time. Runs are chained within the page and, where the
 * browser has Web Locks, across tabs: two "back online" events never send the same draft
 * twice. A draft whose sending fails on the network stays for the next run; other failures
 * are returned with it so the form can show them.
 *
 * @example
 * ```ts
 * window.addEventListener("online", () => void flushDrafts(client, api, draftStore(), "zh-CN"));
 * ```
 */
export function flushDrafts(
  client: WidgetClient,
  api: WidgetApi,
  store: DraftStore,
  locale: Locale,
): Promise<FlushResult> {
  const work = async (): Promise<FlushResult> => {
    const sent: SentDraft[] = [];
    const failed: { draft: StoredDraft; error: unknown }[] = [];
    for (const draft of await store.all()) {
      try {
        sent.push(await sendDraft(client, api, store, draft, locale));
      } catch (error) {
        failed.push({ draft, error });
      }
    }
    return { sent, failed };
  };
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const next = running.then(() =>
    locks ? (locks.request("homevisit-drafts", work) as unknown as Promise<FlushResult>) : work(),
  );
  running = next.catch(() => undefined);
  return next;
}

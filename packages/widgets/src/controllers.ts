import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Where a query or a mutation stands. */
export type CallStatus = "idle" | "pending" | "success" | "error";

/**
 * A read kept in step with a widget, in the manner of TanStack's lit-query: it runs when the
 * host connects and whenever `key()` changes between updates, aborts the previous run, and
 * asks the host to render on every change of state. The element renders `status`, `data` and
 * `error`; the fetching logic lives here, not in the element.
 *
 * @example
 * ```ts
 * class MyList extends LitElement {
 *   list = new QueryController(this, () => [this.classId], (signal) => client.students.list({ classId: this.classId }, { signal }));
 *   render() { return this.list.status === "success" ? html`${this.list.data?.items.length}` : html`…`; }
 * }
 * ```
 */
export class QueryController<T> implements ReactiveController {
  status: CallStatus = "idle";
  data: T | undefined;
  error: unknown;
  private lastKey: string | undefined;
  private abort: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly key: () => readonly unknown[] | undefined,
    private readonly fetcher: (signal: AbortSignal) => Promise<T>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.lastKey = undefined;
  }

  hostUpdate(): void {
    const parts = this.key();
    // No key yet (the host has not been given its API): nothing to fetch.
    if (parts === undefined) return;
    const key = JSON.stringify(parts);
    if (key === this.lastKey) return;
    this.lastKey = key;
    void this.run();
  }

  hostDisconnected(): void {
    this.abort?.abort();
  }

  /** Runs the read now (again); resolves with the data, or undefined when it failed or was superseded. */
  async run(): Promise<T | undefined> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.status = "pending";
    this.host.requestUpdate();
    try {
      const data = await this.fetcher(abort.signal);
      if (abort.signal.aborted) return undefined;
      this.data = data;
      this.error = undefined;
      this.status = "success";
      return data;
    } catch (error) {
      if (abort.signal.aborted) return undefined;
      this.error = error;
      this.status = "error";
      return undefined;
    } finally {
      if (!abort.signal.aborted) this.host.requestUpdate();
    }
  }
}

/**
 * A write a widget starts on a user's action: one at a time (a second tap while one runs is
 * ignored, so a double tap never sends twice), with its state for the host to render.
 *
 * @example
 * ```ts
 * save = new MutationController(this);
 * onClick = () => this.save.mutate(() => client.safety.checkIn({ reportId }));
 * ```
 */
export class MutationController implements ReactiveController {
  status: CallStatus = "idle";
  error: unknown;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Runs `action` unless one is running; resolves with its result, or undefined on failure. */
  async mutate<T>(action: () => Promise<T>): Promise<T | undefined> {
    if (this.status === "pending") return undefined;
    this.status = "pending";
    this.error = undefined;
    this.host.requestUpdate();
    try {
      const result = await action();
      this.status = "success";
      return result;
    } catch (error) {
      this.error = error;
      this.status = "error";
      return undefined;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Back to idle (a dialog closed). */
  reset(): void {
    this.status = "idle";
    this.error = undefined;
    this.host.requestUpdate();
  }
}

/**
 * Follows the browser's online state (`navigator.onLine` and the `online` / `offline` events)
 * and calls `onOnline` when the connection comes back, so pending drafts are sent.
 *
 * @example
 * ```ts
 * network = new OnlineController(this, () => this.flushDrafts());
 * render() { return this.network.online ? nothing : html`<p>离线</p>`; }
 * ```
 */
export class OnlineController implements ReactiveController {
  online = true;
  private readonly onChange = () => {
    const was = this.online;
    this.online = navigator.onLine;
    this.host.requestUpdate();
    if (this.online && !was) this.onOnline();
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onOnline: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.online = typeof navigator === "undefined" ? true : navigator.onLine;
    window.addEventListener("online", this.onChange);
    window.addEventListener("offline", this.onChange);
  }

  hostDisconnected(): void {
    window.removeEventListener("online", this.onChange);
    window.removeEventListener("offline", this.onChange);
  }
}

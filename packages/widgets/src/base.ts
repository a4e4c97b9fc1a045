import type { Locale } from "@homevisit/core";
import { LitElement } from "lit";
import { type WidgetApi, type WidgetClient, widgetClient } from "./api.js";
import { type MessageKey, message, widgetLocale } from "./i18n.js";
import { baseStyles } from "./styles.js";

/**
 * What every widget shares: its API settings (`api` property, or the `base-url` attribute for a
 * same-origin host whose login is a cookie), its locale (`locale` attribute, zh-CN unless it
 * starts with `en`), and the typed client made from them. Extend it for a widget of your own.
 *
 * @example
 * ```ts
 * class MyFeedback extends HomevisitElement {
 *   list = new QueryController(this, () => (this.client ? [this.baseUrl] : undefined), (signal) =>
 *     this.client!.feedback.list({}, { signal }));
 *   render() { return html`${this.list.data?.items.length ?? this.t("loading")}`; }
 * }
 * ```
 */
export class HomevisitElement extends LitElement {
  /** The widgets' shared look: `--hv-*` custom properties, 44 px touch targets, focus rings. */
  static override styles = [baseStyles];
  static override properties = {
    api: { attribute: false },
    baseUrl: { attribute: "base-url" },
    locale: { reflect: true },
  };

  /** Where and how to reach the API; wins over `baseUrl`. */
  declare api: WidgetApi | undefined;
  /** The API's base URL, for a same-origin host (its cookie is the login). */
  declare baseUrl: string | undefined;
  /** `zh-CN` (default) or `en`. */
  declare locale: string | undefined;

  private fromAttribute: WidgetApi | undefined;
  private cached: { api: WidgetApi; baseUrl: string; locale: Locale; client: WidgetClient } | undefined;

  /** The API settings in force, or undefined until the host gave some. */
  protected get apiSettings(): WidgetApi | undefined {
    if (this.api !== undefined) return this.api;
    if (!this.baseUrl) return undefined;
    if (this.fromAttribute?.baseUrl !== this.baseUrl) this.fromAttribute = { baseUrl: this.baseUrl };
    return this.fromAttribute;
  }

  /** The widget's locale. */
  protected get loc(): Locale {
    return widgetLocale(this.locale);
  }

  /** The client for the current settings and locale (made again when either changes). */
  protected get client(): WidgetClient | undefined {
    const api = this.apiSettings;
    if (api === undefined) return undefined;
    const c = this.cached;
    if (c?.api === api && c.baseUrl === api.baseUrl && c.locale === this.loc) return c.client;
    const client = widgetClient(api, this.loc);
    this.cached = { api, baseUrl: api.baseUrl, locale: this.loc, client };
    return client;
  }

  /** One of the widgets' messages in this widget's locale. */
  protected t(key: MessageKey, params?: Record<string, string | number>): string {
    return message(this.loc, key, params);
  }

  /** Dispatches a typed, bubbling, composed event (it crosses shadow roots to reach the host page). */
  protected emit<D>(type: string, detail: D): boolean {
    return this.dispatchEvent(new CustomEvent<D>(type, { detail, bubbles: true, composed: true, cancelable: true }));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The host page's language for screen readers, inside the shadow root too.
    if (!this.hasAttribute("lang")) this.setAttribute("lang", this.loc);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("locale")) this.setAttribute("lang", this.loc);
  }
}

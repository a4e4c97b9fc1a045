import type { CustomFieldValues, FieldType, PhotoRef } from "./fields.js";

/** The value type each field type holds. */
export interface FieldValueTypes {
  text: string;
  textarea: string;
  number: number;
  integer: number;
  boolean: boolean;
  date: string;
  time: string;
  select: string;
  multiselect: string[];
  phone: string;
  photo: PhotoRef[];
  rating: number;
}

/** What the value types read of a definition: its key, type, options, required and show-if. */
/** The part of a field definition the value types are computed from. */
export interface TypedField {
  readonly key: string;
  readonly type: FieldType;
  readonly options?: readonly { readonly value: string }[];
  readonly required?: boolean;
  readonly showIf?: unknown;
}

/**
 * The value type of one field definition written as a literal: a select's value is the union
 * of its option values, a multiselect's an array of them.
 *
 * @example
 * ```ts
 * type Hobby = FieldValueOf<{ type: "select"; key: "hobby"; options: [{ value: "music" }, { value: "sport" }] }>;
 * // "music" | "sport"
 * ```
 */
export type FieldValueOf<F extends TypedField> = F extends {
  readonly type: "select";
  readonly options: readonly { readonly value: infer V }[];
}
  ? V
  : F extends { readonly type: "multiselect"; readonly options: readonly { readonly value: infer V }[] }
    ? V[]
    : FieldValueTypes[F["type"]];

/** Fields that are required whatever the show-if conditions say. */
export type AlwaysRequired<F> = F extends { readonly required: true }
  ? F extends { readonly showIf: object }
    ? never
    : F
  : never;

/**
 * The values object of a list of field definitions written as literals: a field required and
 * without show-if is a required property, every other field optional.
 *
 * @example
 * ```ts
 * const fields = [
 *   { type: "boolean", key: "hasPets", label: { "zh-CN": "宠物" }, required: true },
 *   { type: "select", key: "hobby", label: { "zh-CN": "爱好" }, options: [{ value: "music", label: { "zh-CN": "音乐" } }] },
 * ] as const;
 * type Values = CustomFieldValuesOf<typeof fields>; // { hasPets: boolean; hobby?: "music" }
 * ```
 */
export type CustomFieldValuesOf<Fields extends readonly TypedField[]> = {
  [F in AlwaysRequired<Fields[number]> as F["key"]]: FieldValueOf<F>;
} & {
  [F in Exclude<Fields[number], AlwaysRequired<Fields[number]>> as F["key"]]?: FieldValueOf<F>;
};

/**
 * The values type of a list of field definitions, or {@link CustomFieldValues} when the list
 * is not known literally (a template read from storage).
 *
 * @example
 * ```ts
 * type A = ValuesOfFields<FieldDefinitionInput[]>; // CustomFieldValues
 * ```
 */
export type ValuesOfFields<Fields> = Fields extends readonly TypedField[]
  ? string extends Fields[number]["key"]
    ? CustomFieldValues
    : CustomFieldValuesOf<Fields>
  : CustomFieldValues;

/**
 * A form template that remembers the values type of the literal it was defined from, in a
 * type-only property (`~values`, never present at run time, as zod's `~standard`).
 */
export type TypedFormTemplate<Template, Values> = Template & { readonly "~values"?: Values };

/**
 * The values type a template carries: the literal one for a template from
 * `defineFormTemplate({...})`, {@link CustomFieldValues} otherwise.
 *
 * @example
 * ```ts
 * type V = ValuesOfTemplate<typeof template>; // { hasPets?: boolean; petKind?: string }
 * ```
 */
export type ValuesOfTemplate<T> = T extends { readonly "~values"?: infer V }
  ? unknown extends V
    ? CustomFieldValues
    : V
  : CustomFieldValues;

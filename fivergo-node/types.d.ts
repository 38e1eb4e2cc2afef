// What napi-rs cannot generate from the Rust declarations (src/types.rs): a generic
// record and an object with an index signature. `napi build` puts this file at the
// head of the generated index.d.ts (package.json `napi.dtsHeaderFile`); every other
// type there comes from the code.

/** A command's result: its value and every event it recorded (settling included). */
export interface Outcome<T> {
  value: T
  events: FivergoEvent[]
}

/**
 * The fields of a refusal: `code`, `rule`, `message`, `family` and the error's own
 * data (camelCase, instants as `Date`, money as `{amount, currency}`).
 */
export interface ErrorDetails {
  code: string
  rule: string | null
  message: string
  family: string
  [field: string]: unknown
}

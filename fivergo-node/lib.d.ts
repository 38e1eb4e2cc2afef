// Types of the package entry point (`lib.js`). The native functions' own types are
// generated into `index.d.ts` by `napi build`.

export { version, defaultPolicyJson, loadPolicy } from './index'

/** A refusal or failure of the fivergo engine. */
export declare class FivergoError extends Error {
  constructor(
    message: string,
    fields: { code: string; rule?: string | null; details?: Record<string, unknown> },
  )
  readonly name: 'FivergoError'
  /** Stable snake_case code, e.g. `invalid_policy`. */
  code: string
  /** The SPEC rule the refusal enforces (`T5`, ...), or `null`. */
  rule: string | null
  /** The error's fields (`code`, `rule` and `message` included). */
  details: Record<string, unknown>
}

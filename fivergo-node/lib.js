'use strict'
// The package entry point: re-exports the generated native binding (`index.js`,
// written by `napi build --platform`) and turns the engine's refusals into
// `FivergoError`s carrying `.code`, `.rule` and `.details`.

const native = require('./index.js')

// Must match `ERROR_PREFIX` in src/lib.rs.
const ERROR_PREFIX = 'FIVERGO_ERROR:'

/** A refusal or failure of the fivergo engine. */
class FivergoError extends Error {
  /**
   * @param {string} message
   * @param {{code: string, rule?: string | null, details?: Record<string, unknown>}} fields
   */
  constructor(message, { code, rule = null, details = {} }) {
    super(message)
    this.name = 'FivergoError'
    /** Stable snake_case code, e.g. `invalid_policy`. */
    this.code = code
    /** The SPEC rule the refusal enforces (`T5`, ...), or `null`. */
    this.rule = rule ?? null
    /** The error's fields (`code`, `rule` and `message` included). */
    this.details = details
  }
}

/** Rethrows a native error as a `FivergoError` when it carries the engine's payload. */
function translate(err) {
  if (err instanceof Error && typeof err.message === 'string' && err.message.startsWith(ERROR_PREFIX)) {
    let payload
    try {
      payload = JSON.parse(err.message.slice(ERROR_PREFIX.length))
    } catch {
      return err
    }
    const out = new FivergoError(payload.message, payload)
    out.cause = err
    return out
  }
  return err
}

/** Wraps a native function so its errors become `FivergoError`s. */
function wrap(fn) {
  return function (...args) {
    try {
      return fn.apply(this, args)
    } catch (err) {
      throw translate(err)
    }
  }
}

module.exports = {
  FivergoError,
  version: native.version,
  defaultPolicyJson: native.defaultPolicyJson,
  loadPolicy: wrap(native.loadPolicy),
}

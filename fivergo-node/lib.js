'use strict'
// The package entry point. It re-exports the generated native binding (`index.js`,
// written by `napi build --platform`) and adds what only JavaScript can do:
//  - the engine's refusals become `FivergoError`s with `.code`, `.rule` and the
//    error's data fields (camelCase, instants as `Date`), and an exception thrown
//    by a JavaScript generator comes back as their `cause`;
//  - `Hub` accepts JavaScript generators (`{train, generate}` objects, sync or
//    async) and drives them through the native `dispatch` protocol.
// Every rule stays in Rust: this file converts values and nothing more.

const native = require('./index.js')

// Must match `ERROR_PREFIX` in src/error.rs.
const ERROR_PREFIX = 'FIVERGO_ERROR:'
// Must match the marker `JsGenerator::generate` appends (src/generator.rs).
const CAUSE_MARK = /\s*\[cause #(\d+)\]/

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

const isInstantKey = (k) => k === 'at' || k.endsWith('_at') || k.endsWith('_until') || ['anchor', 'start', 'end', 'since'].includes(k)
const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** The core's JSON as the binding's values: camelCase keys, instants as `Date`. */
function jsify(value, key = '') {
  if (Array.isArray(value)) return value.map((v) => jsify(v))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), jsify(v, k)]))
  }
  if (typeof value === 'string' && isInstantKey(key)) {
    const at = new Date(value)
    if (!Number.isNaN(at.getTime())) return at
  }
  return value
}

// Exceptions thrown by JavaScript generators, by id, until their error surfaces.
const causes = new Map()
let nextCause = 1

function takeCause(text) {
  const m = typeof text === 'string' ? CAUSE_MARK.exec(text) : null
  if (!m) return { text, found: false }
  const id = Number(m[1])
  const cause = causes.get(id)
  causes.delete(id)
  return { text: text.replace(CAUSE_MARK, ''), cause, found: true }
}

// Codes napi-rs gives an argument it cannot convert to the Rust type (a string for a
// number, a number for a string, a missing object ...).
const CONVERSION_CODES = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected', 'NumberExpected',
  'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected', 'ArrayBufferExpected', 'DetachableArraybufferExpected',
])

// Other napi statuses: a panic caught at the boundary is a `GenericFailure`.
const FAILURE_CODES = new Set([
  'GenericFailure', 'Cancelled', 'EscapeCalledTwice', 'HandleScopeMismatch', 'CallbackScopeMismatch', 'QueueFull',
  'Closing', 'WouldDeadlock', 'NoExternalBuffersAllowed', 'Unknown',
])

/**
 * A native error without the engine's payload: an argument napi-rs could not convert
 * becomes `invalid_input`; a failure of the native side (a panic caught at the
 * boundary) is `internal_error` with its message; other errors pass unchanged.
 */
function untyped(err) {
  if (typeof err.code !== 'string' || !(CONVERSION_CODES.has(err.code) || FAILURE_CODES.has(err.code))) return err
  if (CONVERSION_CODES.has(err.code)) {
    const details = { code: 'invalid_input', rule: null, message: err.message, field: 'argument', reason: err.message }
    const out = new FivergoError(`invalid argument: ${err.message}`, { code: 'invalid_input', details })
    out.field = 'argument'
    out.events = []
    return out
  }
  const message = `internal error (please report it): ${err.message}`
  const out = new FivergoError(message, { code: 'internal_error', details: { code: 'internal_error', rule: null, message } })
  out.events = []
  return out
}

/** A `TypeError` about a JavaScript-side argument, with `.code` `invalid_input`. */
function argumentTypeError(message) {
  const err = new TypeError(message)
  err.code = 'invalid_input'
  return err
}

/** `invalid_input` for a JavaScript exception raised while reading the arguments. */
function argumentError(cause) {
  const reason = messageOf(cause)
  const details = { code: 'invalid_input', rule: null, message: `invalid argument: ${reason}`, field: 'argument', reason }
  const out = new FivergoError(details.message, { code: 'invalid_input', details })
  out.field = 'argument'
  out.events = []
  out.cause = cause
  return out
}

/** Rethrows a native error as a `FivergoError`: the engine's payload, or see `untyped`. */
function translate(err) {
  if (!(err instanceof Error) || typeof err.message !== 'string') return err
  if (!err.message.startsWith(ERROR_PREFIX)) return untyped(err)
  let payload
  try {
    payload = JSON.parse(err.message.slice(ERROR_PREFIX.length))
  } catch {
    return err
  }
  const raw = payload.details ?? {}
  const fromMessage = takeCause(payload.message)
  if (typeof raw.reason === 'string') raw.reason = takeCause(raw.reason).text
  if (typeof raw.message === 'string') raw.message = fromMessage.text
  const details = jsify(raw)
  const out = new FivergoError(fromMessage.text, { code: payload.code, rule: payload.rule, details })
  for (const [k, v] of Object.entries(details)) {
    if (!(k in out)) out[k] = v
  }
  /** For a refused command: the events settling recorded before the refusal. */
  out.events = Array.isArray(payload.events) ? payload.events.map((e) => jsify(e)) : []
  if (fromMessage.found) out.cause = fromMessage.cause
  return out
}

/** Calls `fn`, translating a thrown error or a rejected Promise. */
function call(fn) {
  let result
  try {
    result = fn()
  } catch (err) {
    const out = translate(err)
    // Anything else a native call throws at once came from JavaScript while its
    // arguments were read (a getter that throws, an array too deep to print).
    throw out instanceof FivergoError ? out : argumentError(out)
  }
  if (result instanceof Promise) {
    return result.catch((err) => {
      throw translate(err)
    })
  }
  return result
}

/** Wraps a native function so its errors become `FivergoError`s. */
function wrap(fn) {
  return function (...args) {
    return call(() => fn.apply(this, args))
  }
}

const messageOf = (err) => (err instanceof Error ? err.message : String(err))

function toBytesOrText(result) {
  if (typeof result === 'string') return result
  if (result instanceof Uint8Array) return Buffer.from(result.buffer, result.byteOffset, result.byteLength)
  throw new TypeError('generate must return a Buffer / Uint8Array (PNG, JPEG, WebP or WAV) or a string (a text)')
}

/** The native side calls this (on the main thread) for every generator call. */
function makeDispatch(byName) {
  return (req) => {
    const gen = byName.get(req.generator)
    const ctl = {
      progress: (fraction) => native.reportGeneratorProgress(req.callId, fraction),
      get cancelled() {
        return native.generatorCallCancelled(req.callId)
      },
    }
    Promise.resolve()
      .then(() => {
        if (req.op === 'train') {
          const { subcategory, modality, instructions, assets } = req
          return Promise.resolve(gen.train({ subcategory, modality, instructions, assets }, ctl)).then((style) =>
            JSON.stringify(style ?? null),
          )
        }
        const input = { style: JSON.parse(req.style), brief: req.brief, seed: req.seed }
        return Promise.resolve(gen.generate(input, ctl)).then(toBytesOrText)
      })
      .then(
        (result) => native.completeGeneratorCall(req.callId, result),
        (err) => {
          let causeId = null
          if (req.op === 'generate') {
            causeId = nextCause++
            causes.set(causeId, err)
          }
          native.failGeneratorCall(req.callId, messageOf(err), causeId)
        },
      )
  }
}

const NATIVE = Symbol('fivergo.native')

/**
 * The embedded marketplace engine. Options: `policy` (a `Policy` or its JSON),
 * `start` (a `Date`: a manual clock; the system clock otherwise), `store`
 * (`'memory:'`, the default, or `'sqlite:path/fivergo.db'`; see `Hub.open`),
 * `generators` (`{subcategory: {name?, train, generate}}`, functions sync or async;
 * or `'reference'` for the core's reference generators), `builtinGenerators`
 * (`'echo'` or `'reference'`: what serves the subcategories without a JS generator).
 */
class Hub {
  /**
   * A hub over the store at `url`: `'sqlite:path/fivergo.db'` (created and migrated
   * when needed; several processes may open one file) or `'memory:'`.
   */
  static open(url, options = {}) {
    return new Hub({ ...options, store: url })
  }

  constructor(options = {}) {
    const { generators = {}, policy, ...rest } = options
    const byName = new Map()
    const specs = []
    if (typeof generators === 'string') rest.builtinGenerators = generators
    for (const [subcategory, gen] of typeof generators === 'string' ? [] : Object.entries(generators)) {
      if (!gen || typeof gen.train !== 'function' || typeof gen.generate !== 'function') {
        throw argumentTypeError(`the generator for \`${subcategory}\` needs train and generate functions`)
      }
      const name = typeof gen.name === 'string' && gen.name ? gen.name : `js:${subcategory}`
      if (byName.has(name) && byName.get(name) !== gen) {
        throw argumentTypeError(`two different generators are named \`${name}\``)
      }
      byName.set(name, gen)
      specs.push({ subcategory, name })
    }
    const policyJson = policy === undefined || typeof policy === 'string' ? policy : policy.toJsonString()
    const dispatch = specs.length ? makeDispatch(byName) : undefined
    this[NATIVE] = call(() => new native.Hub({ ...rest, policy: policyJson, jsGenerators: specs }, dispatch))
  }
}

for (const name of Object.getOwnPropertyNames(native.Hub.prototype)) {
  if (name === 'constructor') continue
  Object.defineProperty(Hub.prototype, name, {
    value: function (...args) {
      return call(() => this[NATIVE][name](...args))
    },
    writable: true,
    configurable: true,
  })
}

// Native class statics are read-only: `fromJson` is added here over the native
// `policyFromJson`, so its refusals become `FivergoError`s too.
const Policy = native.Policy
Object.defineProperty(Policy, 'fromJson', { value: wrap(native.policyFromJson), writable: false, enumerable: false })

/**
 * Measures a generator with the core's harness: `generator` is a reference
 * generator's name or a JavaScript generator (`{name?, train, generate}`); resolves
 * to the report (training time, latency, determinism, style fidelity against
 * `options.other`, watermark survival) with its markdown rendering as `table`.
 */
function evaluate(generator, subcategory, own, options = {}) {
  const { policy, ...rest } = options
  const policyJson = policy === undefined || typeof policy === 'string' ? policy : policy.toJsonString()
  if (typeof generator === 'string') {
    return call(() => native.evaluate({ ...rest, subcategory, own, policy: policyJson, generator }))
  }
  if (!generator || typeof generator.train !== 'function' || typeof generator.generate !== 'function') {
    throw argumentTypeError('evaluate needs a generator name or an object with train and generate functions')
  }
  const name = typeof generator.name === 'string' && generator.name ? generator.name : `js:${subcategory}`
  const dispatch = makeDispatch(new Map([[name, generator]]))
  return call(() => native.evaluate({ ...rest, subcategory, own, policy: policyJson, jsGenerator: name }, dispatch))
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * The worker loop a host runs N times (in one process or several): claims the job
 * that waited longest (`hub.workOnce(name)`: a queued training or generation, or
 * one whose worker's lease ran out), runs it off the main thread and records it;
 * when no job is ready, settles what fell due if `tick`, then waits `idleMs`. Stops
 * when `signal` aborts; resolves to the reports of the jobs it ran. A refusal (a
 * lost lease, an unreachable store) goes to `onError` and the loop goes on.
 */
async function runWorker(hub, name, { signal, idleMs = 500, tick = false, onError } = {}) {
  const reports = []
  const refused = (err) => {
    if (!(err instanceof FivergoError)) throw err
    onError?.(err)
  }
  while (!signal?.aborted) {
    let report = null
    try {
      report = (await hub.workOnce(name)).value
    } catch (err) {
      refused(err)
    }
    if (report) {
      reports.push(report)
      continue
    }
    if (tick) {
      try {
        hub.tick()
      } catch (err) {
        refused(err)
      }
    }
    await pause(idleMs, signal)
  }
  return reports
}

module.exports = {
  FivergoError,
  evaluate,
  runWorker,
  Hub,
  Policy,
  version: native.version,
  defaultPolicyJson: native.defaultPolicyJson,
  loadPolicy: wrap(native.loadPolicy),
  inspect: wrap(native.inspect),
  inspectMany: wrap(native.inspectMany),
  decode: wrap(native.decode),
  markDraft: wrap(native.markDraft),
  detectWatermark: wrap(native.detectWatermark),
}

'use strict'
// The package entry point. It re-exports the generated native binding (`index.js`,
// written by `napi build --platform`) and adds what only JavaScript can do:
//  - the engine's refusals become `FivergoError`s with `.code`, `.rule` and the
//    error's data fields (camelCase, instants as `Date`, as the native side made
//    them), and an exception thrown by a JavaScript generator comes back as their
//    `cause`;
//  - `Hub` accepts JavaScript generators (`{train, generate}` objects, sync or
//    async) and a JavaScript payment gateway (`{charge}`), and drives them through
//    the native `dispatch` protocol.
// Every rule stays in Rust: this file converts values and nothing more.

const native = require('./index.js')

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

/**
 * Rethrows a native error as a `FivergoError`: the native side throws an `Error`
 * named `FivergoError` whose `details` already hold the error's fields in the wire
 * form (camelCase, instants as `Date`, money as `{amount, currency}`); anything else
 * goes through `untyped`.
 */
function translate(err) {
  if (err instanceof FivergoError || !(err instanceof Error)) return err
  const details = err.details
  if (err.name !== 'FivergoError' || details === null || typeof details !== 'object') return untyped(err)
  const fromMessage = takeCause(err.message)
  if (typeof details.reason === 'string') details.reason = takeCause(details.reason).text
  if (typeof details.message === 'string') details.message = fromMessage.text
  const out = new FivergoError(fromMessage.text, { code: err.code, rule: err.rule, details })
  for (const [k, v] of Object.entries(details)) {
    if (!(k in out)) out[k] = v
  }
  /** For a refused command: the events settling recorded before the refusal. */
  out.events = Array.isArray(err.events) ? err.events : []
  if (fromMessage.found) out.cause = fromMessage.cause
  return out
}

// True while a gateway's `charge` runs synchronously: the engine holds the seller's
// partition then, so a hub call from inside it would wait for itself.
let charging = false

/** `invalid_input` for a hub method called from inside a gateway's `charge`. */
function reentrant() {
  return invalidOption('gateway', 'charge(request) may not call the hub: the seller being charged is locked until it returns')
}

/** `invalid_input` naming an option of the package's `Hub`. */
function invalidOption(field, reason) {
  const message = `invalid ${field}: ${reason}`
  const details = { code: 'invalid_input', rule: null, message, family: 'invalid_input', field, reason }
  const out = new FivergoError(message, { code: 'invalid_input', details })
  Object.assign(out, { family: 'invalid_input', field, reason, events: [] })
  return out
}

/**
 * Calls the native `fn` on `self` with `args`, translating a thrown error or a
 * rejected Promise. Every method call goes through here: it stays small.
 */
function invoke(fn, self, args) {
  if (charging) throw reentrant()
  let result
  try {
    result = fn.apply(self, args)
  } catch (err) {
    const out = translate(err)
    // Anything else a native call throws at once came from JavaScript while its
    // arguments were read (a getter that throws, an array too deep to print).
    throw out instanceof FivergoError ? out : argumentError(out)
  }
  return result instanceof Promise ? result.catch(rethrow) : result
}

function rethrow(err) {
  throw translate(err)
}

/** Calls `fn()` as `invoke` calls a native function. */
function call(fn) {
  return invoke(fn, undefined, [])
}

/** Wraps a native function so its errors become `FivergoError`s. */
function wrap(fn) {
  return function (...args) {
    return invoke(fn, this, args)
  }
}

/** The message of a thrown value, whatever it is. */
function messageOf(err) {
  try {
    return err instanceof Error ? err.message : String(err)
  } catch {
    return 'a value that cannot be printed'
  }
}

const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v)
const isThenable = (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function'

function toBytesOrText(result) {
  if (typeof result === 'string') return result
  if (result instanceof Uint8Array) return Buffer.from(result.buffer, result.byteOffset, result.byteLength)
  throw new TypeError('generate must return a Buffer / Uint8Array (PNG, JPEG, WebP or WAV) or a string (a text)')
}

// How many late gateway answers are kept for their retry.
const LATE_ANSWERS = 1000

/**
 * The JavaScript side of a host gateway. It calls `gateway.charge(request)` and says
 * what happened: `{reference}`, `{declined}` (an error with `code` `charge_declined`
 * or `declined: true`) or `{unavailable}` (any other error, a wrong type). An answer
 * nobody waits for any more (a Promise given to a synchronous command, or one that
 * settled past the deadline) is kept for the engine's retry with the same
 * idempotency key (S5), so a Promise-returning gateway serves synchronous commands on
 * their retry; a key whose Promise is still pending is not charged again meanwhile.
 */
function makeCharge(gateway) {
  const late = new Map()
  const inFlight = new Map()
  const keep = (key, answer) => {
    late.set(key, answer)
    if (late.size > LATE_ANSWERS) late.delete(late.keys().next().value)
  }
  const answerOf = (value) =>
    typeof value === 'string' && value !== ''
      ? { reference: value }
      : { unavailable: `charge must return the processor's reference, a non-empty string (or a Promise of one), not ${describe(value)}` }
  const failureOf = (err) => {
    let decline = false
    try {
      decline = err !== null && typeof err === 'object' && (err.code === 'charge_declined' || err.declined === true)
    } catch {
      // A getter that throws says nothing: unavailable.
    }
    return decline ? { declined: messageOf(err) || 'declined' } : { unavailable: messageOf(err) || 'the gateway failed' }
  }

  /** The answer for `request`, or a Promise of it. */
  function start(request) {
    const key = request.idempotencyKey
    if (late.has(key)) {
      const answer = late.get(key)
      late.delete(key)
      return answer
    }
    if (inFlight.has(key)) return inFlight.get(key)
    let value
    let thenable
    charging = true
    try {
      value = gateway.charge(request)
      thenable = isThenable(value)
    } catch (err) {
      return failureOf(err)
    } finally {
      charging = false
    }
    if (!thenable) return answerOf(value)
    const promise = Promise.resolve(value).then(answerOf, failureOf)
    inFlight.set(key, promise)
    promise.then(() => inFlight.delete(key))
    return promise
  }

  return (call) => {
    const key = call.request.idempotencyKey
    const answer = start(call.request)
    if (call.callId === null) {
      // On the JavaScript thread, inside a synchronous command: answer now.
      if (!isThenable(answer)) return answer.reference ?? answer
      answer.then((a) => keep(key, a))
      return { unavailable: 'the gateway answered with a Promise, which a synchronous command cannot wait for: its answer serves the retry with the same idempotency key' }
    }
    Promise.resolve(answer)
      .then((a) => {
        const delivered =
          a.reference !== undefined
            ? native.completeCall(call.callId, a.reference)
            : native.failCall(call.callId, a.declined ?? a.unavailable, null, a.declined !== undefined)
        if (!delivered) keep(key, a)
      })
      .catch(() => {
        // The caller stops waiting at its deadline: nothing else to tell it.
      })
    return undefined
  }
}

/**
 * The native side calls this (on the JavaScript thread) for every call of a
 * JavaScript generator (`train`, `generate`) or gateway (`charge`).
 */
function makeDispatch(byName, gateway) {
  const charge = gateway ? makeCharge(gateway) : null
  return (req) => {
    if (req.op === 'charge') return charge ? charge(req) : { unavailable: 'no gateway' }
    const gen = byName.get(req.generator)
    const ctl = {
      progress: (fraction) => native.reportProgress(req.callId, fraction),
      get cancelled() {
        return native.callCancelled(req.callId)
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
        (result) => native.completeCall(req.callId, result),
        (err) => {
          let causeId = null
          if (req.op === 'generate') {
            causeId = nextCause++
            causes.set(causeId, err)
          }
          native.failCall(req.callId, messageOf(err), causeId)
        },
      )
    return undefined
  }
}

const isGenerator = (g) => g !== null && typeof g === 'object' && typeof g.train === 'function' && typeof g.generate === 'function'

const NATIVE = Symbol('fivergo.native')

/**
 * The embedded marketplace engine. Options: `policy` (a `Policy` or its JSON),
 * `start` (a `Date`: a manual clock; the system clock otherwise), `store`
 * (`'memory:'`, the default, or `'sqlite:path/fivergo.db'`; see `Hub.open`),
 * `generators` (`'echo'`, `'reference'`, `'none'`, or `{'*'?: registry,
 * [subcategory]: generatorName | {name?, train, generate}}`, JavaScript functions sync
 * or async), `gateway` (`{charge(request), deadlineMs?}`: the host's payment
 * processor instead of the simulated one).
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
    const { generators, gateway, policy, ...rest } = options ?? {}
    const byName = new Map()
    let spec = generators
    const plain = generators !== null && typeof generators === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(generators))
    if (generators !== undefined && generators !== null && typeof generators !== 'string' && !plain) {
      throw invalidOption('generators', 'a registry (echo, reference, none) or an object of subcategory to generator')
    }
    if (plain) {
      spec = {}
      for (const [key, value] of Object.entries(generators)) {
        if (!isGenerator(value)) {
          // A name goes to the core as it is; anything else is refused there, by key.
          spec[key] = typeof value === 'string' ? value : null
          continue
        }
        const name = typeof value.name === 'string' && value.name ? value.name : `js:${key}`
        if (byName.has(name) && byName.get(name) !== value) {
          throw invalidOption(`generators.${key}`, `two different generators are named \`${name}\``)
        }
        byName.set(name, value)
        spec[key] = { js: name }
      }
    }
    let gatewayOptions
    if (gateway !== undefined && gateway !== null) {
      if (typeof gateway !== 'object' || typeof gateway.charge !== 'function') {
        throw invalidOption('gateway', 'a gateway is an object with a charge(request) function')
      }
      gatewayOptions = { deadlineMs: gateway.deadlineMs }
    }
    const policyJson = policy === undefined || typeof policy === 'string' ? policy : policy.toJsonString()
    const dispatch = byName.size || gatewayOptions ? makeDispatch(byName, gatewayOptions && gateway) : undefined
    const nativeOptions = { ...rest, policy: policyJson, generators: spec, gateway: gatewayOptions }
    this[NATIVE] = call(() => new native.Hub(nativeOptions, dispatch))
  }
}

/** `hub.admin()`: the host-level reads, their refusals `FivergoError`s too. */
class Admin {
  constructor(inner) {
    this[NATIVE] = inner
  }
}

/** Gives `Wrapper` every method of the native class, translating their errors. */
function forward(Native, Wrapper) {
  for (const name of Object.getOwnPropertyNames(Native.prototype)) {
    if (name === 'constructor') continue
    const method = Native.prototype[name]
    Object.defineProperty(Wrapper.prototype, name, {
      value: function (...args) {
        return invoke(method, this[NATIVE], args)
      },
      writable: true,
      configurable: true,
    })
  }
}

forward(native.Hub, Hub)
forward(native.Admin, Admin)
const nativeAdmin = native.Hub.prototype.admin
Object.defineProperty(Hub.prototype, 'admin', {
  value: function () {
    return new Admin(invoke(nativeAdmin, this[NATIVE], []))
  },
  writable: true,
  configurable: true,
})

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
  const dispatch = makeDispatch(new Map([[name, generator]]), null)
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

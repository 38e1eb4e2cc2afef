// The core's command logs reach stderr when FIVERGO_LOG is set as the addon loads
// (src/logging.rs), and nothing is written without it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'

const SCRIPT = `
const { Hub } = require(${JSON.stringify(new URL('../lib.js', import.meta.url).pathname)})
const hub = new Hub({ start: new Date('2026-02-18T09:00:00Z') })
hub.registerSeller('ana', 'level_2')
try { hub.createModel('ana', 'tattoo') } catch (e) { console.log(e.code) }
`

function run(env) {
  const out = spawnSync(process.execPath, ['-e', SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 })
  assert.equal(out.status, 0, out.stderr)
  return out
}

// R: C2
test('FIVERGO_LOG=debug writes one line per command to stderr, refusals with their code', () => {
  const { stdout, stderr } = run({ FIVERGO_LOG: 'debug' })
  const code = stdout.trim()
  assert.equal(code, 'no_gig_in_subcategory')
  const lines = stderr.split('\n').filter((l) => l.includes('fivergo::command'))
  const ok = lines.find((l) => l.includes('register_seller') && l.includes('DEBUG'))
  assert.ok(ok, `a DEBUG line for register_seller in:\n${stderr}`)
  assert.match(ok, /partition="?ana/)
  assert.match(ok, /outcome="?ok/)
  const refused = lines.find((l) => l.includes('create_model') && l.includes('INFO'))
  assert.ok(refused, `an INFO line for the refused create_model in:\n${stderr}`)
  assert.ok(refused.includes(code), refused)
})

// R: C2
test('FIVERGO_LOG=info keeps refusals only; without FIVERGO_LOG stderr stays empty', () => {
  const info = run({ FIVERGO_LOG: 'info' }).stderr
  assert.ok(!info.includes('register_seller'), info)
  assert.ok(info.includes('create_model'), info)
  const env = { ...process.env }
  delete env.FIVERGO_LOG
  const quiet = spawnSync(process.execPath, ['-e', SCRIPT], { env, encoding: 'utf8', timeout: 60_000 })
  assert.equal(quiet.stderr, '')
})

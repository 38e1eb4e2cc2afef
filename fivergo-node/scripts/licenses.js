'use strict'
// `node scripts/licenses.js copy|remove`: the package's license texts live outside
// fivergo-node/ (the repository root's, and the notice of the font the visible
// watermark embeds), and npm packs neither files outside the package directory nor
// symlinks. So `prepack` copies them in and `postpack` removes the copies again.
const fs = require('fs')
const path = require('path')

const root = path.join(__dirname, '..', '..')
const here = path.join(__dirname, '..')
const licenses = {
  'LICENSE-MIT': 'LICENSE-MIT',
  'LICENSE-APACHE': 'LICENSE-APACHE',
  'LICENSE-DEJAVU': 'fivergo-core/src/watermark/font/LICENSE_DEJAVU',
}

const mode = process.argv[2]
for (const [name, from] of Object.entries(licenses)) {
  if (mode === 'copy') fs.copyFileSync(path.join(root, from), path.join(here, name))
  else if (mode === 'remove') fs.rmSync(path.join(here, name), { force: true })
  else throw new Error(`usage: node scripts/licenses.js copy|remove (got ${mode})`)
}

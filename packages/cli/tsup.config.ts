import { packageConfig } from '../../tsup.shared.js'

// `bin` keeps its `#!/usr/bin/env node` line; package.json's `bin` points at the ESM build.
export default packageConfig(['index', 'bin'])

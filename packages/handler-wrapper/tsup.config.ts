import { packageConfig } from '../../tsup.shared.js'

export default packageConfig(['index', 'express', 'middy'], { external: ['express', '@middy/core'] })

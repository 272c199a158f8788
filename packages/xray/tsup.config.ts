import { packageConfig } from '../../tsup.shared.js'

// shims: the CJS build gets an `import.meta.url`, which loads aws-xray-sdk-core relative to this package.
export default packageConfig(['index'], { external: ['aws-xray-sdk-core'], shims: true })

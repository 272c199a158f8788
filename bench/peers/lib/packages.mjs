// Counts the packages a handler's imports pull in, by resolving them on disk as Node does (npm's flat
// tree here, pnpm's symlinked one for the Sightline packages): dependencies, optional dependencies that
// are installed, and required peer dependencies. Development dependencies never reach a user.
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'

function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
    if (dirname(dir) === dir) return undefined
  }
}

/** The distinct packages (`name@version`) reachable from `roots`, resolved from the directory `from`. */
export function installedPackages(roots, from) {
  const seen = new Map()
  const queue = roots.map((name) => [name, from])
  while (queue.length > 0) {
    const [name, base] = queue.pop()
    const dir = locate(name, base)
    if (dir === undefined || seen.has(dir)) continue
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    seen.set(dir, `${pkg.name}@${pkg.version}`)
    const optionalPeers = pkg.peerDependenciesMeta ?? {}
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional)
    for (const dep of [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...peers,
    ]) {
      queue.push([dep, dir])
    }
  }
  return [...new Set(seen.values())].sort()
}

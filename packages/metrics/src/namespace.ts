import { invalidOption } from '@sightline/correlation'

// CloudWatch's namespace grammar; `AWS/` is reserved for AWS services.
const NAMESPACE = /^[A-Za-z0-9.\-_/#: ]{1,255}$/

export function validNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.startsWith('AWS/'))
    invalidOption(
      'namespace',
      'a CloudWatch namespace (letters, digits, . - _ / # : space; not AWS/…)',
      namespace,
    )
}

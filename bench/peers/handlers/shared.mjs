// The work every peer does where it can, kept identical: read the correlation ID from the API Gateway v1
// event (header names arrive as the client sent them), then answer 200.
export function correlationIdOf(event) {
  const headers = event.headers ?? {}
  for (const name in headers) if (name.toLowerCase() === 'x-correlation-id') return headers[name]
  return undefined
}

export const ok = () => ({ statusCode: 200, body: '{"ok":true}' })

import { newRoot } from './lambda/trace.js'

/** A post request as the demo sends it, and what came back. */
export interface PostRequest {
  readonly author: string
  /** The x-correlation-id: the one sent, or the one the API service made up and answered with. */
  readonly correlationId: string
  readonly status: number
  readonly postId: string | undefined
}

/** `POST /posts` as `author`, with `correlationId` when given: what a mobile client would send. */
export async function post(apiUrl: string, author: string, correlationId?: string): Promise<PostRequest> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-user-id': author,
    // What the load balancer in front of a service adds to every request: a Root, no sampling decision.
    'x-amzn-trace-id': `Root=${newRoot()}`,
  }
  if (correlationId !== undefined) headers['x-correlation-id'] = correlationId
  const res = await fetch(`${apiUrl}/posts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ text: `Hello from ${author}` }),
  })
  const body = (await res.json().catch(() => ({}))) as { postId?: string }
  return {
    author,
    correlationId: res.headers.get('x-correlation-id') ?? correlationId ?? '',
    status: res.status,
    postId: body.postId,
  }
}

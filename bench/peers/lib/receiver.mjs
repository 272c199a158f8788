// A local Sentry envelope receiver on 127.0.0.1: counts the `event` items it received; `GET /count`
// answers how many since the last reset.
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'

export async function startReceiver() {
  let events = 0
  let envelopes = 0
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/count') {
        res.setHeader('content-type', 'application/json')
        return res.end(JSON.stringify({ events, envelopes }))
      }
      if (req.method === 'POST' && /^\/api\/\d+\/envelope\//.test(req.url ?? '')) {
        let body = Buffer.concat(chunks)
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
        envelopes++
        for (const type of itemTypes(body)) if (type === 'event') events++
        res.setHeader('content-type', 'application/json')
        return res.end('{}')
      }
      res.statusCode = 404
      res.end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    reset() {
      events = 0
      envelopes = 0
    },
    counts: () => ({ events, envelopes }),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

// Envelope: a header line, then per item a header line and a payload (`length` bytes, or one line).
function itemTypes(body) {
  const types = []
  let at = body.indexOf(0x0a) + 1
  while (at > 0 && at < body.length) {
    const eol = body.indexOf(0x0a, at)
    const header = JSON.parse(body.subarray(at, eol < 0 ? body.length : eol).toString('utf8'))
    types.push(header.type)
    if (eol < 0) break
    if (typeof header.length === 'number') at = eol + 1 + header.length + 1
    else {
      const end = body.indexOf(0x0a, eol + 1)
      at = end < 0 ? body.length : end + 1
    }
  }
  return types
}

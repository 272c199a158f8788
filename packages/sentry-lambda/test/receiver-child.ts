// The receiver in its own process (see receiver.ts): each envelope is handed to the parent, and answered
// only once the parent has recorded it.
import { serve } from './receiver.js'

type FromParent =
  | { type: 'ack'; id: number }
  | { type: 'configure'; id: number; behaviour: object }
  | { type: 'stats'; id: number }

const acks = new Map<number, () => void>()
let next = 0
const send = (message: object) => process.send?.(message)

const server = await serve(
  (entry) =>
    new Promise<void>((resolve) => {
      const id = next++
      acks.set(id, resolve)
      send({ type: 'received', entry, id })
    }),
)
process.on('message', (m: FromParent) => {
  if (m.type === 'ack') {
    acks.get(m.id)?.()
    acks.delete(m.id)
  } else if (m.type === 'configure') {
    Object.assign(server.behaviour, m.behaviour)
    send({ type: 'done', id: m.id })
  } else if (m.type === 'stats') {
    send({ type: 'done', id: m.id, stats: server.stats() })
  }
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready', port: server.port })

// Error-path baseline: the handler throws; nothing reports it.
export const handler = async (_event, _context) => {
  throw new Error('payment service rejected the order')
}

export const handler = async (event) => {
  const err = new TypeError(`bad input: ${event.reason}`)
  err.code = 'E_BAD_INPUT'
  throw err
}

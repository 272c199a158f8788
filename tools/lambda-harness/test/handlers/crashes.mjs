// Kills its runtime mid-invocation: by process.exit, or by an exception thrown from a timer.
export const handler = async (event) => {
  if (event.how === 'exit') process.exit(3)
  await new Promise(() => {
    setTimeout(() => {
      throw new RangeError('thrown from a timer')
    }, 1)
  })
}

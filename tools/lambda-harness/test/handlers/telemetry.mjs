// Sends one telemetry request to the harness, either awaited before returning ('await') or from a
// timer that fires 50 ms after the handler returned ('late'), the way an unflushed exporter would;
// any other mode sends nothing.
const send = (body) =>
  fetch(`http://${process.env.AWS_LAMBDA_RUNTIME_API}/_test/telemetry`, {
    method: 'POST',
    body: JSON.stringify(body),
  })

export const handler = async (event, context) => {
  const body = { from: context.awsRequestId }
  if (event.mode === 'await') await send(body)
  else if (event.mode === 'late') setTimeout(() => void send(body), 50)
  return { mode: event.mode }
}

// A response-streaming handler: three parameters, but marked, so nodejs24.x accepts it.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write(`hello ${event.name}`)
  responseStream.end('!')
})

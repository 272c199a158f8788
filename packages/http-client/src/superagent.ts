export { type ClientOptions, createClient, defaultTimeout, type Timeout } from './client.js'
export { type CorrelateOptions, correlate } from './correlate.js'

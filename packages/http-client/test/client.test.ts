import { createContext, withContext } from '@sightline/correlation'
import { createClient, defaultTimeout } from '@sightline/http-client/superagent'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type RecordingServer, recordingServer, sightlineHeaders } from './servers.js'

const ctx = (id: string) => createContext({ ids: { 'x-correlation-id': id }, callChainLength: 4 })
const expected = (id: string) => ({
  'x-correlation-id': id,
  'debug-log-enabled': 'false',
  'call-chain-length': '4',
})

let api: RecordingServer
let thirdParty: RecordingServer
beforeAll(async () => {
  api = await recordingServer('127.0.0.1')
  thirdParty = await recordingServer('127.0.0.2')
})
afterAll(async () => {
  await api.close()
  await thirdParty.close()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('createClient()', () => {
  it('sends the context of the moment on every request of the agent', async () => {
    const http = createClient()
    await withContext(ctx('a-1'), () => http.get(`${api.url}/one`))
    await withContext(ctx('a-2'), () => http.post(`${api.url}/two`).send({ n: 2 }))
    await http.get(`${api.url}/three`)
    expect(sightlineHeaders(api.at('/one')[0]!.headers)).toEqual(expected('a-1'))
    expect(sightlineHeaders(api.at('/two')[0]!.headers)).toEqual(expected('a-2'))
    expect(sightlineHeaders(api.at('/three')[0]!.headers)).toEqual({})
  })

  it('sends the headers only to the hosts it is given', async () => {
    const http = createClient({ hosts: ['127.0.0.1'] })
    await withContext(ctx('a-3'), async () => {
      await http.get(`${api.url}/inside`)
      await http.get(`${thirdParty.url}/outside`)
    })
    expect(sightlineHeaders(api.at('/inside')[0]!.headers)).toEqual(expected('a-3'))
    expect(sightlineHeaders(thirdParty.at('/outside')[0]!.headers)).toEqual({})
  })

  it('gives up on a server that does not answer within the timeout given', async () => {
    const http = createClient({ timeout: { response: 50 } })
    await expect(http.get(`${api.url}/hang`)).rejects.toMatchObject({ code: 'ECONNABORTED', timeout: 50 })
  })

  it('gives up after 5 s without a response by default', async () => {
    expect(defaultTimeout).toEqual({ response: 5_000, deadline: 10_000 })
    const before = api.at('/hang').length
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const pending = createClient()
      .get(`${api.url}/hang`)
      .then(
        () => 'answered',
        (error: { timeout?: number }) => error.timeout,
      )
    await vi.waitFor(() => expect(api.at('/hang').length).toBeGreaterThan(before), { interval: 5 })
    await vi.advanceTimersByTimeAsync(5_000)
    expect(await pending).toBe(5_000)
  })

  it.each([0, -1, Number.NaN, '5s', {}, { response: 0 }, { deadline: '1' }, null])(
    'refuses timeout %j with ERR_SIGHTLINE_INVALID_OPTION',
    (timeout) => {
      expect(() => createClient({ timeout: timeout as never })).toThrow(
        expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
      )
    },
  )

  it('refuses invalid hosts when it is created', () => {
    expect(() => createClient({ hosts: ['*'] })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})

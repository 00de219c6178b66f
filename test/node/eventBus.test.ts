import { describe, expect, it } from 'vitest'
import { EventBus } from '../../src/main/events/eventBus'
import { defaultUiSettings } from '@shared/contract/values'

const ping = { message: 'hi', seq: 1, at: '2024-01-01T00:00:00.000Z' }

describe('EventBus', () => {
  it('delivers each event with its channel and payload to every subscriber', () => {
    const bus = new EventBus()
    const seen: [string, string, unknown][] = []
    bus.subscribe((event, payload) => seen.push(['a', event, payload]))
    bus.subscribe((event, payload) => seen.push(['b', event, payload]))

    bus.emit('app.ping', ping)
    bus.emit('settings.changed', {
      locale: 'zh-CN',
      theme: 'dark',
      views: {},
      guideDismissed: false,
    })

    expect(seen).toEqual([
      ['a', 'app.ping', ping],
      ['b', 'app.ping', ping],
      [
        'a',
        'settings.changed',
        { locale: 'zh-CN', theme: 'dark', views: {}, guideDismissed: false },
      ],
      [
        'b',
        'settings.changed',
        { locale: 'zh-CN', theme: 'dark', views: {}, guideDismissed: false },
      ],
    ])
  })

  it('keeps delivering to the other listeners when one throws', () => {
    const bus = new EventBus()
    const seen: string[] = []
    bus.subscribe(() => seen.push('before'))
    bus.subscribe(() => {
      throw new Error('closed socket')
    })
    bus.subscribe(() => seen.push('after'))

    expect(() => bus.emit('app.ping', ping)).not.toThrow()
    expect(seen).toEqual(['before', 'after'])
    // The throwing listener stays subscribed and does not break later events either.
    bus.emit('app.ping', ping)
    expect(seen).toEqual(['before', 'after', 'before', 'after'])
  })

  it('stops delivering to a listener once it unsubscribes, and only to that one', () => {
    const bus = new EventBus()
    const seen: string[] = []
    const stopA = bus.subscribe((event) => seen.push(`a:${event}`))
    bus.subscribe((event) => seen.push(`b:${event}`))

    bus.emit('app.ping', ping)
    stopA()
    bus.emit('app.ping', ping)

    expect(seen).toEqual(['a:app.ping', 'b:app.ping', 'b:app.ping'])
  })

  it('counts subscribers in size, and unsubscribing twice removes only once', () => {
    const bus = new EventBus()
    expect(bus.size).toBe(0)
    const stopA = bus.subscribe(() => {})
    const stopB = bus.subscribe(() => {})
    expect(bus.size).toBe(2)
    stopA()
    stopA()
    expect(bus.size).toBe(1)
    stopB()
    expect(bus.size).toBe(0)
  })
})

describe('EventBus.on', () => {
  it('hears only its event, with the payload of that event, until unsubscribed', () => {
    const bus = new EventBus()
    const heard: (string | null)[] = []
    const stop = bus.on('settings.changed', (settings) => heard.push(settings.locale))
    bus.emit('app.ping', { message: 'x', seq: 1, at: 'now' })
    bus.emit('settings.changed', { ...defaultUiSettings, locale: 'zh-CN' })
    stop()
    bus.emit('settings.changed', { ...defaultUiSettings, locale: 'en' })
    expect(heard).toEqual(['zh-CN'])
  })
})

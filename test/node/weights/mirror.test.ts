/**
 * The mirror: how PaddleClas URLs are rewritten, which mirror wins (ZOO_MIRROR over the setting,
 * a pull's own `mirror` over both), and that downloads really go where the settings say.
 */
import { describe, expect, it } from 'vitest'
import { mirrored, PADDLE_HOST } from '../../../src/main/weights/mirror'
import { valueOf } from '../helpers/results'
import { openTestCore } from '../helpers/testCore'
import { sha256Hex, startFaultServer } from './helpers/faultServer'
import { MODEL, openWeightsCore, pullNow, serveArchive } from './helpers/weightsFixture'

const INFER = `${PADDLE_HOST}dygraph/inference/ResNet50_vd_infer.tar`

describe('mirrored()', () => {
  it.each<[string, string | null, string]>([
    [INFER, null, INFER],
    [INFER, '', INFER],
    [INFER, 'http://mirror.local', 'http://mirror.local/dygraph/inference/ResNet50_vd_infer.tar'],
    [INFER, 'http://mirror.local/', 'http://mirror.local/dygraph/inference/ResNet50_vd_infer.tar'],
    [
      INFER,
      'https://mirror.local/paddle///',
      'https://mirror.local/paddle/dygraph/inference/ResNet50_vd_infer.tar',
    ],
    [
      `${PADDLE_HOST}dygraph/legendary_models/ResNet50_vd_pretrained.pdparams`,
      'http://127.0.0.1:8080/pc',
      'http://127.0.0.1:8080/pc/dygraph/legendary_models/ResNet50_vd_pretrained.pdparams',
    ],
    // Other hosts were not PaddleClas's to mirror.
    [
      'https://example.org/models/m.onnx',
      'http://mirror.local',
      'https://example.org/models/m.onnx',
    ],
    [
      'http://paddle-imagenet-models-name.bj.bcebos.com/x.tar',
      'http://mirror.local',
      'http://paddle-imagenet-models-name.bj.bcebos.com/x.tar',
    ],
  ])('%s with mirror %j → %s', (url, mirror, expected) => {
    expect(mirrored(url, mirror)).toBe(expected)
  })
})

describe('which mirror is used', () => {
  it('ZOO_MIRROR wins over the setting, and says so', async () => {
    const { core } = openTestCore({ env: { ZOO_MIRROR: 'http://env.mirror' } })
    const settings = valueOf(
      await core.dispatch(
        'weights.configure',
        { mirror: 'http://setting.mirror' },
        { face: 'cli' },
      ),
    )
    expect(settings).toMatchObject({ mirror: 'http://env.mirror', mirrorFromEnv: true })
  })

  it('the setting is used without ZOO_MIRROR, and can be cleared', async () => {
    const { core } = openTestCore({ env: {} })
    expect(core.weights.settings()).toMatchObject({ mirror: null, mirrorFromEnv: false })
    core.weights.configure({ mirror: 'http://setting.mirror' })
    expect(core.weights.settings()).toMatchObject({
      mirror: 'http://setting.mirror',
      mirrorFromEnv: false,
    })
    core.weights.configure({ mirror: null })
    expect(core.weights.settings().mirror).toBeNull()
  })

  it('refuses a mirror that is not an http(s) URL', async () => {
    const { core } = openTestCore({ env: {} })
    for (const mirror of ['ftp://mirror.local', 'not a url', 'file:///etc'])
      expect(await core.dispatch('weights.configure', { mirror }, { face: 'cli' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      })
  })

  it('downloads go to ZOO_MIRROR, not the setting, keeping the path after the host', async () => {
    const fromEnv = await startFaultServer()
    const fromSetting = await startFaultServer()
    const weights = await openWeightsCore({ server: fromEnv })
    weights.core.weights.configure({ mirror: fromSetting.url })
    const body = serveArchive(weights)
    fromSetting.put(weights.pathOf(MODEL), body)

    const artifact = await pullNow(weights)

    expect(artifact.sha256).toBe(sha256Hex(body))
    expect(artifact.url).toBe(`${fromEnv.url}/dygraph/inference/ResNet50_vd_infer.tar`)
    expect(fromEnv.log.map((r) => r.path)).toEqual(['/dygraph/inference/ResNet50_vd_infer.tar'])
    expect(fromSetting.log).toEqual([])
  })

  it('the setting is used when there is no ZOO_MIRROR; a pull’s own mirror wins over both', async () => {
    const fromSetting = await startFaultServer()
    const fromPull = await startFaultServer()
    const weights = await openWeightsCore({ server: fromSetting, env: {} })
    weights.core.weights.configure({ mirror: `${fromSetting.url}/` })
    const body = serveArchive(weights)

    expect((await pullNow(weights)).sha256).toBe(sha256Hex(body))
    expect(fromSetting.log).toHaveLength(1)

    fromPull.put(`/prefix${weights.pathOf(MODEL)}`, body)
    const { done } = weights.core.weights.pull({
      modelId: MODEL,
      mirror: `${fromPull.url}/prefix`,
    })
    expect((await done).url).toBe(`${fromPull.url}/prefix/dygraph/inference/ResNet50_vd_infer.tar`)
    expect(fromPull.log.map((r) => r.path)).toEqual([
      '/prefix/dygraph/inference/ResNet50_vd_infer.tar',
    ])
    expect(fromSetting.log).toHaveLength(1)
  })
})

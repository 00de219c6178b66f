import type { MessageSchema } from './en'

export const zhCN: MessageSchema = {
  app: { name: 'Zoo Explorer', tagline: 'PaddleClas ImageNet-1k 模型库' },
  nav: {
    label: '主导航',
    explore: '探索',
    models: '模型',
    compare: '对比',
    classify: '识别',
    batch: '批量',
    downloads: '下载',
    settings: '设置',
  },
  views: {
    explore: {
      title: '探索',
      lead: '在你要部署的平台上，比较模型库中每个模型的精度与开销。',
      empty: '模型目录加载后，图表将显示在这里。',
    },
    models: {
      title: '模型',
      lead: '每个模型的全部公开指标，可搜索、可排序。',
      empty: '模型目录加载后，模型表格将显示在这里。',
    },
    compare: {
      title: '对比',
      lead: '并排比较模型：精度、各平台延时、大小与预处理。',
      empty: '在“探索”或“模型”中选择模型，即可在此对比。',
    },
    classify: {
      title: '识别',
      lead: '用模型自己的预处理，在你的图片上运行模型。',
      empty: '图片识别将随本地推理功能提供。',
    },
    batch: {
      title: '批量',
      lead: '对整个文件夹分类，可断点续跑，结果可筛选、可导出。',
      empty: '批量任务将在本地推理之后提供。',
    },
    downloads: {
      title: '下载',
      lead: '模型权重：下载、本地缓存与导入的文件。',
      empty: '还没有下载。',
    },
  },
  settings: {
    title: '设置',
    appearance: '外观',
    language: '语言',
    languageSystem: '跟随系统',
    theme: '主题',
    themes: { system: '跟随系统', light: '浅色', dark: '深色' },
    saved: '已保存',
    saveFailed: '无法保存设置：{message}',
  },
  about: {
    title: '关于',
    version: '版本',
    host: '运行方式',
    hosts: { electron: '桌面窗口（Electron）', browser: '浏览器模式', cli: '命令行' },
    dataDir: '数据文件夹',
    database: '数据库',
    engines: '引擎',
    platform: '平台',
    loading: '正在读取版本信息…',
    loadFailed: '无法读取应用信息：{message}',
    retry: '重试',
    ping: '测试事件通道',
    pingButton: '发送 ping',
    pingWaiting: '尚未收到事件。',
    pingReceived: '于 {at} 收到事件 #{seq}',
  },
  errors: {
    unreachable: 'Zoo Explorer 后端没有响应。如果你是用 npm run serve 启动的，请确认它仍在运行。',
  },
}

export const en = {
  app: { name: 'Zoo Explorer', tagline: 'PaddleClas ImageNet-1k model zoo' },
  nav: {
    label: 'Main',
    explore: 'Explore',
    models: 'Models',
    compare: 'Compare',
    classify: 'Classify',
    batch: 'Batch',
    downloads: 'Downloads',
    settings: 'Settings',
  },
  views: {
    explore: {
      title: 'Explore',
      lead: 'Accuracy against cost for every model of the zoo, on the platform you deploy to.',
      empty: 'Charts appear here once the model catalog is loaded.',
    },
    models: {
      title: 'Models',
      lead: 'Every model with every published figure, searchable and sortable.',
      empty: 'The model table appears here once the model catalog is loaded.',
    },
    compare: {
      title: 'Compare',
      lead: 'Models side by side: accuracy, latency per platform, size and preprocessing.',
      empty: 'Pick models in Explore or Models to compare them here.',
    },
    classify: {
      title: 'Classify',
      lead: 'Run a model on your own images, with its own preprocessing.',
      empty: 'Image classification arrives with native inference.',
    },
    batch: {
      title: 'Batch',
      lead: 'Classify whole folders, resumable, with results you can filter and export.',
      empty: 'Batch jobs arrive after native inference.',
    },
    downloads: {
      title: 'Downloads',
      lead: 'Model weights: downloads, the local cache, and imported files.',
      empty: 'No downloads yet.',
    },
  },
  settings: {
    title: 'Settings',
    appearance: 'Appearance',
    language: 'Language',
    languageSystem: 'Follow the system',
    theme: 'Theme',
    themes: { system: 'Follow the system', light: 'Light', dark: 'Dark' },
    saved: 'Saved',
    saveFailed: 'Could not save the setting: {message}',
  },
  about: {
    title: 'About',
    version: 'Version',
    host: 'Running in',
    hosts: { electron: 'Desktop window (Electron)', browser: 'Browser mode', cli: 'Command line' },
    dataDir: 'Data folder',
    database: 'Database',
    engines: 'Engines',
    platform: 'Platform',
    loading: 'Reading versions…',
    loadFailed: 'Could not read app information: {message}',
    retry: 'Try again',
    ping: 'Test the event channel',
    pingButton: 'Send ping',
    pingWaiting: 'No events received yet.',
    pingReceived: 'Event #{seq} received at {at}',
  },
  errors: {
    unreachable:
      'Zoo Explorer’s back end is not answering. If you started it with npm run serve, check that it is still running.',
  },
}

export type MessageSchema = typeof en

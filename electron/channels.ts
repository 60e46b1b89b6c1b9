/** The IPC channels between the preload and the main process (the only ones either side uses). */
export const CHANNELS = { call: 'cwb:call', openFile: 'cwb:open-file', saveFile: 'cwb:save-file', menu: 'cwb:menu' } as const;

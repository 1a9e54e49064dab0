export type {
  FileCallOptions,
  ListPage,
  OpenedFile,
  VolumeEntry,
  VolumeFilesOptions,
  WrittenFile,
} from './volume-files.js';
export { VolumeFiles } from './volume-files.js';
export type { VolumePath } from './volume-path.js';
export { parseVolumePath, volumePathOf } from './volume-path.js';

/** What recruitment's routes share: the matching indexes and the file storage (CVs). */
import type { FileStorage } from '../platform/uploads/storage.js';
import type { Appariement } from './matching.js';

export interface RecrutementContext {
  appariement: Appariement;
  storage: FileStorage;
}

/** The shared file-upload service: multipart reading, content checks, storage, downloads, retention. */
export { enableUploads, readUpload, uploadAction, type UploadOptions, type UploadResult, type UploadedFile } from './multipart.js';
export { databaseStorage, directoryStorage, type FileStorage } from './storage.js';
export {
  checkContent,
  contentDisposition,
  deleteFile,
  formatSize,
  getFile,
  listFiles,
  openFile,
  purgeExpiredFiles,
  sanitiseFileName,
  sendFile,
  storeFile,
  MAX_FILE_NAME,
  MAX_LIBELLE,
  type AcceptedType,
  type FileRecord,
  type FileWithContent,
  type NewFile,
} from './files.js';

import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { deleteFile, getFile, listFiles, storeFile, type AcceptedType, type FileRecord, type FileStorage } from '../platform/uploads/index.js';

/** A structure's documents: PDF files owned by the structure in the shared file service. */
export const DOCUMENTS_OWNER = 'structures';
export const DOCUMENT_MAX_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_TYPES: readonly AcceptedType[] = ['application/pdf'];
export const LIBELLE_MAX = 150;

export type StructureDocument = FileRecord;

export function listDocuments(db: Db, structureId: string): Promise<StructureDocument[]> {
  return listFiles(db, DOCUMENTS_OWNER, structureId);
}

export function getDocument(db: Db, structureId: string, id: string): Promise<StructureDocument | null> {
  return getFile(db, DOCUMENTS_OWNER, structureId, id);
}

/** Validates the purpose of a document; a French message, or null when fine. */
export function libelleProblem(libelle: string): string | null {
  if (!libelle) return "Indiquez l'objet du document, par exemple « Convention 2025 ».";
  if ([...libelle].length > LIBELLE_MAX) return `Saisissez au plus ${LIBELLE_MAX} caractères.`;
  return null;
}

export async function addDocument(
  db: Db,
  storage: FileStorage,
  actor: Actor & { name: string },
  structure: { id: string; nom: string },
  doc: { name: string; mediaType: AcceptedType; content: Buffer; libelle: string },
): Promise<StructureDocument> {
  return storeFile(
    db,
    storage,
    {
      ownerContext: DOCUMENTS_OWNER,
      ownerId: structure.id,
      name: doc.name,
      mediaType: doc.mediaType,
      content: doc.content,
      libelle: doc.libelle,
      uploadedBy: { userId: actor.userId, label: actor.name },
    },
    async (tx, f) => {
      await recordAudit(tx, actor, {
        action: 'structure.document_ajoute',
        objectType: 'structure',
        objectId: structure.id,
        summary: `Document « ${f.libelle ?? f.nomOriginal} » (${f.nomOriginal}) ajouté à la structure « ${structure.nom} »`,
        after: { fichier: f.id, nom: f.nomOriginal, taille: f.taille, sha256: f.sha256 },
      });
    },
  );
}

export async function removeDocument(db: Db, storage: FileStorage, actor: Actor, structure: { id: string; nom: string }, doc: StructureDocument): Promise<boolean> {
  return deleteFile(db, storage, doc, async (tx) => {
    await recordAudit(tx, actor, {
      action: 'structure.document_supprime',
      objectType: 'structure',
      objectId: structure.id,
      summary: `Document « ${doc.libelle ?? doc.nomOriginal} » (${doc.nomOriginal}) supprimé de la structure « ${structure.nom} »`,
      before: { fichier: doc.id, nom: doc.nomOriginal, taille: doc.taille, sha256: doc.sha256 },
    });
  });
}

export { createDocumentReader, type DocumentImages, type DocumentReader, type ReadOptions } from "./reader.js";
export { checkDigit, LAYOUTS, type MrzFormat, type MrzLayout } from "./mrz-layout.js";
export { repairMrz, type RepairedMrz } from "./mrz-repair.js";
export { bestReadout, type MrzReadout } from "./mrz-text.js";
export { fieldsOfReadout } from "./mrz-fields.js";
export { alpha2Of } from "./countries.js";

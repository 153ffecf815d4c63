export { decodeUpload, UndecodableImage, WORKING_SIDE, type DecodedImage } from "./decode.js";
export { grayAt, laplacianVariance, type GrayImage } from "./gray.js";
export { glareShare, meanLuminance } from "./measure.js";
export { assessUpload, assessQuality, QUALITY_THRESHOLDS, type AssessedImage } from "./quality.js";

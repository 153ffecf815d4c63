// A media worker whose every task waits forever, as the threads did once a result they posted could
// not be decoded (issue 14, finding 1): what the task deadline and readiness must cope with.
const never = () => new Promise(() => {});
export const decodeUpload = never;
export const sealMedia = never;
export const openMedia = never;

/** Markers of the block in default-model/PROVENANCE.md that `npm run bench:default-model -- --update-provenance` rewrites. */
export const MEASURED_START = '<!-- bench:default-model start -->';
export const MEASURED_END = '<!-- bench:default-model end -->';

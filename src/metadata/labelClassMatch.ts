/**
 * Descriptions under which a model label may name an Open Images class, most specific first.
 * ImageNet-style names list synonyms ("tabby, tabby cat"); their head noun ("cat") is the
 * everyday class the dataset uses. Vision labels carry mids and rarely need this.
 */
export function classDescriptionCandidates(name: string): string[] {
  const synonyms = name
    .split(',')
    .map((s) => s.trim().replace(/_/g, ' '))
    .filter(Boolean);
  const headNouns = synonyms.map((s) => s.split(/\s+/).at(-1) ?? s).filter((noun) => noun.length > 2);
  return [...new Set([name.trim(), ...synonyms, ...headNouns].map((s) => s.toLowerCase()))];
}

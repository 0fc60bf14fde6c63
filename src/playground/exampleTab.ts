/** One tab a first visit to the playground opens; they run on the demo data (exampleTabs.generated.ts). */
export interface ExampleTab {
  query: string;
  /** The variables, as JSON text. */
  variables?: string;
}

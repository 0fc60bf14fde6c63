// apollo-upload-client 18 ships JavaScript with JSDoc types only; the part the explorer uses.
declare module 'apollo-upload-client/createUploadLink.mjs' {
  import type { ApolloLink } from '@apollo/client';
  export default function createUploadLink(options: { uri: string; headers?: Record<string, string> }): ApolloLink;
}

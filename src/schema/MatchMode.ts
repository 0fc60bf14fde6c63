import { registerEnumType } from 'type-graphql';

export enum MatchMode {
  ANY = 'ANY',
  ALL = 'ALL',
}

registerEnumType(MatchMode, {
  name: 'MatchMode',
  description: 'How several classes combine in a search.',
  valuesConfig: {
    ANY: { description: 'Images with at least one of the classes.' },
    ALL: { description: 'Images with every one of the classes.' },
  },
});

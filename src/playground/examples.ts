/** The operations a first visit to the playground opens, one tab each. They run on the demo data. */
export interface ExampleTab {
  query: string;
  variables?: string;
}

export const EXAMPLE_TABS: ExampleTab[] = [
  {
    query: `# Welcome to the Open Images gateway. Run an operation with Ctrl-Enter or the ▶ button;
# the other tabs hold more examples. The schema is in the Docs panel on the left.
query Classes {
  classes(search: "a", first: 5) {
    totalCount
    edges {
      node {
        label
        description
        imageCount
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
  },
  {
    query: `query SearchImages($classes: [String!]!) {
  searchImages(classes: $classes, match: ALL, first: 5) {
    totalCount
    edges {
      node {
        id
        url
        classes {
          description
        }
      }
    }
  }
}
`,
    variables: JSON.stringify({ classes: ['Woman', 'Coffee cup'] }, null, 2),
  },
  {
    query: `query SearchRelations {
  searchRelations(subject: "Wom%", relation: "holds", first: 5) {
    totalCount
    edges {
      node {
        subject {
          description
        }
        relation
        object {
          description
        }
        image {
          id
        }
      }
    }
  }
}
`,
  },
  {
    query: `query Image($id: ID!) {
  image(id: $id) {
    id
    url
    classes {
      label
      description
    }
    relations {
      subject {
        description
      }
      relation
      object {
        description
      }
    }
  }
}
`,
    variables: JSON.stringify({ id: '149fe5480869d8ab' }, null, 2),
  },
  {
    query: `# From an upload to Open Images images of the same things, in one request: each label links to
# the class it names (by mid, by name, or up its WordNet hypernyms: "macaw" -> Parrot), and the
# classes' images come from one batched store query. The playground cannot attach files: send it
# as a multipart request (curl example in the README, or examples/client).
mutation ClassifyToImages($files: [Upload!]!) {
  classify(files: $files) {
    filename
    labels {
      name
      score
      class {
        description
        imageCount
        images(first: 5) {
          edges {
            node {
              id
              url
            }
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# Live training progress. Run TrainModel (the gateway needs TRAINING_DATA_ROOT; \`data\` is a folder
# under it with one sub-folder of images per class), put the job id it answers into the variables,
# then run TrainingJobEvents: each event shows here as it happens, until SUCCEEDED or FAILED.
mutation TrainModel {
  trainModel(input: { modelId: "flowers", data: "flowers", epochs: 10 }) {
    id
    status
  }
}

subscription TrainingJobEvents($id: ID!) {
  trainingJobEvents(id: $id) {
    sequence
    kind
    stage
    step
    steps
    epoch {
      epoch
      epochs
      loss
      validationAccuracy
    }
    job {
      status
      progress
      etaSeconds
      error
      evaluation {
        accuracy
      }
    }
  }
}
`,
    variables: JSON.stringify({ id: 'the id that TrainModel answered' }, null, 2),
  },
];

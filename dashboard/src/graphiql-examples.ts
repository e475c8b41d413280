/**
 * Example operations GraphiQL opens with, one tab each, on a browser that has no saved
 * GraphiQL tabs yet. Add new examples here as the schema grows.
 */
export interface GraphiQLExample {
  /** A complete operation; the tab is titled after its operation name. */
  query: string;
  variables?: Record<string, unknown>;
}

export const graphiqlExamples: GraphiQLExample[] = [
  {
    query: `# Who am I? Sign in with the bar above first:
# GraphiQL then sends your session token.
query Me {
  me {
    id
    name
    email
    role
  }
}
`,
  },
  {
    query: `# Trade an email and password for a token.
# To use another token, put it in Headers:
# {"Authorization": "Bearer <token>"}
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token
    expiresAt
    user {
      id
      name
      role
    }
  }
}
`,
    variables: { email: "you@example.org", password: "" },
  },
];

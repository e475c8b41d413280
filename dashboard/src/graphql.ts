// Operations are plain tagged documents until graphql-codegen's client preset
// generates typed ones into ./gql; then only this import changes in each file.
export { gql as graphql } from "urql";

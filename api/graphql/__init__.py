"""The GraphQL schema (strawberry), organised by domain."""

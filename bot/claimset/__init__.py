"""The claim set: schema, status vocabulary, reading and validating it, the verified cache."""

"""Developer tools: data builders (lexicon tables, fitted weights), answer-identity checks,
and the background server used by tests and benchmarks."""

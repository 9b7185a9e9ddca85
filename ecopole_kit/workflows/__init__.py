"""One verb per module (create, interview, validate, build, requests…): short orchestrators
that load what they need, call the core in order and return results; they never print."""

"""Named services behind the thin routers: retrieve, answer, ground, cache, audit, ask."""

"""Discord plumbing shared by the cogs: base cog, checks, tree errors, rendering, views, limits."""

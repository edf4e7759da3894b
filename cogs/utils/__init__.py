"""Discord plumbing shared by the cogs: rendering to embeds, limits, views, checks, the tree."""

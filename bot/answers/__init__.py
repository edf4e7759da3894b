"""The answers: the engine over a loaded claim set, its search index, figures and evidence."""

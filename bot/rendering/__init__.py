"""Plain-text rendering of answers, and the formatting every face shares."""
